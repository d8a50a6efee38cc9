import type { Logger } from '../core/logger';
import type { TxnDigest, TxnHeader } from '../jute/records/txn';
import { DIGEST_VERSION } from './digest-calculator';

/** The tree digest after a zxid, as snapshots store it and TxnDigest compares it. */
export interface ZxidDigest {
  zxid: bigint;
  digestVersion: number;
  digest: bigint;
}

export const DIGEST_LOG_LIMIT = 1024;
/** Every 128th zxid (0x80) goes into the digest log, to line up between servers. */
export const DIGEST_LOG_INTERVAL = 128n;

const hex = (v: bigint): string => BigInt.asUintN(64, v).toString(16);

/**
 * The digest half of DataTree: the digest after the last txn, a log of recent ones, the
 * comparison with each logged TxnDigest and with a loaded snapshot's digest. A mismatch
 * means this server's tree diverged; it is counted, logged and reported to watchers.
 */
export class DataTreeDigests {
  /** Digest of the snapshot being loaded, while txns replay towards its zxid. */
  digestFromLoadedSnapshot: ZxidDigest | null = null;
  lastProcessedZxidDigest: ZxidDigest | null = null;
  /** Txns or snapshots whose digest did not match the tree (a metric). */
  mismatches = 0;
  /**
   * Set while a learner applies the txns that follow a leader's SNAP. The snapshot was
   * streamed while the leader went on committing (fuzzy), so the tree already holds some
   * of those txns' changes and its digest between them is not the one they carry. The
   * learner clears it at NEWLEADER: every txn committed during the stream comes before.
   */
  fuzzy = false;
  private readonly log: ZxidDigest[] = [];
  private readonly watchers: Array<(zxid: bigint) => void> = [];
  private firstMismatchTxn = true;

  constructor(
    private readonly enabled: boolean,
    private readonly logger: Logger,
  ) {}

  /** After a whole txn: check a pending snapshot digest, or record this one. */
  txnApplied(zxid: bigint, treeDigest: bigint): void {
    if (this.digestFromLoadedSnapshot !== null) {
      this.compareSnapshotDigests(zxid, treeDigest);
      return;
    }
    const d: ZxidDigest = { zxid, digestVersion: DIGEST_VERSION, digest: treeDigest };
    this.lastProcessedZxidDigest = d;
    if (zxid % DIGEST_LOG_INTERVAL === 0n) {
      this.log.push(d);
      if (this.log.length > DIGEST_LOG_LIMIT) this.log.shift();
    }
  }

  /** DataTree.compareDigest: true when they match or there is nothing to compare. */
  compareDigest(header: TxnHeader, digest: TxnDigest | null, treeDigest: bigint): boolean {
    if (!this.enabled || digest === null) return true;
    if (this.digestFromLoadedSnapshot !== null || this.fuzzy) return true;
    if (digest.version !== DIGEST_VERSION) return true;
    if (digest.treeDigest === treeDigest) return true;
    this.reportDigestMismatch(header.zxid);
    if (this.firstMismatchTxn) {
      this.logger.error(
        `First digest mismatch on txn: ${header}, expected digest is ${digest.treeDigest}, actual digest is ${treeDigest}`,
      );
      this.firstMismatchTxn = false;
    }
    return false;
  }

  compareSnapshotDigests(zxid: bigint, treeDigest: bigint): void {
    const snap = this.digestFromLoadedSnapshot;
    if (snap === null) return;
    if (zxid === snap.zxid) {
      if (snap.digestVersion !== DIGEST_VERSION) {
        this.logger.info(`Digest version changed, local: ${snap.digestVersion}, new: ${DIGEST_VERSION}, skip comparing digest now.`);
      } else if (treeDigest !== snap.digest) {
        this.reportDigestMismatch(zxid);
      }
      this.digestFromLoadedSnapshot = null;
    } else if (snap.zxid !== 0n && zxid > snap.zxid) {
      this.logger.warn(`The txn 0x${hex(snap.zxid)} of snapshot digest does not exist.`);
    }
  }

  reportDigestMismatch(zxid: bigint): void {
    this.mismatches++;
    this.logger.warn(`Digests are not matching. Value is Zxid. ${zxid}`);
    for (const w of this.watchers) w(zxid);
  }

  /** DigestWatcher: told the zxid of each mismatch. */
  addDigestWatcher(w: (zxid: bigint) => void): void {
    this.watchers.push(w);
  }

  /** A copy of the recent digests (every 128th zxid, at most 1024). */
  getDigestLog(): ZxidDigest[] {
    return [...this.log];
  }
}
