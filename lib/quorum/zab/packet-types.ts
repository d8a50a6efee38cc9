/**
 * Leader's packet type constants: the `type` of every QuorumPacket, as numbered on the
 * wire by ZooKeeper 3.8.
 */
export const PacketType = {
  /** Follower → leader: a client request forwarded (sessionId, cxid, type, request bytes). */
  REQUEST: 1,
  /** Leader → follower: a txn to log (TxnHeader, txn, digest). */
  PROPOSAL: 2,
  /** Follower → leader: a proposal (or NEWLEADER, or UPTODATE) is durable. */
  ACK: 3,
  /** Leader → follower: the proposal with this zxid is committed. */
  COMMIT: 4,
  /** Both ways: liveness; a learner's answer carries its session touches. */
  PING: 5,
  /** Learner → leader and back: is this session still alive, and may I own it? */
  REVALIDATE: 6,
  /** Leader → learner: every proposal before a learner's sync request is committed. */
  SYNC: 7,
  /** Leader → observer: a committed txn (observers see no proposals). */
  INFORM: 8,
  /** COMMIT of a reconfig, with the designated leader. */
  COMMITANDACTIVATE: 9,
  /** Leader → learner: the new epoch's history is complete; ack to start. */
  NEWLEADER: 10,
  /** Follower → leader: first packet, with LearnerInfo and the accepted epoch. */
  FOLLOWERINFO: 11,
  /** Leader → learner: synced; start serving. */
  UPTODATE: 12,
  /** Leader → learner: sync by the proposals that follow. */
  DIFF: 13,
  /** Leader → learner: drop the log after this zxid, then DIFF. */
  TRUNC: 14,
  /** Leader → learner: a snapshot follows on the stream. */
  SNAP: 15,
  /** Observer → leader: FOLLOWERINFO for observers. */
  OBSERVERINFO: 16,
  /** Leader → learner: the new epoch and the leader's protocol version. */
  LEADERINFO: 17,
  /** Learner → leader: the epoch is accepted; data = the learner's current epoch. */
  ACKEPOCH: 18,
  /** INFORM of a reconfig, with the designated leader. */
  INFORMANDACTIVATE: 19,
} as const;

export type PacketTypeNumber = (typeof PacketType)[keyof typeof PacketType];

const NAMES = new Map<number, string>(Object.entries(PacketType).map(([k, v]) => [v, k]));

/** Leader.getPacketType: the name of a packet type, "UNKNOWN" otherwise. */
export function packetTypeName(type: number): string {
  return NAMES.get(type) ?? 'UNKNOWN';
}

/** The protocol version a 3.8 leader announces in LEADERINFO (and a learner in LearnerInfo). */
export const ZAB_PROTOCOL_VERSION = 0x10000;

/** What a SNAP stream ends with (LearnerHandler writes it after the snapshot). */
export const SNAP_SIGNATURE = 'BenWasHere';
