import { join } from 'node:path';
import type { ZooKeeperServer } from '../zookeeper-server';
import type { ConnectionView, FourLetterWordContext, MonitorMetrics, SummaryValues } from './context';
import { maxFileDescriptorCount, openFileDescriptorCount } from './process-info';
import { fullVersion } from './version';

/** ServerStats' AvgMinMaxCounter as mntr's summary values. */
function summaryOf(c: { getCount(): number; getTotal(): number; getMin(): number; getMax(): number }): SummaryValues {
  return { count: c.getCount(), total: c.getTotal(), min: c.getMin(), max: c.getMax() };
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
      counters: new Map([['connection_rejected', zks.cnxnFactory.rejectedConnections]]),
      summaries: new Map([
        ['readlatency', { ...summaryOf(zks.serverStats.readLatency), percentiles: zks.serverStats.readLatency.percentiles() }],
        ['updatelatency', { ...summaryOf(zks.serverStats.updateLatency), percentiles: zks.serverStats.updateLatency.percentiles() }],
      ]),
    }),
    digestLog: () => zks.dataTree.digests.getDigestLog(),
    proposalStats: () => null,
    resetProposalStats: () => undefined,
  };
  return { ...base, ...overrides };
}
