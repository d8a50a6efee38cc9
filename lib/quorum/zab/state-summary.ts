import { zxidHex } from './zxid';

/**
 * StateSummary: what a learner reports in ACKEPOCH (its current epoch and last zxid),
 * compared against the leader's own so that a leader never leads a learner that is ahead.
 */
export class StateSummary {
  constructor(
    readonly currentEpoch: bigint,
    readonly lastZxid: bigint,
  ) {}

  isMoreRecentThan(ss: StateSummary): boolean {
    return this.currentEpoch > ss.currentEpoch || (this.currentEpoch === ss.currentEpoch && this.lastZxid > ss.lastZxid);
  }

  toString(): string {
    return `${this.currentEpoch}:${zxidHex(this.lastZxid)}`;
  }
}
