import { QuorumPacket } from '../../jute/records/quorum';
import { serializeTxn } from '../../persistence/txn-serde';
import type { TxnEntry } from '../../persistence/txn-log';
import { PacketType } from './packet-types';

/** ZKDatabase.commitLogCount: how many committed proposals a server keeps for DIFF. */
export const DEFAULT_COMMIT_LOG_COUNT = 500;

/** A kept txn: its PROPOSAL packet, or the entry until someone reads it as one. */
type Kept = QuorumPacket | TxnEntry;

function zxidOf(k: Kept): bigint {
  return k instanceof QuorumPacket ? k.zxid : k.hdr.zxid;
}

/**
 * ZKDatabase's committedLog: the last `limit` committed txns as PROPOSAL packets, the
 * window a leader sends a lagging learner by DIFF without touching the txn log. Every
 * server keeps one (any of them may lead next); it is filled by the final stage, by
 * restore and by a learner's sync. Every commit adds one while only a learner's sync
 * reads them, so an entry is serialized when it is first read, not when it is added
 * (a PROPOSAL the leader already has is kept as it is).
 */
export class CommittedLog {
  /** Slots before `head` are cleared: a dropped txn (and its data) is not kept alive. */
  private readonly proposals: Array<Kept | undefined> = [];
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
    return this.isEmpty() ? 0n : zxidOf(this.proposals[this.head]!);
  }

  get maxCommittedLog(): bigint {
    return this.isEmpty() ? 0n : zxidOf(this.proposals[this.proposals.length - 1]!);
  }

  /**
   * ZKDatabase.addCommittedProposal: a txn, or its PROPOSAL packet. Txns at or below the
   * last one kept are ignored. An entry's records must not change afterwards.
   */
  add(entry: TxnEntry | QuorumPacket): void {
    const zxid = zxidOf(entry);
    if (!this.isEmpty() && zxid <= this.maxCommittedLog) return;
    this.proposals.push(entry);
    if (this.size > this.limit) this.proposals[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.proposals.length) {
      this.proposals.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Oldest first. */
  *[Symbol.iterator](): Iterator<QuorumPacket> {
    for (let i = this.head; i < this.proposals.length; i++) {
      let k = this.proposals[i]!;
      if (!(k instanceof QuorumPacket)) {
        k = new QuorumPacket({ type: PacketType.PROPOSAL, zxid: k.hdr.zxid, data: serializeTxn(k), authinfo: null });
        this.proposals[i] = k;
      }
      yield k;
    }
  }

  clear(): void {
    this.proposals.length = 0;
    this.head = 0;
  }
}
