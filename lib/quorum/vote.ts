/**
 * A peer's role, as QuorumPeer.ServerState. The ordinal is what goes on the wire in an
 * election notification (state int), so the numbering is ZooKeeper's.
 */
export enum ServerState {
  LOOKING = 0,
  FOLLOWING = 1,
  LEADING = 2,
  OBSERVING = 3,
}

/** QuorumPeer.LearnerType: whether a server votes (participant) or only follows (observer). */
export enum LearnerType {
  PARTICIPANT = 'participant',
  OBSERVER = 'observer',
}

/** Long.MIN_VALUE: what a non-voter proposes as leader id, zxid and epoch. */
export const LONG_MIN = -(1n << 63n);
export const LONG_MAX = (1n << 63n) - 1n;

/** Long.toHexString: two's complement for negatives, as ZooKeeper logs zxids. */
export function hex64(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}

/**
 * A vote for a leader (QuorumPeer's Vote). Longs are bigint: an observer's proposal is
 * Long.MIN_VALUE, which no JavaScript number can hold exactly.
 */
export class Vote {
  constructor(
    /** The proposed leader's server id. */
    readonly id: bigint,
    /** The proposed leader's last logged zxid. */
    readonly zxid: bigint,
    /** The round (logical clock) the vote was cast in; -1 when not known. */
    readonly electionEpoch: bigint = -1n,
    /** The proposed leader's current (accepted) epoch. */
    readonly peerEpoch: bigint = -1n,
    readonly state: ServerState = ServerState.LOOKING,
    /** The notification format version the vote came with (0 for votes made locally). */
    readonly version: number = 0,
  ) {}

  /**
   * Vote.equals of 3.8. Votes of peers out of election compare by id and peerEpoch only,
   * because their zxid and electionEpoch may legitimately differ (ZOOKEEPER-1805); and by
   * id alone when exactly one side predates versioned notifications (ZOOKEEPER-1732).
   */
  equals(o: Vote): boolean {
    if (this.state === ServerState.LOOKING || o.state === ServerState.LOOKING) {
      return this.id === o.id && this.zxid === o.zxid && this.electionEpoch === o.electionEpoch && this.peerEpoch === o.peerEpoch;
    }
    if (this.version > 0 !== o.version > 0) return this.id === o.id;
    return this.id === o.id && this.peerEpoch === o.peerEpoch;
  }

  /** As Java prints it: (id, zxid hex, peerEpoch hex). */
  toString(): string {
    return `(${this.id}, ${hex64(this.zxid)}, ${hex64(this.peerEpoch)})`;
  }
}

/** A server id as a number when the long is one (config ids are numbers), else null. */
export function sidOf(id: bigint): number | null {
  return id >= 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : null;
}
