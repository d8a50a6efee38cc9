/**
 * The datagrams of zoolab's UDP election transport (no ZooKeeper counterpart: Java's
 * QuorumCnxManager is TCP only). Big-endian, one election message per DATA datagram
 * or split over several when it does not fit:
 *
 *   DATA  magic u16 | version u8 | kind=1 u8 | from sid i64 | from incarnation u64
 *         | seq u32 | base u32 | fragment u16 | fragments u16 | payload
 *   ACK   magic u16 | version u8 | kind=2 u8 | from sid i64 | from incarnation u64
 *         | acked incarnation u64 | cumulative u32 | seq u32
 *
 * `seq` numbers a sender's messages to one peer from 1; `base` is the oldest it still
 * retransmits (the receiver may skip anything older). An incarnation is chosen when a
 * channel opens and grows across restarts, so a peer tells a restarted sender from a
 * late datagram of its old life. An ACK says: all of the acked incarnation's messages
 * up to `cumulative` are delivered or given up, and message `seq` (0: none) arrived whole.
 */

export const DATAGRAM_MAGIC = 0x7a6c; // "zl"
export const DATAGRAM_VERSION = 1;
/** Fits the IPv6 minimum MTU (1280) with IP and UDP headers to spare: no IP fragmentation. */
export const MAX_DATAGRAM = 1200;
export const DATA_HEADER = 32;
export const ACK_LENGTH = 36;
export const MAX_FRAGMENT_PAYLOAD = MAX_DATAGRAM - DATA_HEADER;

/** The kind byte on the wire. */
export const DatagramKind = { DATA: 1, ACK: 2 } as const;

export interface DataDatagram {
  kind: 'data';
  from: bigint;
  incarnation: bigint;
  seq: number;
  base: number;
  fragment: number;
  fragments: number;
  payload: Buffer;
}

export interface AckDatagram {
  kind: 'ack';
  from: bigint;
  incarnation: bigint;
  ackedIncarnation: bigint;
  cumulative: number;
  seq: number;
}

export type Datagram = DataDatagram | AckDatagram;

export type DatagramErrorCode = 'truncated' | 'bad-magic' | 'bad-version' | 'bad-kind' | 'bad-fragment' | 'too-large';

/** A datagram that is not one of ours, or a message that cannot be sent as datagrams. */
export class DatagramError extends Error {
  override readonly name = 'DatagramError';
  constructor(
    readonly code: DatagramErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function header(kind: number, length: number, from: bigint, incarnation: bigint): Buffer {
  const b = Buffer.alloc(length);
  b.writeUInt16BE(DATAGRAM_MAGIC, 0);
  b.writeUInt8(DATAGRAM_VERSION, 2);
  b.writeUInt8(kind, 3);
  b.writeBigInt64BE(from, 4);
  b.writeBigUInt64BE(incarnation, 12);
  return b;
}

/** The DATA datagrams of one message: one per MAX_FRAGMENT_PAYLOAD bytes (at least one). */
export function encodeData(m: { from: bigint; incarnation: bigint; seq: number; base: number; payload: Buffer }): Buffer[] {
  const count = Math.max(1, Math.ceil(m.payload.length / MAX_FRAGMENT_PAYLOAD));
  if (count > 0xffff) throw new DatagramError('too-large', `a message of ${m.payload.length} bytes needs more than 65535 datagrams`);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const part = m.payload.subarray(i * MAX_FRAGMENT_PAYLOAD, (i + 1) * MAX_FRAGMENT_PAYLOAD);
    const b = header(DatagramKind.DATA, DATA_HEADER + part.length, m.from, m.incarnation);
    b.writeUInt32BE(m.seq, 20);
    b.writeUInt32BE(m.base, 24);
    b.writeUInt16BE(i, 28);
    b.writeUInt16BE(count, 30);
    part.copy(b, DATA_HEADER);
    out.push(b);
  }
  return out;
}

export function encodeAck(a: Omit<AckDatagram, 'kind'>): Buffer {
  const b = header(DatagramKind.ACK, ACK_LENGTH, a.from, a.incarnation);
  b.writeBigUInt64BE(a.ackedIncarnation, 20);
  b.writeUInt32BE(a.cumulative, 28);
  b.writeUInt32BE(a.seq, 32);
  return b;
}

/** Reads one datagram; throws DatagramError for anything that is not a well-formed one. */
export function decodeDatagram(b: Buffer): Datagram {
  if (b.length < 20) throw new DatagramError('truncated', `datagram of ${b.length} bytes is shorter than a header`);
  const magic = b.readUInt16BE(0);
  if (magic !== DATAGRAM_MAGIC) throw new DatagramError('bad-magic', `magic 0x${magic.toString(16)} is not 0x${DATAGRAM_MAGIC.toString(16)}`);
  const version = b.readUInt8(2);
  if (version !== DATAGRAM_VERSION) throw new DatagramError('bad-version', `datagram version ${version}, expected ${DATAGRAM_VERSION}`);
  const kind = b.readUInt8(3);
  const from = b.readBigInt64BE(4);
  const incarnation = b.readBigUInt64BE(12);
  if (kind === DatagramKind.DATA) {
    if (b.length < DATA_HEADER) throw new DatagramError('truncated', `DATA datagram of ${b.length} bytes`);
    const fragment = b.readUInt16BE(28);
    const fragments = b.readUInt16BE(30);
    if (fragments === 0 || fragment >= fragments) {
      throw new DatagramError('bad-fragment', `fragment ${fragment} of ${fragments}`);
    }
    const seq = b.readUInt32BE(20);
    if (seq === 0) throw new DatagramError('bad-fragment', 'sequence number 0 (they start at 1)');
    return { kind: 'data', from, incarnation, seq, base: b.readUInt32BE(24), fragment, fragments, payload: b.subarray(DATA_HEADER) };
  }
  if (kind === DatagramKind.ACK) {
    if (b.length !== ACK_LENGTH) throw new DatagramError('truncated', `ACK datagram of ${b.length} bytes, expected ${ACK_LENGTH}`);
    return { kind: 'ack', from, incarnation, ackedIncarnation: b.readBigUInt64BE(20), cumulative: b.readUInt32BE(28), seq: b.readUInt32BE(32) };
  }
  throw new DatagramError('bad-kind', `datagram kind ${kind} is neither DATA (1) nor ACK (2)`);
}
