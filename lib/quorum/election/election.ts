import type { Observable } from 'rxjs';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { Random } from '../../core/random';
import { token } from '../../core/token';
import type { QuorumVerifier } from '../quorum-verifier';
import type { SyncedLearnerTracker } from '../synced-learner-tracker';
import type { LearnerType, ServerState, Vote } from '../vote';

/**
 * One election message between two peers, as opaque bytes: each strategy owns its wire
 * format, so the election channel of a transport carries any strategy unchanged. `sid` is
 * the sender on the way in and the recipient on the way out.
 */
export interface ElectionPacket {
  readonly sid: number;
  readonly data: Buffer;
}

/** What QuorumPeer knows of its own data when it starts looking. */
export interface PeerElectionState {
  /** The last zxid in the peer's log (QuorumPeer.getLastLoggedZxid). */
  lastLoggedZxid: bigint;
  /** The epoch the peer last accepted (QuorumPeer.getCurrentEpoch). */
  currentEpoch: bigint;
}

/** How a round ended: whom to follow, and the role to take. */
export interface ElectionOutcome {
  vote: Vote;
  /** LEADING, FOLLOWING or OBSERVING. */
  state: ServerState;
  /** For a new leader: the votes that elected it (Leader.setLeadingVoteSet). */
  voteSet?: SyncedLearnerTracker;
}

/** Things an election noticed that the peer may act on. */
export type ElectionEvent =
  /** A LOOKING voter contacted this peer while it leads or follows (Leader.reportLookingSid). */
  | { kind: 'lookingPeer'; sid: number }
  /** A peer sent a configuration newer than ours while we look (QuorumPeer.processReconfig). */
  | { kind: 'newerConfig'; sid: number; config: string; version: bigint }
  /** A message that could not be read; it was dropped. */
  | { kind: 'malformed'; sid: number; error: Error };

/**
 * A leader election strategy, as a flow: election packets in, packets out, timers from the
 * injected Clock, and each round's outcome out. QuorumPeer connects the channel once and
 * calls lookForLeader whenever it becomes LOOKING; between rounds the election keeps
 * answering peers that look (so late joiners learn the leader).
 */
export interface Election {
  /**
   * Wires the election to its channel. Inbound packets are read while the returned
   * Observable is subscribed; packets produced while nobody subscribes are lost, as on a
   * broken connection (strategies retransmit on timeout).
   */
  connect(inbound: Observable<ElectionPacket>): Observable<ElectionPacket>;
  /**
   * Starts a round on subscription; emits its outcome once and completes. Unsubscribing
   * first abandons the round (the peer stays LOOKING).
   */
  lookForLeader(state: PeerElectionState): Observable<ElectionOutcome>;
  /** The peer's state as the election sees it. */
  readonly peerState: ServerState;
  /** The vote the peer stands by: the last outcome, or its own before any. */
  readonly currentVote: Vote | null;
  readonly events$: Observable<ElectionEvent>;
  /** After epoch agreement the leader's epoch is final (QuorumPeer.updateElectionVote). */
  updateElectionVote(newEpoch: bigint): void;
  /** Stops answering and cancels timers; outstanding rounds never emit. */
  shutdown(): void;
}

/** What a strategy needs to build one peer's election. */
export interface ElectionContext {
  myId: number;
  learnerType: LearnerType;
  verifier: QuorumVerifier;
  /** The next configuration during a reconfiguration (QuorumPeer.getLastSeenQuorumVerifier). */
  lastSeenVerifier?: QuorumVerifier | null;
  clock: Clock;
  random: Random;
  logger?: Logger;
}

export type ElectionFactory = (ctx: ElectionContext) => Election;

/**
 * The strategy binding. Swapping strategies is one line:
 * `bind(ELECTION_FACTORY).toConstantValue(fastLeaderElection())` or a plugin's module.
 */
export const ELECTION_FACTORY = token<ElectionFactory>('ElectionFactory');
