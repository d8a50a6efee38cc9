import type { QuorumVerifier } from '../quorum-verifier';
import type { SyncedLearnerTracker } from '../synced-learner-tracker';
import { LearnerType, LONG_MIN, ServerState, sidOf, Vote } from '../vote';
import type { PeerElectionState } from './election';
import type { ElectionAction, ElectionMachine } from './election-machine';
import { configVersionOf, type Notification, type NotificationMessage } from './notification';
import { totalOrderPredicate, type Candidate } from './total-order-predicate';
import { checkLeader, getVoteTracker, type VotingViews } from './vote-tracking';

function candidateOf(n: Notification): Candidate {
  return { id: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch };
}

/** How long a peer that sees a quorum waits for a better vote before it settles. */
export const FINALIZE_WAIT = 200;
/** zookeeper.fastleader.minNotificationInterval: the first notification timeout. */
export const MIN_NOTIFICATION_INTERVAL = FINALIZE_WAIT;
/** zookeeper.fastleader.maxNotificationInterval: where the exponential backoff stops. */
export const MAX_NOTIFICATION_INTERVAL = 60000;

export interface FastLeaderElectionOptions {
  myId: number;
  learnerType: LearnerType;
  verifier: QuorumVerifier;
  lastSeenVerifier?: QuorumVerifier | null;
  finalizeWait?: number;
  minNotificationInterval?: number;
  maxNotificationInterval?: number;
}

export type FleAction = ElectionAction<NotificationMessage>;

/**
 * FastLeaderElection of ZooKeeper 3.8 as a pure state machine. It merges the two threads
 * of the Java class: the WorkerReceiver (answers peers on arrival, whatever our state) and
 * lookForLeader (the round, fed from the receive queue). Notifications that arrive while
 * LOOKING but outside a round wait for the next round, as they do in Java's queue.
 *
 * Sends to ourselves are ordinary `send` actions; the driver loops them back.
 */
export class FastLeaderElection implements ElectionMachine<Notification, NotificationMessage> {
  readonly myId: number;
  private readonly learnerType: LearnerType;
  private readonly views: VotingViews;
  private readonly finalizeWait: number;
  private readonly minInterval: number;
  private readonly maxInterval: number;
  private readonly config: string;
  private readonly voters: number[];

  private state = ServerState.LOOKING;
  private vote: Vote | null = null;
  private logicalclock = 0n;
  private proposedLeader = -1n;
  private proposedZxid = -1n;
  private proposedEpoch = 0n;
  private init: PeerElectionState = { lastLoggedZxid: -1n, currentEpoch: 0n };
  /** idle: no round; looking: the lookForLeader loop; finalizing: its finalizeWait poll. */
  private phase: 'idle' | 'looking' | 'finalizing' = 'idle';
  /** Votes of this round (electionEpoch == logicalclock). */
  private recvset = new Map<number, Vote>();
  /** FOLLOWING / LEADING votes of any round: how a late peer finds the leader. */
  private outofelection = new Map<number, Vote>();
  private voteSet: SyncedLearnerTracker | null = null;
  private notTimeout: number;
  private pending: Notification[] = [];
  private seq = 0;
  private stopped = false;

  constructor(opts: FastLeaderElectionOptions) {
    this.myId = opts.myId;
    this.learnerType = opts.learnerType;
    this.views = { verifier: opts.verifier, lastSeenVerifier: opts.lastSeenVerifier ?? null };
    this.finalizeWait = opts.finalizeWait ?? FINALIZE_WAIT;
    this.minInterval = opts.minNotificationInterval ?? MIN_NOTIFICATION_INTERVAL;
    this.maxInterval = opts.maxNotificationInterval ?? MAX_NOTIFICATION_INTERVAL;
    this.notTimeout = this.minInterval;
    this.config = opts.verifier.toString();
    const ids = new Set(opts.verifier.getVotingMembers().keys());
    for (const id of opts.lastSeenVerifier?.getVotingMembers().keys() ?? []) ids.add(id);
    this.voters = [...ids].sort((a, b) => a - b);
  }

  get peerState(): ServerState {
    return this.state;
  }

  get currentVote(): Vote | null {
    return this.vote;
  }

  get logicalClock(): bigint {
    return this.logicalclock;
  }

