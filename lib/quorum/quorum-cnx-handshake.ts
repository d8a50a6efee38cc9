import { LONG_MAX, LONG_MIN } from './vote';

/** Sent first on every election connection since 3.5.0 (ZOOKEEPER-107). */
export const PROTOCOL_VERSION_V1 = -65536n;
/** Sent instead when multiAddress.enabled: the address part lists `host:port|host:port…`. */
export const PROTOCOL_VERSION_V2 = -65535n;
/** QuorumCnxManager.maxBuffer: the longest address part an initial message may carry. */
export const INITIAL_MESSAGE_MAX_BUFFER = 2048;
/** QuorumCnxManager.PACKETMAXSIZE: the longest election message frame. */
export const PACKET_MAX_SIZE = 512 * 1024;
/** QuorumPeer.OBSERVER_ID: the sid an observer without an id connects with. */
export const OBSERVER_ID = LONG_MAX;

export interface ElectionAddress {
  host: string;
  port: number;
}

/** QuorumCnxManager.InitialMessage: who is connecting and where its election port is. */
export interface InitialMessage {
  /** V1 or V2; null when the peer sent a bare sid (before 3.5.0). */
  protocolVersion: bigint | null;
  sid: bigint;
  /** The election addresses, wildcard addresses left out (as ZooKeeper does). */
  addresses: ElectionAddress[];
}

export type HandshakeErrorCode = 'unknown-version' | 'buffer-length' | 'truncated' | 'bad-address' | 'bad-port' | 'out-of-range' | 'frame-length';

