import type { Random } from '../../lib/core/random';
import type { PeerElectionState } from '../../lib/quorum/election/election';
import type { ElectionAction, ElectionMachine } from '../../lib/quorum/election/election-machine';
import type { QuorumVerifier } from '../../lib/quorum/quorum-verifier';
import { SyncedLearnerTracker } from '../../lib/quorum/synced-learner-tracker';
import { LearnerType, ServerState, sidOf, Vote } from '../../lib/quorum/vote';
import type { RaftMessage, ReceivedRaftMessage, VoteRequest } from './raft-messages';

export interface RaftStyleElectionOptions {
  myId: number;
  learnerType: LearnerType;
  verifier: QuorumVerifier;
  random: Random;
  /** The randomized election timeout is drawn uniformly from this range (ms). */
  electionTimeoutMs?: [number, number];
}

type Action = ElectionAction<RaftMessage>;

/**
 * A Raft-style election as an alternative to FastLeaderElection: terms, one vote per
 * voter per term, randomized timeouts. A candidate needs a quorum (by the QuorumVerifier)
 * of votes, and a voter grants its vote only to a candidate whose (epoch, zxid) is at
 * least its own, so the leader holds every committed transaction of its quorum, which is
 * what ZAB's recovery needs. Once decided, a peer answers requests with the leader it
 * knows instead of voting: the leadership then lasts until ZAB gives it up, as in
 * ZooKeeper, rather than until a heartbeat is missed as in Raft.
 *
 * At most one leader per term: each voter grants one vote per term, and quorums intersect.
 */
export class RaftStyleElection implements ElectionMachine<ReceivedRaftMessage, RaftMessage> {
  private readonly timeout: [number, number];
  private state = ServerState.LOOKING;
  private vote: Vote | null = null;
  private term = 0n;
  private votedFor: number | null = null;
  private candidate = false;
  private grants = new Set<number>();
  private looking = false;
  private init: PeerElectionState = { lastLoggedZxid: 0n, currentEpoch: 0n };
  private seq = 0;
  private stopped = false;

  constructor(private readonly opts: RaftStyleElectionOptions) {
    this.timeout = opts.electionTimeoutMs ?? [150, 300];
  }

  get peerState(): ServerState {
    return this.state;
  }

  get currentVote(): Vote | null {
    return this.vote;
  }

  get currentTerm(): bigint {
    return this.term;
  }

  lookForLeader(init: PeerElectionState): Action[] {
    if (this.stopped) return [];
    this.init = init;
    this.state = ServerState.LOOKING;
    this.vote ??= new Vote(BigInt(this.opts.myId), init.lastLoggedZxid, -1n, init.currentEpoch);
    this.looking = true;
    this.candidate = false;
    return [this.armRandom()];
  }

  onMessage(m: ReceivedRaftMessage): Action[] {
    if (this.stopped) return [];
    if (this.state !== ServerState.LOOKING) {
      // Decided: tell whoever asks whom we follow (or that we lead); vote for nobody.
      return m.type === 'voteRequest' || m.type === 'probe' ? [this.announce(m.from)] : [];
    }
    switch (m.type) {
      case 'voteRequest':
        return this.onVoteRequest(m);
      case 'voteReply':
        this.observeTerm(m.term);
        if (!this.candidate || m.term !== this.term || !m.granted || !this.isVoter(m.from)) return [];
        this.grants.add(m.from);
        return this.maybeLead();
      case 'leaderAnnounce':
        // Only the leader's own word ends the round. Its term may be older than ours (we may
        // have stood in vain meanwhile): a decided leader leads until ZAB says otherwise.
        if (!this.looking || m.state !== ServerState.LEADING || BigInt(m.from) !== m.leader) return [];
        if (m.term > this.term) this.term = m.term;
        return this.decide(new Vote(m.leader, m.zxid, m.term, m.epoch), this.learningState());
      case 'probe':
        return [];
    }
  }