  /** The vote this peer proposes in the current round (FastLeaderElection.getVote). */
  getVote(): Vote {
    return new Vote(this.proposedLeader, this.proposedZxid, -1n, this.proposedEpoch);
  }

  /** Votes received in this round, by sender: for tests and monitoring. */
  get receivedVotes(): ReadonlyMap<number, Vote> {
    return this.recvset;
  }

  lookForLeader(init: PeerElectionState): FleAction[] {
    if (this.stopped) return [];
    this.init = init;
    this.state = ServerState.LOOKING;
    // QuorumPeer.startLeaderElection: before any outcome, a peer stands by itself.
    this.vote ??= new Vote(BigInt(this.myId), init.lastLoggedZxid, -1n, init.currentEpoch);
    this.recvset = new Map();
    this.outofelection = new Map();
    this.voteSet = null;
    this.notTimeout = this.minInterval;
    this.logicalclock++;
    this.updateProposal(this.getInitId(), this.getInitLastLoggedZxid(), this.getPeerEpoch());
    this.phase = 'looking';
    const out = this.sendNotifications();
    const queued = this.pending;
    this.pending = [];
    for (const n of queued) {
      if (!this.inRound()) break; // decided: the rest of the queue is cleared, as in leaveInstance
      out.push(...this.process(n));
    }
    if (queued.length === 0) out.push(this.arm(this.notTimeout));
    return out;
  }

  /** Same as onNotification; the name the generic driver calls. */
  onMessage(n: Notification): FleAction[] {
    return this.onNotification(n);
  }

  /** WorkerReceiver: answer at once where Java does, and feed the round while LOOKING. */
  onNotification(n: Notification): FleAction[] {
    if (this.stopped) return [];
    const out: FleAction[] = [];
    const configVersion = configVersionOf(n.config);
    if (configVersion !== null && configVersion > this.views.verifier.version && this.state === ServerState.LOOKING) {
      out.push({ type: 'event', event: { kind: 'newerConfig', sid: n.sid, config: n.config!, version: configVersion } });
    }
    if (!this.validVoter(n.sid)) {
      // An observer or non-voter learns our view straight away; it never counts as a vote.
      const v = this.vote;
      if (v !== null) out.push(this.sendVote(n.sid, this.state, v.id, v.zxid, this.logicalclock, v.peerEpoch));
      return out;
    }
    if (this.state === ServerState.LOOKING) {
      const unheard = this.isUnheardWorseVote(n);
      if (this.phase === 'idle') this.pending.push(n);
      else out.push(...this.process(n));
      if ((n.state === ServerState.LOOKING && n.electionEpoch < this.logicalclock) || (unheard && this.inRound())) {
        // The sender lags a round behind, or joined ours after we last told everyone: tell it where we are.
        const p = this.getVote();
        out.push(this.sendVote(n.sid, ServerState.LOOKING, p.id, p.zxid, this.logicalclock, p.peerEpoch));
      }
    } else if (n.state === ServerState.LOOKING && this.vote !== null) {
      // Out of election: a looking voter is told whom we follow (or that we lead).
      out.push({ type: 'event', event: { kind: 'lookingPeer', sid: n.sid } });
      const v = this.vote;
      out.push(this.sendVote(n.sid, this.state, v.id, v.zxid, v.electionEpoch, v.peerEpoch));
    }
    return out;
  }

  onTimeout(seq: number): FleAction[] {
    if (this.stopped || seq !== this.seq || this.phase === 'idle') return [];
    if (this.phase === 'finalizing') {
      // No better vote within finalizeWait: settle on the proposal.
      return this.decide(this.proposedLeader, this.proposedZxid, this.logicalclock, this.proposedEpoch, this.voteSet);
    }
    // Nothing heard for notTimeout: say it again, and wait twice as long next time.
    const out = this.sendNotifications();
    this.notTimeout = Math.min(this.notTimeout * 2, this.maxInterval);
    out.push(this.arm(this.notTimeout));
    return out;
  }

  abandon(): void {
    this.phase = 'idle';
    this.seq++;
  }

  updateElectionVote(newEpoch: bigint): void {
    const v = this.vote;
    if (v !== null) this.vote = new Vote(v.id, v.zxid, v.electionEpoch, newEpoch, v.state);
  }

