import { QuorumPacket } from '../../jute/records/quorum';
import { serializeTxn } from '../../persistence/txn-serde';
import type { TxnEntry } from '../../persistence/txn-log';
import { PacketType } from './packet-types';

/** ZKDatabase.commitLogCount: how many committed proposals a server keeps for DIFF. */
export const DEFAULT_COMMIT_LOG_COUNT = 500;

/**
 * ZKDatabase's committedLog: the last `limit` committed txns as PROPOSAL packets, the
 * window a leader sends a lagging learner by DIFF without touching the txn log. Every
 * server keeps one (any of them may lead next); it is filled by the final stage, by
 * restore and by a learner's sync.
 */
export class CommittedLog {
  private readonly proposals: QuorumPacket[] = [];
  private head = 0;

  constructor(readonly limit = DEFAULT_COMMIT_LOG_COUNT) {}

  get size(): number {
    return this.proposals.length - this.head;
  }

  isEmpty(): boolean {
    return this.size === 0;
  }

  /** ZKDatabase.getminCommittedLog / getmaxCommittedLog (0 when empty). */
  get minCommittedLog(): bigint {
    return this.isEmpty() ? 0n : this.proposals[this.head].zxid;
  }

  get maxCommittedLog(): bigint {
    return this.isEmpty() ? 0n : this.proposals[this.proposals.length - 1].zxid;
  }

  /** ZKDatabase.addCommittedProposal. Txns at or below the last one kept are ignored. */
  add(entry: TxnEntry): void {
    const zxid = entry.hdr.zxid;
    if (!this.isEmpty() && zxid <= this.maxCommittedLog) return;
    this.proposals.push(new QuorumPacket({ type: PacketType.PROPOSAL, zxid, data: serializeTxn(entry), authinfo: null }));
    if (this.size > this.limit) this.head++;
    if (this.head > 1024 && this.head * 2 > this.proposals.length) {
      this.proposals.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Oldest first. */
  *[Symbol.iterator](): Iterator<QuorumPacket> {
    for (let i = this.head; i < this.proposals.length; i++) yield this.proposals[i];
  }

  clear(): void {
    this.proposals.length = 0;
    this.head = 0;
  }
}