  onTimeout(seq: number): Action[] {
    if (this.stopped || seq !== this.seq || !this.looking) return [];
    if (!this.canLead()) {
      // Observers and weight-0 voters never stand: they ask who leads.
      return [...this.voters().map((to) => this.send(to, { type: 'probe', term: this.term })), this.armRandom()];
    }
    this.term++;
    this.candidate = true;
    this.votedFor = this.opts.myId;
    this.grants = new Set([this.opts.myId]);
    const req: VoteRequest = {
      type: 'voteRequest',
      term: this.term,
      candidate: BigInt(this.opts.myId),
      lastZxid: this.init.lastLoggedZxid,
      lastEpoch: this.init.currentEpoch,
    };
    const out = this.voters()
      .filter((to) => to !== this.opts.myId)
      .map((to) => this.send(to, req));
    const won = this.maybeLead();
    return won.length > 0 ? [...out, ...won] : [...out, this.armRandom()];
  }

  abandon(): void {
    this.looking = false;
    this.candidate = false;
    this.seq++;
  }

  updateElectionVote(newEpoch: bigint): void {
    const v = this.vote;
    if (v !== null) this.vote = new Vote(v.id, v.zxid, v.electionEpoch, newEpoch, v.state);
  }

  shutdown(): void {
    this.stopped = true;
    this.abandon();
  }

  private onVoteRequest(m: ReceivedRaftMessage & VoteRequest): Action[] {
    this.observeTerm(m.term);
    const cand = sidOf(m.candidate);
    const upToDate = m.lastEpoch > this.init.currentEpoch || (m.lastEpoch === this.init.currentEpoch && m.lastZxid >= this.init.lastLoggedZxid);
    const grant =
      this.isVoter(this.opts.myId) &&
      m.term === this.term &&
      cand !== null &&
      cand === m.from &&
      this.isVoter(cand) &&
      this.opts.verifier.getWeight(cand) > 0 &&
      (this.votedFor === null || this.votedFor === cand) &&
      upToDate;
    const out: Action[] = [];
    if (grant) {
      this.votedFor = cand;
      out.push(this.armRandom()); // a granted vote restarts our own clock, as in Raft
    }
    out.push(this.send(m.from, { type: 'voteReply', term: this.term, granted: grant }));
    return out;
  }

  /** A newer term ends our candidacy and frees our vote. */
  private observeTerm(term: bigint): void {
    if (term <= this.term) return;
    this.term = term;
    this.votedFor = null;
    this.candidate = false;
  }

  private maybeLead(): Action[] {
    const voteSet = new SyncedLearnerTracker();
    voteSet.addQuorumVerifier(this.opts.verifier);
    for (const sid of this.grants) voteSet.addAck(sid);
    if (!voteSet.hasAllQuorums()) return [];
    const me = BigInt(this.opts.myId);
    const out = this.decide(new Vote(me, this.init.lastLoggedZxid, this.term, this.init.currentEpoch), ServerState.LEADING, voteSet);
    const everyone = [...this.opts.verifier.getAllMembers().keys()].filter((to) => to !== this.opts.myId);
    return [...everyone.map((to) => this.announce(to)), ...out];
  }

  private decide(vote: Vote, state: ServerState, voteSet?: SyncedLearnerTracker): Action[] {
    this.vote = vote;
    this.state = state;
    this.looking = false;
    this.candidate = false;
    this.seq++;
    return [{ type: 'decided', outcome: { vote, state, voteSet } }];
  }

  private announce(to: number): Action {
    const v = this.vote!;
    return this.send(to, { type: 'leaderAnnounce', term: v.electionEpoch, leader: v.id, zxid: v.zxid, epoch: v.peerEpoch, state: this.state });
  }

  private send(to: number, message: RaftMessage): Action {
    return { type: 'send', to, message };
  }

  private armRandom(): Action {
    const [lo, hi] = this.timeout;
    return { type: 'schedule', delayMs: lo + this.opts.random.int(hi - lo + 1), seq: ++this.seq };
  }

  private canLead(): boolean {
    return this.opts.learnerType === LearnerType.PARTICIPANT && this.isVoter(this.opts.myId) && this.opts.verifier.getWeight(this.opts.myId) > 0;
  }

  private isVoter(sid: number): boolean {
    return this.opts.verifier.getVotingMembers().has(sid);
  }

  private voters(): number[] {
    return [...this.opts.verifier.getVotingMembers().keys()];
  }

  private learningState(): ServerState {
    return this.opts.learnerType === LearnerType.PARTICIPANT ? ServerState.FOLLOWING : ServerState.OBSERVING;
  }
}