  shutdown(): void {
    this.stopped = true;
    this.phase = 'idle';
    this.seq++;
    this.proposedLeader = -1n;
    this.proposedZxid = -1n;
    this.pending = [];
  }

  /**
   * A deviation from 3.8, which answers a looking peer only when its round is behind: the
   * first vote of this round from a voter, naming a worse leader than our proposal, is
   * answered with our proposal. That voter came to the round after we last notified
   * everyone (it was still following when we did, say, after a leader crashed), and
   * nothing else would tell it before one of the two notification timeouts (200 ms and
   * up) ran out. Each receipt restarts the other peer's timeout, as Java's poll does, so
   * that wait was often 400 ms. The answer is an ordinary notification, as a delayed one
   * could arrive: it changes no outcome, only how soon one is reached. It goes only to a
   * voter whose vote of this round is not in recvset yet, so about once per voter and round.
   */
  private isUnheardWorseVote(n: Notification): boolean {
    return (
      this.inRound() &&
      n.state === ServerState.LOOKING &&
      n.electionEpoch === this.logicalclock &&
      n.sid !== this.myId &&
      !this.recvset.has(n.sid) &&
      n.zxid !== -1n &&
      this.getInitLastLoggedZxid() !== -1n &&
      totalOrderPredicate(this.views.verifier, this.proposal(), candidateOf(n))
    );
  }

  /** One notification taken from the receive queue by the round. */
  private process(n: Notification): FleAction[] {
    if (this.phase === 'finalizing') {
      // Only a better vote reopens the round; anything else is consumed and dropped.
      if (!totalOrderPredicate(this.views.verifier, candidateOf(n), this.proposal())) return [this.arm(this.finalizeWait)];
      this.phase = 'looking';
    }
    const out: FleAction[] = [];
    if (this.validVoter(n.sid) && this.validVoterId(n.leader)) {
      switch (n.state) {
        case ServerState.LOOKING:
          if (this.lookingNotification(n, out)) return out;
          break;
        case ServerState.OBSERVING:
          break;
        case ServerState.FOLLOWING:
        case ServerState.LEADING: {
          // 3.8 asks a QuorumOracleMaj oracle on LEADING as a last resort; zoolab's
          // verifiers need no oracle, so both states take the same path.
          const decided = this.receivedFollowingNotification(n);
          if (decided) return out.concat(decided);
          break;
        }
      }
    }
    out.push(this.arm(this.notTimeout));
    return out;
  }

  /** The LOOKING case of lookForLeader; true when it entered finalizeWait. */
  private lookingNotification(n: Notification, out: FleAction[]): boolean {
    if (this.getInitLastLoggedZxid() === -1n || n.zxid === -1n) return false;
    if (n.electionEpoch > this.logicalclock) {
      this.logicalclock = n.electionEpoch;
      this.recvset.clear();
      const mine = { id: this.getInitId(), zxid: this.getInitLastLoggedZxid(), peerEpoch: this.getPeerEpoch() };
      if (totalOrderPredicate(this.views.verifier, candidateOf(n), mine)) this.updateProposal(n.leader, n.zxid, n.peerEpoch);
      else this.updateProposal(mine.id, mine.zxid, mine.peerEpoch);
      out.push(...this.sendNotifications());
    } else if (n.electionEpoch < this.logicalclock) {
      return false;
    } else if (totalOrderPredicate(this.views.verifier, candidateOf(n), this.proposal())) {
      this.updateProposal(n.leader, n.zxid, n.peerEpoch);
      out.push(...this.sendNotifications());
    }
    this.recvset.set(n.sid, new Vote(n.leader, n.zxid, n.electionEpoch, n.peerEpoch));
    this.voteSet = getVoteTracker(
      this.views,
      this.recvset,
      new Vote(this.proposedLeader, this.proposedZxid, this.logicalclock, this.proposedEpoch),
    );
    if (!this.voteSet.hasAllQuorums()) return false;
    this.phase = 'finalizing';
    out.push(this.arm(this.finalizeWait));
    return true;
  }

