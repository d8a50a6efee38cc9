import type { QuorumVerifier } from '../quorum-verifier';
import { SyncedLearnerTracker } from '../synced-learner-tracker';
import { ServerState, sidOf, type Vote } from '../vote';

/** The configurations votes are counted in: the current one, and a newer one seen. */
export interface VotingViews {
  verifier: QuorumVerifier;
  lastSeenVerifier?: QuorumVerifier | null;
}

/**
 * FastLeaderElection.getVoteTracker: the servers in `votes` whose vote equals `vote`,
 * counted in every configuration (a newer one only when its version is higher).
 */
export function getVoteTracker(views: VotingViews, votes: ReadonlyMap<number, Vote>, vote: Vote): SyncedLearnerTracker {
  const voteSet = new SyncedLearnerTracker();
  voteSet.addQuorumVerifier(views.verifier);
  const next = views.lastSeenVerifier;
  if (next && next.version > views.verifier.version) voteSet.addQuorumVerifier(next);
  for (const [sid, v] of votes) if (vote.equals(v)) voteSet.addAck(sid);
  return voteSet;
}

/**
 * The termination predicate of the fast election: do the votes for `vote` form a quorum
 * in every configuration? (3.8 computes it as getVoteTracker(...).hasAllQuorums().)
 */
export function termPredicate(views: VotingViews, votes: ReadonlyMap<number, Vote>, vote: Vote): boolean {
  return getVoteTracker(views, votes, vote).hasAllQuorums();
}

/**
 * FastLeaderElection.checkLeader: a quorum for someone else is not enough, that someone
 * must have said it leads, so peers do not keep electing a leader that crashed. For
 * ourselves, the round must be the one we are in.
 */
export function checkLeader(myId: number, logicalClock: bigint, votes: ReadonlyMap<number, Vote>, leader: bigint, electionEpoch: bigint): boolean {
  if (leader !== BigInt(myId)) {
    const sid = sidOf(leader);
    const v = sid === null ? undefined : votes.get(sid);
    return v !== undefined && v.state === ServerState.LEADING;
  }
  return logicalClock === electionEpoch;
}
