import type { QuorumServerSpec } from '../config/server-config';
import { serverLines } from './quorum-server';
import { sameMembers, splitMembers, type QuorumVerifier } from './quorum-verifier';
import { hex64 } from './vote';

/** flexible/QuorumMaj: more than half of the voting members, every voter weighing 1. */
export class QuorumMaj implements QuorumVerifier {
  private readonly all: Map<number, QuorumServerSpec>;
  private readonly voting: Map<number, QuorumServerSpec>;
  private readonly observing: Map<number, QuorumServerSpec>;
  private readonly half: number;

  constructor(
    servers: readonly QuorumServerSpec[],
    readonly version: bigint = 0n,
  ) {
    ({ all: this.all, voting: this.voting, observing: this.observing } = splitMembers(servers));
    this.half = Math.floor(this.voting.size / 2);
  }

  getWeight(_sid: number): number {
    return 1;
  }

  containsQuorum(set: ReadonlySet<number>): boolean {
    return set.size > this.half;
  }

  getAllMembers(): ReadonlyMap<number, QuorumServerSpec> {
    return this.all;
  }

  getVotingMembers(): ReadonlyMap<number, QuorumServerSpec> {
    return this.voting;
  }

  getObservingMembers(): ReadonlyMap<number, QuorumServerSpec> {
    return this.observing;
  }

  equals(other: QuorumVerifier): boolean {
    if (!(other instanceof QuorumMaj)) return false;
    return other.version === this.version || sameMembers(this.all, other.all);
  }

  toString(): string {
    return `${serverLines(this.all)}version=${hex64(this.version)}`;
  }
}
