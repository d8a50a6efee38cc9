import { LONG_MAX, LONG_MIN, ServerState } from '../../lib/quorum/vote';

/** A candidate asks for a vote in `term` (Raft's RequestVote, with ZooKeeper's log position). */
export interface VoteRequest {
  type: 'voteRequest';
  term: bigint;
  candidate: bigint;
  lastZxid: bigint;
  lastEpoch: bigint;
}

export interface VoteReply {
  type: 'voteReply';
  term: bigint;
  granted: boolean;
}

/** Who leads in `term`: sent by a new leader to everyone, and by any decided peer on request. */
export interface LeaderAnnounce {
  type: 'leaderAnnounce';
  term: bigint;
  leader: bigint;
  zxid: bigint;
  epoch: bigint;
  /** The sender's state: LEADING from the leader itself, FOLLOWING / OBSERVING otherwise. */
  state: ServerState;
}

/** A looking peer that may not stand (observer, weight 0) asks who leads. */
export interface LeaderProbe {
  type: 'probe';
  term: bigint;
}

export type RaftMessage = VoteRequest | VoteReply | LeaderAnnounce | LeaderProbe;
export type ReceivedRaftMessage = RaftMessage & { from: number };

export class RaftMessageError extends Error {
  override readonly name = 'RaftMessageError';
  constructor(
    readonly code: 'bad-magic' | 'unknown-type' | 'length' | 'bad-value',
    message: string,
  ) {
    super(message);
  }
}

/** 'zlrf': tells this format from a FastLeaderElection notification sent by mistake. */
const MAGIC = 0x7a6c7266;
const TYPES = ['voteRequest', 'voteReply', 'leaderAnnounce', 'probe'] as const;
const LENGTHS = { voteRequest: 37, voteReply: 14, leaderAnnounce: 41, probe: 13 };

function long(field: string, v: bigint): bigint {
  if (v < LONG_MIN || v > LONG_MAX) throw new RaftMessageError('bad-value', `${field} ${v} is not a 64-bit signed long`);
  return v;
}

/** Big-endian: int magic, byte type, then the fields as longs (and a byte / an int). */
export function encodeRaftMessage(m: RaftMessage): Buffer {
  const b = Buffer.alloc(LENGTHS[m.type]);
  b.writeInt32BE(MAGIC, 0);
  b.writeInt8(TYPES.indexOf(m.type) + 1, 4);
  b.writeBigInt64BE(long('term', m.term), 5);
  switch (m.type) {
    case 'voteRequest':
      b.writeBigInt64BE(long('candidate', m.candidate), 13);
      b.writeBigInt64BE(long('lastZxid', m.lastZxid), 21);
      b.writeBigInt64BE(long('lastEpoch', m.lastEpoch), 29);
      break;
    case 'voteReply':
      b.writeInt8(m.granted ? 1 : 0, 13);
      break;
    case 'leaderAnnounce':
      b.writeBigInt64BE(long('leader', m.leader), 13);
      b.writeBigInt64BE(long('zxid', m.zxid), 21);
      b.writeBigInt64BE(long('epoch', m.epoch), 29);
      b.writeInt32BE(m.state, 37);
      break;
    case 'probe':
      break;
  }
  return b;
}

export function decodeRaftMessage(b: Buffer, from: number): ReceivedRaftMessage {
  if (b.length < 5) throw new RaftMessageError('length', `raft-style message of ${b.length} bytes from ${from}: too short`);
  if (b.readInt32BE(0) !== MAGIC) throw new RaftMessageError('bad-magic', `message from ${from} is not a raft-style election message`);
  const type = TYPES[b.readInt8(4) - 1];
  if (type === undefined) throw new RaftMessageError('unknown-type', `raft-style message type ${b.readInt8(4)} from ${from} is unknown`);
  if (b.length !== LENGTHS[type]) {
    throw new RaftMessageError('length', `raft-style ${type} from ${from} has ${b.length} bytes, not ${LENGTHS[type]}`);
  }
  const term = b.readBigInt64BE(5);
  switch (type) {
    case 'voteRequest':
      return { type, from, term, candidate: b.readBigInt64BE(13), lastZxid: b.readBigInt64BE(21), lastEpoch: b.readBigInt64BE(29) };
    case 'voteReply': {
      const g = b.readInt8(13);
      if (g !== 0 && g !== 1) throw new RaftMessageError('bad-value', `vote reply from ${from} has granted=${g}`);
      return { type, from, term, granted: g === 1 };
    }
    case 'leaderAnnounce': {
      const state = b.readInt32BE(37);
      if (!(state in ServerState) || state === ServerState.LOOKING) {
        throw new RaftMessageError('bad-value', `leader announcement from ${from} has state ${state}`);
      }
      return { type, from, term, leader: b.readBigInt64BE(13), zxid: b.readBigInt64BE(21), epoch: b.readBigInt64BE(29), state };
    }
    case 'probe':
      return { type, from, term };
  }
}
