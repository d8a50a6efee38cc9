import type { QuorumVerifier } from '../quorum-verifier';

/** A candidate as totalOrderPredicate weighs it. */
export interface Candidate {
  id: bigint;
  zxid: bigint;
  peerEpoch: bigint;
}

/**
 * The weight of a proposed leader. Ids beyond the config's (Long.MIN_VALUE, an observer's
 * proposal) are looked up as the nearest number: no config names them, so majority rule
 * weighs them 1, as ZooKeeper's QuorumMaj does, and the hierarchical rule 0.
 */
export function weightOf(verifier: QuorumVerifier, id: bigint): number {
  return verifier.getWeight(Number(id));
}

/**
 * FastLeaderElection.totalOrderPredicate: does the new vote beat the current one? Higher
 * epoch first, then higher zxid, then higher server id; a weight-0 candidate never wins.
 */
export function totalOrderPredicate(verifier: QuorumVerifier, next: Candidate, current: Candidate): boolean {
  if (weightOf(verifier, next.id) === 0) return false;
  return (
    next.peerEpoch > current.peerEpoch ||
    (next.peerEpoch === current.peerEpoch && (next.zxid > current.zxid || (next.zxid === current.zxid && next.id > current.id)))
  );
}

/** The best of some candidates by totalOrderPredicate: whom a full election must pick. */
export function bestCandidate<C extends Candidate>(verifier: QuorumVerifier, candidates: readonly C[]): C | undefined {
  let best: C | undefined;
  for (const c of candidates) {
    if (weightOf(verifier, c.id) === 0) continue;
    if (best === undefined || totalOrderPredicate(verifier, c, best)) best = c;
  }
  return best;
}
