import { token } from '../core/token';
import { javaZxidFromName, SNAPSHOT_FILE_PREFIX } from './snapshot-names';

/** PurgeTxnLog keeps at least this many snapshots. */
export const MIN_SNAP_RETAIN_COUNT = 3;
const LOG_PREFIX = 'log';

/** A retain count below 3 (PurgeTxnLog.COUNT_ERR_MSG). */
export class PurgeCountError extends RangeError {
  override name = 'PurgeCountError';
  constructor(readonly count: number) {
    super(`count should be greater than or equal to ${MIN_SNAP_RETAIN_COUNT} (got ${count})`);
  }
}

export interface PurgeResult {
  /** The snapshots kept (newest first): the newest `retainCount` that look valid. */
  retainedSnapshots: string[];
  /** The oldest retained snapshot's zxid; older snapshots and logs not needed by it go. -1 when nothing was kept. */
  leastRetainedZxid: bigint;
  /** Paths of the files deleted. */
  removed: string[];
  /** Paths that could not be deleted, with why. */
  failed: Array<{ path: string; error: string }>;
}

/**
 * PurgeTxnLog.purge for a storage plugin: keeps the newest `retainCount` (≥ 3) valid
 * snapshots and the txn logs needed to replay from the oldest of them, deletes the rest.
 * The autopurge task (DatadirCleanupManager) calls it every purgeInterval hours.
 */
export interface DataPurger {
  purge(retainCount: number): Promise<PurgeResult>;
}

export const DATA_PURGER = token<DataPurger>('DataPurger');

export function checkRetainCount(n: number): void {
  if (!Number.isInteger(n) || n < MIN_SNAP_RETAIN_COUNT) throw new PurgeCountError(n);
}

/**
 * FileTxnLog.getLogFiles: the log files needed to replay from `snapshotZxid` — the one
 * that starts at or before it (the newest such) and every later one.
 */
export function logsNeededFrom(logNames: readonly string[], snapshotZxid: bigint): string[] {
  const sorted = [...logNames]
    .map((name) => ({ name, zxid: javaZxidFromName(name, LOG_PREFIX) }))
    .sort((a, b) => (a.zxid < b.zxid ? -1 : a.zxid > b.zxid ? 1 : 0));
  let logZxid = 0n;
  for (const f of sorted) {
    if (f.zxid > snapshotZxid) break;
    if (f.zxid > logZxid) logZxid = f.zxid;
  }
  return sorted.filter((f) => f.zxid >= logZxid).map((f) => f.name);
}

/**
 * PurgeTxnLog.purgeOlderSnapshots: which names to delete, given the oldest retained
 * snapshot's zxid. A name goes when it starts with "log." / "snapshot.", its zxid (as
 * Util.getZxidFromName reads it, so "snapshot.5.tmp" counts as 5) is below the least
 * retained, and (for logs) replay from that snapshot does not need it.
 */
export function namesToPurge(
  leastRetainedZxid: bigint,
  logNames: readonly string[],
  snapshotNames: readonly string[],
): { logs: string[]; snapshots: string[] } {
  const needed = new Set(logsNeededFrom(logNames, leastRetainedZxid));
  const older = (prefix: string) => (name: string) =>
    name.startsWith(prefix + '.') && javaZxidFromName(name, prefix) < leastRetainedZxid;
  return {
    logs: logNames.filter((n) => !needed.has(n) && older(LOG_PREFIX)(n)),
    snapshots: snapshotNames.filter(older(SNAPSHOT_FILE_PREFIX)),
  };
}