  /** FOLLOWING or LEADING: join the round's quorum, or an established leader's. */
  private receivedFollowingNotification(n: Notification): FleAction[] | null {
    if (n.electionEpoch === this.logicalclock) {
      this.recvset.set(n.sid, new Vote(n.leader, n.zxid, n.electionEpoch, n.peerEpoch, n.state));
      const vs = getVoteTracker(this.views, this.recvset, new Vote(n.leader, n.zxid, n.electionEpoch, n.peerEpoch, n.state, n.version));
      if (vs.hasAllQuorums() && checkLeader(this.myId, this.logicalclock, this.recvset, n.leader, n.electionEpoch)) {
        return this.decide(n.leader, n.zxid, n.electionEpoch, n.peerEpoch, vs);
      }
    }
    // Before joining an established ensemble, a quorum must follow the same leader, and
    // that leader must say it leads (ZOOKEEPER-1732: this map holds this round's too).
    const v = new Vote(n.leader, n.zxid, n.electionEpoch, n.peerEpoch, n.state, n.version);
    this.outofelection.set(n.sid, v);
    const vs = getVoteTracker(this.views, this.outofelection, v);
    if (vs.hasAllQuorums() && checkLeader(this.myId, this.logicalclock, this.outofelection, n.leader, n.electionEpoch)) {
      this.logicalclock = n.electionEpoch;
      return this.decide(n.leader, n.zxid, n.electionEpoch, n.peerEpoch, vs);
    }
    return null;
  }

  private decide(
    leader: bigint,
    zxid: bigint,
    electionEpoch: bigint,
    peerEpoch: bigint,
    voteSet: SyncedLearnerTracker | null,
  ): FleAction[] {
    this.state = leader === BigInt(this.myId) ? ServerState.LEADING : this.learningState();
    const endVote = new Vote(leader, zxid, electionEpoch, peerEpoch);
    this.vote = endVote;
    this.phase = 'idle';
    this.seq++;
    this.pending = [];
    this.recvset = new Map();
    this.outofelection = new Map();
    const outcome = { vote: endVote, state: this.state, voteSet: this.state === ServerState.LEADING ? (voteSet ?? undefined) : undefined };
    return [{ type: 'decided', outcome }];
  }

  private sendNotifications(): FleAction[] {
    return this.voters.map((sid) =>
      this.sendVote(sid, ServerState.LOOKING, this.proposedLeader, this.proposedZxid, this.logicalclock, this.proposedEpoch),
    );
  }

  private sendVote(to: number, state: ServerState, leader: bigint, zxid: bigint, electionEpoch: bigint, peerEpoch: bigint): FleAction {
    return { type: 'send', to, message: { state, leader, zxid, electionEpoch, peerEpoch, config: this.config } };
  }

  private arm(delayMs: number): FleAction {
    return { type: 'schedule', delayMs, seq: ++this.seq };
  }

  private updateProposal(leader: bigint, zxid: bigint, epoch: bigint): void {
    this.proposedLeader = leader;
    this.proposedZxid = zxid;
    this.proposedEpoch = epoch;
  }

  private proposal(): Candidate {
    return { id: this.proposedLeader, zxid: this.proposedZxid, peerEpoch: this.proposedEpoch };
  }

  private inRound(): boolean {
    return this.phase !== 'idle';
  }

  private learningState(): ServerState {
    return this.learnerType === LearnerType.PARTICIPANT ? ServerState.FOLLOWING : ServerState.OBSERVING;
  }

  /** A voter proposes itself; anyone else proposes nobody (Long.MIN_VALUE). */
  private getInitId(): bigint {
    return this.views.verifier.getVotingMembers().has(this.myId) ? BigInt(this.myId) : LONG_MIN;
  }

  private getInitLastLoggedZxid(): bigint {
    return this.learnerType === LearnerType.PARTICIPANT ? this.init.lastLoggedZxid : LONG_MIN;
  }

  private getPeerEpoch(): bigint {
    return this.learnerType === LearnerType.PARTICIPANT ? this.init.currentEpoch : LONG_MIN;
  }

  /** In the current or the next voting view (QuorumPeer.getCurrentAndNextConfigVoters). */
  private validVoter(sid: number): boolean {
    return this.views.verifier.getVotingMembers().has(sid) || (this.views.lastSeenVerifier?.getVotingMembers().has(sid) ?? false);
  }

  private validVoterId(id: bigint): boolean {
    const sid = sidOf(id);
    return sid !== null && this.validVoter(sid);
  }
}
