import { LONG_MAX, LONG_MIN, ServerState } from '../vote';

/** FastLeaderElection.Notification.CURRENTVERSION (since 3.4.6; 0x2 carries the config). */
export const NOTIFICATION_CURRENT_VERSION = 0x2;

/** The fields a peer sends (FastLeaderElection.ToSend, less the recipient). */
export interface NotificationMessage {
  /** The sender's state. */
  state: ServerState;
  /** The proposed leader. */
  leader: bigint;
  /** The proposed leader's last zxid. */
  zxid: bigint;
  /** The sender's round (logical clock), or the round its vote was decided in. */
  electionEpoch: bigint;
  /** The proposed leader's epoch. */
  peerEpoch: bigint;
  /** The sender's quorum configuration as text (QuorumVerifier.toString). */
  config: string;
}

/** A notification as received (FastLeaderElection.Notification). */
export interface Notification extends Omit<NotificationMessage, 'config'> {
  /** The sender, known from the connection, not from the message. */
  sid: number;
  /** Format version: 0 for the 28- and 40-byte formats, else as sent. */
  version: number;
  /** The sender's configuration; null for formats before 0x2. */
  config: string | null;
}

export type NotificationErrorCode = 'short' | 'truncated' | 'config-length' | 'unknown-state' | 'out-of-range';

/**
 * A notification that cannot be read or written. ZooKeeper logs these and drops the
 * message; so does zoolab, with the reason in `code`.
 */
export class NotificationFormatError extends Error {
  override readonly name = 'NotificationFormatError';
  constructor(
    readonly code: NotificationErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const STATES = [ServerState.LOOKING, ServerState.FOLLOWING, ServerState.LEADING, ServerState.OBSERVING];

function checkLong(field: string, v: bigint): void {
  if (typeof v !== 'bigint' || v < LONG_MIN || v > LONG_MAX) {
    throw new NotificationFormatError('out-of-range', `notification ${field}: ${String(v)} is not a 64-bit signed long`);
  }
}

function header(m: Omit<NotificationMessage, 'config'>, size: number, version: number): Buffer {
  if (!STATES.includes(m.state)) throw new NotificationFormatError('unknown-state', `notification state ${m.state} is not a ServerState`);
  for (const f of ['leader', 'zxid', 'electionEpoch', 'peerEpoch'] as const) checkLong(f, m[f]);
  const b = Buffer.alloc(size);
  b.writeInt32BE(m.state, 0);
  b.writeBigInt64BE(m.leader, 4);
  b.writeBigInt64BE(m.zxid, 12);
  b.writeBigInt64BE(m.electionEpoch, 20);
  b.writeBigInt64BE(m.peerEpoch, 28);
  b.writeInt32BE(version, 36);
  return b;
}

/**
 * FastLeaderElection.buildMsg: state int, leader, zxid, electionEpoch, peerEpoch longs,
 * version int 0x2, config length int and the config bytes (UTF-8). Big-endian, unframed:
 * QuorumCnxManager adds the length frame (see quorum-cnx-handshake.ts).
 */
export function encodeNotification(m: NotificationMessage): Buffer {
  const config = Buffer.from(m.config, 'utf8');
  const b = header(m, 44 + config.length, NOTIFICATION_CURRENT_VERSION);
  b.writeInt32BE(config.length, 40);
  config.copy(b, 44);
  return b;
}

/** The 40-byte, version 0x1 format (buildMsg without config), as 3.4.6–3.4.x peers send. */
export function encodeNotificationV1(m: Omit<NotificationMessage, 'config'>): Buffer {
  return header(m, 40, 0x1);
}

/**
 * The receiver's parse (FastLeaderElection.Messenger.WorkerReceiver): 28 bytes is the
 * format before peerEpoch (taken from the zxid then), 40 bytes the one before version;
 * from version 0x2 on a config of configLength bytes follows. Bytes past what the version
 * defines are ignored, as in ZooKeeper.
 */
export function decodeNotification(buf: Buffer, sid: number): Notification {
  const capacity = buf.length;
  if (capacity < 28) {
    throw new NotificationFormatError('short', `short notification from server ${sid}: ${capacity} bytes, at least 28 needed`);
  }
  const need = (n: number, what: string) => {
    if (capacity < n) {
      throw new NotificationFormatError('truncated', `partial notification from server ${sid}: ${capacity} bytes end inside ${what}`);
    }
  };
  const rstate = buf.readInt32BE(0);
  const leader = buf.readBigInt64BE(4);
  const zxid = buf.readBigInt64BE(12);
  const electionEpoch = buf.readBigInt64BE(20);
  let peerEpoch: bigint;
  let version = 0;
  let config: string | null = null;
  if (capacity === 28) {
    peerEpoch = zxid >> 32n; // ZxidUtils.getEpochFromZxid
  } else {
    need(36, 'peerEpoch');
    peerEpoch = buf.readBigInt64BE(28);
    if (capacity !== 40) {
      need(40, 'version');
      version = buf.readInt32BE(36);
    }
  }
  if (version > 0x1) {
    need(44, 'config length');
    const configLength = buf.readInt32BE(40);
    if (configLength < 0 || configLength > capacity) {
      throw new NotificationFormatError(
        'config-length',
        `invalid configLength in notification from server ${sid}: capacity=${capacity}, version=${version}, configLength=${configLength}`,
      );
    }
    need(44 + configLength, 'config');
    config = buf.toString('utf8', 44, 44 + configLength);
  }
  const state = STATES[rstate];
  if (state === undefined) throw new NotificationFormatError('unknown-state', `notification from server ${sid} has unknown state ${rstate}`);
  return { state, leader, zxid, electionEpoch, peerEpoch, sid, version, config };
}

/** The `version=` line of a configuration text (hex), or null when it has none. */
export function configVersionOf(config: string | null): bigint | null {
  const m = config === null ? null : /(?:^|\n)version=([0-9a-fA-F]+)\s*(?:\n|$)/.exec(config);
  return m ? BigInt(`0x${m[1]}`) : null;
}
