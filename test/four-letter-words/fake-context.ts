import type { Clock } from '../../lib/core/clock';
import { WatchesPathReport, WatchesReport, WatchesSummary } from '../../lib/data/watches-report';
import { CnxnStats } from '../../lib/server/cnxn-stats';
import type { ConnectionView, FourLetterWordContext } from '../../lib/server/four-letter-words/context';
import { ServerStats } from '../../lib/server/server-stats';

export const S1 = 0x100000904ec0000n;
export const S2 = 0x100000904ec0001n;
export const EXPIRY = Date.UTC(2026, 10, 27, 6, 30, 53);

export function fakeClock(now = EXPIRY - 30_000): Clock & { t: number } {
  const c = { t: now, now: () => c.t, schedule: () => ({ unsubscribe() {} }) };
  return c as unknown as Clock & { t: number };
}

export function connection(port: number, sessionId: bigint, interestOps = 1): ConnectionView & { stats: CnxnStats } {
  return { remoteAddress: '127.0.0.1', remotePort: port, interestOps, outstandingRequests: 0, sessionId, sessionTimeout: 10000, stats: new CnxnStats(1795761043403) };
}

/**
 * The state capture.py builds on the Java server: two sessions, /app with an ephemeral
 * child, data watches on /app (both sessions) and an exists watch on /missing.
 */
export function fakeContext(over: Partial<FourLetterWordContext> = {}): FourLetterWordContext & { cnxns: ReturnType<typeof connection>[]; serverStats: ServerStats } {
  const clock = fakeClock();
  const cnxns = [connection(37736, S1), connection(37740, S2), connection(37766, 0n, 0)];
  const a = cnxns[0].stats;
  a.packetsReceived = 5;
  a.packetsSent = 5;
  a.updateStatsForResponse(1, 3n, 'CREA', 100, 114);
  a.updateStatsForResponse(4, 4n, 'GETC', 200, 201);
  cnxns[1].stats.packetsReceived = 3;
  cnxns[1].stats.updateStatsForResponse(2, 4n, 'GETD', 300, 301);
  cnxns[2].stats.packetsReceived = 1;
  const serverStats = new ServerStats(
    {
      getOutstandingRequests: () => 0,
      getLastProcessedZxid: () => 4n,
      getState: () => 'standalone',
      getNumAliveConnections: () => cnxns.length,
      getDataDirSize: () => 67109337,
      getLogDirSize: () => 67109337,
    },
    clock,
  );
  for (const l of [1, 14, 2, 3, 1, 4, 2, 2]) serverStats.updateLatencyFor(clock.now() - l, l !== 14);
  const watchesBySession = new Map([
    [S1, new Set(['/app'])],
    [S2, new Set(['/missing', '/app'])],
  ]);
  const watchesByPath = new Map([
    ['/missing', new Set([S2])],
    ['/app', new Set([S1, S2])],
  ]);
  const ctx: FourLetterWordContext = {
    isRunning: () => true,
    version: () => '3.8.0-zoolab-0.1.0, built on 2026-11-27 06:00 UTC',
    isReadOnly: () => false,
    stats: () => serverStats,
    connections: () => cnxns,
    resetAllConnectionStats: () => cnxns.forEach((c) => c.stats.reset()),
    nodeCount: () => 7,
    conf: () => ({
      clientPort: 2181, secureClientPort: -1, dataDir: '/var/zk/version-2', dataLogDir: '/var/zk/version-2', tickTime: 2000,
      maxClientCnxns: 60, minSessionTimeout: 4000, maxSessionTimeout: 40000, clientPortListenBacklog: -1, serverId: 0,
    }),
    sessionExpiryMap: () => new Map([[EXPIRY, [S2, S1]]]),
    ephemerals: () => new Map([[S1, new Set(['/app/eph'])]]),
    connectionExpiryMap: () => new Map([[EXPIRY + 8000, [cnxns[2], cnxns[0], cnxns[1]]]]),
    watches: () => new WatchesReport(watchesBySession),
    watchesByPath: () => new WatchesPathReport(watchesByPath),
    watchesSummary: () => new WatchesSummary(2, 2, 3),
    metrics: () => ({ gauges: new Map([['watch_count', 4]]), summarySets: new Map([['read_per_namespace', new Map([['app', { count: 3, total: 3, min: 1, max: 1 }]])], ['write_per_namespace', new Map([['app', { count: 2, total: 15, min: 1, max: 14 }]])]]) }),
    digestLog: () => [{ zxid: 0x80n, digest: 123456789n }],
    proposalStats: () => null,
    resetProposalStats: () => undefined,
    ...over,
  };
  return Object.assign(ctx, { cnxns, serverStats });
}
