import type { WatchesPathReport, WatchesReport, WatchesSummary } from '../../data/watches-report';
import type { QuorumServerSpec } from '../../config/server-config';

/**
 * Everything the four-letter words read from a running server, in the shapes they print.
 * `server-context.ts` builds one from a ZooKeeperServer; tests build one by hand. Keeping
 * the words behind this interface lets each be checked against ZooKeeper's exact output
 * without starting a server.
 */
export interface FourLetterWordContext {
  /** ZooKeeperServer.isRunning(): most words answer "not currently serving" otherwise. */
  isRunning(): boolean;
  /** Version.getFullVersion(): "3.8.0-…, built on …" (kazoo parses the leading digits). */
  version(): string;
  /** A ReadOnlyZooKeeperServer (isro answers "ro", srvr/stat add a line). */
  isReadOnly(): boolean;
  stats(): ServerStatsView;
  /** The client connections of this server, four-letter-word connections included. */
  connections(): Iterable<ConnectionView>;
  /** ServerCnxnFactory.resetAllConnectionStats (crst). */
  resetAllConnectionStats(): void;
  nodeCount(): number;
  conf(): ConfView;
  /** The session tracker's expiry buckets: time (ms since the epoch) → session ids. */
  sessionExpiryMap(): Map<number, readonly bigint[]>;
  /** Session id → its ephemeral paths (DataTree.getEphemeralsMap). */
  ephemerals(): Map<bigint, ReadonlySet<string>>;
  /**
   * The connection factory's idle-expiry buckets; null when it keeps none (Java prints
   * the "Connections dump" section only for the NIO factory).
   */
  connectionExpiryMap(): Map<number, readonly ConnectionView[]> | null;
  /** The data watches (DataTree.getWatches / getWatchesByPath / getWatchesSummary). */
  watches(): WatchesReport;
  watchesByPath(): WatchesPathReport;
  watchesSummary(): WatchesSummary;
  /** Everything `mntr` prints beyond version and state; missing metrics print as 0. */
  metrics(): MonitorMetrics;
  /** DataTree.getDigestLog (hash): recent zxids and the tree digest after each. */
  digestLog(): ReadonlyArray<{ zxid: bigint; digest: bigint }>;
  /** Leader only: "last/min/max" proposal sizes for srvr / stat; null otherwise. */
  proposalStats(): string | null;
  /** Leader only: resets the proposal sizes with srst. */
  resetProposalStats(): void;
}

/** What srvr / stat / srst / mntr read of ServerStats (lib/server/server-stats.ts fits). */
export interface ServerStatsView {
  getMinLatency(): number;
  getAvgLatency(): number;
  getMaxLatency(): number;
  getPacketsReceived(): number;
  getPacketsSent(): number;
  getNumAliveClientConnections(): number;
  getOutstandingRequests(): number;
  getLastProcessedZxid(): bigint;
  getServerState(): string;
  getUptime(): number;
  getDataDirSize(): number;
  getLogDirSize(): number;
  getAuthFailedCount(): number;
  getLastClientResponseSize(): number;
  getMinClientResponseSize(): number;
  getMaxClientResponseSize(): number;
  /** srst (also resets the metrics behind mntr, as Java's ServerMetrics.resetAll). */
  reset(): void;
}

/** Per-connection counters (lib/server/cnxn-stats.ts fits). */
export interface ConnectionStatsView {
  packetsReceived: number;
  packetsSent: number;
  lastOp: string;
  lastCxid: number;
  lastZxid: bigint;
  lastResponseTime: number;
  lastLatency: number;
  readonly established: number;
  getMinLatency(): number;
  getAvgLatency(): number;
  getMaxLatency(): number;
}

/** One client connection as cons / stat / dump print it (ServerCnxnImpl fits). */
export interface ConnectionView {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Java's selector interest ops: 1 reading, 0 not. */
  readonly interestOps: number;
  readonly outstandingRequests: number;
  readonly sessionId: bigint;
  readonly sessionTimeout: number;
  readonly stats: ConnectionStatsView;
}

/** ZooKeeperServer.dumpConf's values (conf), plus QuorumZooKeeperServer's for a peer. */
export interface ConfView {
  clientPort: number;
  /** -1: zoolab has no TLS port. */
  secureClientPort: number;
  /** The snapshot directory (dataDir/version-2); null when the server keeps no files. */
  dataDir: string | null;
  /** The txn log directory (dataLogDir/version-2). */
  dataLogDir: string | null;
  tickTime: number;
  maxClientCnxns: number;
  minSessionTimeout: number;
  maxSessionTimeout: number;
  clientPortListenBacklog: number;
  serverId: number;
  quorum?: QuorumConfView;
}

export interface QuorumConfView {
  initLimit: number;
  syncLimit: number;
  electionAlg: number;
  electionPort: number;
  quorumPort: number;
  peerType: 'participant' | 'observer';
  servers: readonly QuorumServerSpec[];
  /** The quorum verifier's version (printed in hex). */
  version: bigint;
}

/** A summary metric as Java's AvgMinMaxCounter holds it (avg is derived). */
export interface SummaryValues {
  count: number;
  total: number;
  min: number;
  max: number;
  /** p50 / p95 / p99 / p999 for the percentile summaries, when the server keeps them. */
  percentiles?: { p50: number; p95: number; p99: number; p999: number };
}

/**
 * The metrics a server tracks, by ZooKeeper's names (ServerMetrics): plain counters,
 * summaries, and the per-namespace sets (namespace = first path component). Gauges that
 * derive from other state (znode_count, watch_count …) are read by `mntr` itself.
 */
export interface MonitorMetrics {
  counters?: ReadonlyMap<string, number>;
  summaries?: ReadonlyMap<string, SummaryValues>;
  /** e.g. "read_per_namespace" → namespace → values. */
  summarySets?: ReadonlyMap<string, ReadonlyMap<string, SummaryValues>>;
  /** e.g. "quota_exceeded_error_per_namespace" → namespace → count. */
  counterSets?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** e.g. "quota_count_limit_per_namespace" → namespace → value. */
  gaugeSets?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Gauges the server supplies itself, overriding mntr's own (e.g. local_sessions). */
  gauges?: ReadonlyMap<string, number>;
  /** Connection counters Java keeps in the factory (outstanding_tls_handshake …). */
  connectionDropProbability?: number;
}
