import { join } from 'node:path';
import type { RestoreResult } from '../../persistence/restore';
import { type AvgMinMaxCounter, AvgMinMaxPercentileCounter } from '../server-stats';
import type { ZooKeeperServer } from '../zookeeper-server';
import type { ConnectionView, FourLetterWordContext, MonitorMetrics, SummaryValues } from './context';
import { maxFileDescriptorCount, openFileDescriptorCount } from './process-info';
import { fullVersion } from './version';

/** An AvgMinMaxCounter as mntr's summary values, with its percentiles when it keeps them. */
function summaryOf(c: AvgMinMaxCounter): SummaryValues {
  const v: SummaryValues = { count: c.getCount(), total: c.getTotal(), min: c.getMin(), max: c.getMax() };
  return c instanceof AvgMinMaxPercentileCounter ? { ...v, percentiles: c.percentiles() } : v;
}

/**
 * FileTxnSnapLog.restore's STARTUP_* summaries: one data point each for the restore this
 * database did (a quorum peer restores before its role's server exists). As in Java, a
 * new database (no snapshot, no log) counts the snapshot load and no txn replay.
 */
function startupSummaries(r: RestoreResult | null): Array<[string, SummaryValues]> {
  if (r === null) return [];
  const one = (v: number): SummaryValues => ({ count: 1, total: v, min: v, max: v });
  const out: Array<[string, SummaryValues]> = [['startup_snap_load_time', one(r.snapLoadMs)]];
  if (r.txnsLoadMs !== null) out.push(['startup_txns_loaded', one(r.txnsLoaded)], ['startup_txns_load_time', one(r.txnsLoadMs)]);
  return out;
}

/** A factory that keeps idle-expiry buckets and says so (NIOServerCnxnFactory.dumpConnections). */
interface ConnectionExpirySource {
  getConnectionExpiryMap?(): Map<number, readonly ConnectionView[]>;
}

/**
 * The four-letter words' view of a standalone ZooKeeperServer. `overrides` lets a server
 * that knows more (a quorum peer: conf's quorum lines, a leader's proposal sizes; a server
 * with more metrics) replace single pieces.
 */
export function contextFromServer(zks: ZooKeeperServer, overrides: Partial<FourLetterWordContext> = {}): FourLetterWordContext {
  const cfg = zks.config;
  const base: FourLetterWordContext = {
    isRunning: () => zks.isRunning(),
    version: fullVersion,
    isReadOnly: () => zks.getState() === 'read-only',
    stats: () => zks.serverStats,
    connections: () => zks.getConnections(),
    resetAllConnectionStats: () => {
      for (const c of zks.getConnections()) c.stats.reset();
    },
    nodeCount: () => zks.dataTree.getNodeCount(),
    conf: () => ({
      clientPort: zks.getClientPort(),
      secureClientPort: -1,
      // FileTxnSnapLog keeps both under a "version-2" directory, which is what Java prints.
      dataDir: cfg.dataDir ? join(cfg.dataDir, 'version-2') : null,
      dataLogDir: (cfg.dataLogDir ?? cfg.dataDir) ? join((cfg.dataLogDir ?? cfg.dataDir) as string, 'version-2') : null,
      tickTime: zks.getTickTime(),
      maxClientCnxns: zks.getMaxClientCnxnsPerHost(),
      minSessionTimeout: zks.minSessionTimeout,
      maxSessionTimeout: zks.maxSessionTimeout,
      clientPortListenBacklog: cfg.clientPortListenBacklog ?? -1,
      serverId: cfg.serverId,
    }),
    sessionExpiryMap: () => zks.getSessionExpiryMap(),
    ephemerals: () => zks.getEphemerals(),
    connectionExpiryMap: () => (zks.cnxnFactory as ConnectionExpirySource).getConnectionExpiryMap?.() ?? null,
    watches: () => zks.dataTree.watches.getWatches(),
    watchesByPath: () => zks.dataTree.watches.getWatchesByPath(),
    watchesSummary: () => zks.dataTree.watches.getWatchesSummary(),
    metrics: (): MonitorMetrics => ({
      gauges: new Map([
        ['global_sessions', zks.zkDb.sessionsWithTimeouts.size],
        ['watch_count', zks.dataTree.getWatchCount()],
        ['ephemerals_count', zks.dataTree.getEphemeralsCount()],
        ['approximate_data_size', zks.dataTree.cachedApproximateDataSize()],
        ['open_file_descriptor_count', openFileDescriptorCount()],
        ['max_file_descriptor_count', maxFileDescriptorCount()],
      ]),
      counters: new Map([
        ['connection_rejected', zks.cnxnFactory.rejectedConnections],
        ['sync_processor_request_queued', zks.syncStats.requestsQueued],
      ]),
      summaries: new Map([
        ['readlatency', summaryOf(zks.serverStats.readLatency)],
        ['updatelatency', summaryOf(zks.serverStats.updateLatency)],
        ...zks.metrics.summaries().map(([name, c]): [string, SummaryValues] => [name, summaryOf(c)]),
        ...startupSummaries(zks.zkDb.lastRestore),
      ]),
    }),
    digestLog: () => zks.dataTree.digests.getDigestLog(),
    proposalStats: () => null,
    resetProposalStats: () => undefined,
  };
  return { ...base, ...overrides };
}