/** A connection handshake or message frame that cannot be read or written. */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
  constructor(
    readonly code: HandshakeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** NetUtils.formatInetAddr: IPv6 in brackets. Pass addresses, not names: Java sends the resolved IP. */
export function formatElectionAddress(a: ElectionAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/**
 * The bytes QuorumCnxManager.startConnection writes: protocol version long, sid long, then
 * the address text as int length + bytes. V1 (what 3.8 sends unless multiAddress.enabled)
 * carries only the first address.
 */
export function encodeInitialMessage(m: { protocolVersion?: bigint; sid: bigint; addresses: readonly ElectionAddress[] }): Buffer {
  const version = m.protocolVersion ?? PROTOCOL_VERSION_V1;
  if (version !== PROTOCOL_VERSION_V1 && version !== PROTOCOL_VERSION_V2) {
    throw new HandshakeError('unknown-version', `protocol version ${version} is neither V1 (${PROTOCOL_VERSION_V1}) nor V2 (${PROTOCOL_VERSION_V2})`);
  }
  if (m.sid < LONG_MIN || m.sid > LONG_MAX) throw new HandshakeError('out-of-range', `sid ${m.sid} is not a 64-bit signed long`);
  if (m.addresses.length === 0) throw new HandshakeError('bad-address', 'an initial message needs at least one election address');
  const sent = version === PROTOCOL_VERSION_V2 ? m.addresses : m.addresses.slice(0, 1);
  const text = Buffer.from(sent.map(formatElectionAddress).join('|'), 'utf8');
  if (text.length > INITIAL_MESSAGE_MAX_BUFFER) {
    throw new HandshakeError('buffer-length', `address text of ${text.length} bytes exceeds ${INITIAL_MESSAGE_MAX_BUFFER}`);
  }
  const b = Buffer.alloc(20 + text.length);
  b.writeBigInt64BE(version, 0);
  b.writeBigInt64BE(m.sid, 8);
  b.writeInt32BE(text.length, 16);
  text.copy(b, 20);
  return b;
}

/**
 * Reads an initial message from the start of `buf` (QuorumCnxManager.handleConnection and
 * InitialMessage.parse). Returns null while more bytes are needed; throws HandshakeError
 * where ZooKeeper closes the connection.
 */
export function tryParseInitialMessage(buf: Buffer): { message: InitialMessage; bytesRead: number } | null {
  if (buf.length < 8) return null;
  const first = buf.readBigInt64BE(0);
  if (first >= 0n) return { message: { protocolVersion: null, sid: first, addresses: [] }, bytesRead: 8 };
  if (first !== PROTOCOL_VERSION_V1 && first !== PROTOCOL_VERSION_V2) {
    throw new HandshakeError('unknown-version', `Got unrecognized protocol version ${first}`);
  }
  if (buf.length < 20) return null;
  const sid = buf.readBigInt64BE(8);
  const remaining = buf.readInt32BE(16);
  if (remaining <= 0 || remaining > INITIAL_MESSAGE_MAX_BUFFER) {
    throw new HandshakeError('buffer-length', `Unreasonable buffer length: ${remaining}`);
  }
  if (buf.length < 20 + remaining) return null;
  const text = buf.toString('utf8', 20, 20 + remaining);
  return { message: { protocolVersion: first, sid, addresses: parseAddresses(text) }, bytesRead: 20 + remaining };
}

/** The whole of `buf` as one initial message; a short buffer is an error here. */
export function decodeInitialMessage(buf: Buffer): InitialMessage {
  const r = tryParseInitialMessage(buf);
  if (r === null) throw new HandshakeError('truncated', `initial message truncated: ${buf.length} bytes`);
  return r.message;
}

/** String.split as Java does it: trailing empty strings dropped. */
function javaSplit(s: string, sep: string): string[] {
  if (s === '') return [''];
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** ConfigUtils.getHostAndPort. */
function hostAndPort(s: string): string[] {
  if (!s.startsWith('[')) return javaSplit(s, ':');
  const i = s.indexOf(']');
  if (i < 0) throw new HandshakeError('bad-address', `Badly formed address: ${s}`);
  if (i + 2 === s.length) throw new HandshakeError('bad-address', `Badly formed address: ${s}`);
  if (i + 2 < s.length) return [s.slice(1, i), ...javaSplit(s.slice(i + 2), ':')];
  return [s.replace(/\[|\]/g, '')];
}

const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

function parseAddresses(text: string): ElectionAddress[] {
  const out: ElectionAddress[] = [];
  for (const addr of javaSplit(text, '|')) {
    const hp = hostAndPort(addr);
    if (hp.length !== 2) throw new HandshakeError('bad-address', `Badly formed address: ${addr}`);
    // Integer.parseInt: an optional sign, then decimal digits.
    if (!/^[+-]?\d+$/.test(hp[1])) throw new HandshakeError('bad-port', `Bad port number: ${hp[1]}`);
    const port = Number(hp[1]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new HandshakeError('bad-port', `Bad port number: ${hp[1]}`);
    if (!WILDCARDS.has(hp[0])) out.push({ host: hp[0], port });
  }
  return out;
}

/** What a side does with a fresh election connection once it knows the other's sid. */
export type ConnectionDecision = 'keep' | 'drop' | 'drop-and-connect-back' | 'own-id';

/**
 * "Only the higher sid keeps a connection": there is one connection per pair, the one the
 * higher sid initiated. An initiator that is smaller drops its connection (and waits for
 * the other to connect); an acceptor that is larger closes the incoming one and connects
 * back itself. A connection from one's own sid is a configuration error (ZOOKEEPER-2164).
 */
export function decideConnection(role: 'initiator' | 'acceptor', mySid: bigint, remoteSid: bigint): ConnectionDecision {
  if (role === 'initiator') return remoteSid > mySid ? 'drop' : 'keep';
  if (remoteSid < mySid) return 'drop-and-connect-back';
  if (remoteSid === mySid) return 'own-id';
  return 'keep';
}

/** One election message on the connection: int length, then the bytes (SendWorker.send). */
export function encodeElectionFrame(payload: Buffer): Buffer {
  if (payload.length <= 0 || payload.length > PACKET_MAX_SIZE) {
    throw new HandshakeError('frame-length', `election message of ${payload.length} bytes: must be 1..${PACKET_MAX_SIZE}`);
  }
  const b = Buffer.alloc(4 + payload.length);
  b.writeInt32BE(payload.length, 0);
  payload.copy(b, 4);
  return b;
}

/**
 * Reads one frame at `offset` (RecvWorker): null while incomplete; a length ≤ 0 or over
 * PACKET_MAX_SIZE breaks the connection, as in ZooKeeper.
 */
export function tryReadElectionFrame(buf: Buffer, offset = 0): { payload: Buffer; next: number } | null {
  if (buf.length - offset < 4) return null;
  const length = buf.readInt32BE(offset);
  if (length <= 0 || length > PACKET_MAX_SIZE) {
    throw new HandshakeError('frame-length', `Received packet with invalid packet: ${length}`);
  }
  if (buf.length - offset - 4 < length) return null;
  return { payload: buf.subarray(offset + 4, offset + 4 + length), next: offset + 4 + length };
}
