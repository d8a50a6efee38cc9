import type { ServerConfig } from '../config/server-config';
import { systemProperty } from '../config/system-property';
import { AvgMinMaxCounter } from './server-stats';

/** zookeeper.fsync.warningthresholdms: a commit slower than this is warned about (default 1000). */
export function fsyncWarningThresholdMs(config: Pick<ServerConfig, 'raw'>): number {
  const v = Number(systemProperty(config, 'fsync.warningthresholdms'));
  return Number.isFinite(v) && v >= 0 ? v : 1000;
}

export interface CommitMetricsOptions {
  /** forceSync: only synced commits count as fsyncs. */
  forceSync: boolean;
  fsyncWarningThresholdMs: number;
  /** A commit over the threshold (ServerStats counts it; the server warns). */
  onSlowFsync(elapsedMs: number): void;
}

/**
 * The ServerMetrics summaries zoolab feeds besides ServerStats' latencies, by the names
 * `mntr` prints (zk_avg_fsynctime, zk_cnt_snapshottime …); the restore's startup_* ones
 * come from ZKDatabase.lastRestore. As in Java, `srst` leaves them alone.
 */
export class ServerMetrics {
  /** Time of each txn log commit's write and sync, in ms (FileTxnLog.commit's FSYNC_TIME). */
  readonly fsyncTime = new AvgMinMaxCounter();
  /** Time to take each snapshot, in ms (ZooKeeperServer.takeSnapshot). */
  readonly snapshotTime = new AvgMinMaxCounter();
  /** Requests made durable by each group commit (SyncRequestProcessor.flush's toFlush). */
  readonly syncProcessorBatchSize = new AvgMinMaxCounter();
  constructor(private readonly commits: CommitMetricsOptions) {}

  /** After a group commit: SyncRequestProcessor.flush's batch size, FileTxnLog.commit's fsync time. */
  committed(elapsedMs: number, requests: number): void {
    this.syncProcessorBatchSize.addDataPoint(requests);
    if (!this.commits.forceSync) return;
    this.fsyncTime.addDataPoint(elapsedMs);
    if (elapsedMs > this.commits.fsyncWarningThresholdMs) this.commits.onSlowFsync(elapsedMs);
  }

  summaries(): Array<[string, AvgMinMaxCounter]> {
    return [
      ['fsynctime', this.fsyncTime],
      ['snapshottime', this.snapshotTime],
      ['sync_processor_batch_size', this.syncProcessorBatchSize],
    ];
  }
}
