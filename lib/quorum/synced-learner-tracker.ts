import type { QuorumVerifier } from './quorum-verifier';

/**
 * SyncedLearnerTracker: acknowledgements counted against one or more configurations at
 * once (the current one and, during a reconfiguration, the next), so an election or a
 * proposal needs a quorum in each.
 */
export class SyncedLearnerTracker {
  private readonly pairs: { qv: QuorumVerifier; ackset: Set<number> }[] = [];

  addQuorumVerifier(qv: QuorumVerifier): void {
    this.pairs.push({ qv, ackset: new Set() });
  }

  /** Counts `sid` in every configuration it votes in; false when it votes in none. */
  addAck(sid: number): boolean {
    let change = false;
    for (const p of this.pairs) {
      if (p.qv.getVotingMembers().has(sid)) {
        p.ackset.add(sid);
        change = true;
      }
    }
    return change;
  }

  /** True when `sid` votes in every tracked configuration. */
  hasSid(sid: number): boolean {
    return this.pairs.every((p) => p.qv.getVotingMembers().has(sid));
  }

  hasAllQuorums(): boolean {
    return this.pairs.every((p) => p.qv.containsQuorum(p.ackset));
  }

  /** The ack sets, one per configuration, for logs and tests. */
  ackSets(): ReadonlySet<number>[] {
    return this.pairs.map((p) => p.ackset);
  }

  ackSetsToString(): string {
    return this.pairs.map((p) => `[${[...p.ackset].join(', ')}]`).join(',');
  }
}
