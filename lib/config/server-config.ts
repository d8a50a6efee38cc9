import { token } from '../core/token';
import { DEFAULT_MAX_BUFFER } from '../jute/limits';

/** One server.N line of zoo.cfg. */
export interface QuorumServerSpec {
  id: number;
  host: string;
  quorumPort: number;
  electionPort: number;
  type: 'participant' | 'observer';
  clientHost?: string;
  clientPort?: number;
}

/**
 * A node's configuration, typed. zoo.cfg keys map to these fields (lib/config/zoo-cfg.ts);
 * the defaults are ZooKeeper's except where noted.
 */
export interface ServerConfig {
  tickTime: number;
  dataDir: string | null;
  /** Defaults to dataDir, as in ZooKeeper. */
  dataLogDir: string | null;
  clientPort: number;
  /** ZooKeeper binds all interfaces by default; zoolab binds loopback unless told. */
  clientPortAddress: string;
  maxClientCnxns: number;
  /** -1 means 2 × tickTime, as in ZooKeeper. */
  minSessionTimeout: number;
  /** -1 means 20 × tickTime, as in ZooKeeper. */
  maxSessionTimeout: number;
  /** 4lw.commands.whitelist: command names, or ['*']. */
  fourLetterWordWhitelist: string[];
  extendedTypesEnabled: boolean;
  /**
   * zookeeper.digest.enabled: keep the tree digest, log it with every txn and write it in
   * snapshots (ZooKeeper 3.6+, default on). Off saves a CRC of each changed node twice
   * per write, and the checks against a leader's or a log's digest go with it.
   */
  digestEnabled: boolean;
  /**
   * zoolab.valueArena (zoolab's own, default true): values set by setData live in the
   * tree's ZnodeValueArena, recycled on overwrite and delete; false keeps one Buffer per
   * value.
   */
  valueArena: boolean;
  /** zookeeper.skipACL=yes: no ACL is checked (Java honours exactly "yes"). */
  skipACL: boolean;
  /** zookeeper.enforceQuota: writes past a hard quota fail with QuotaExceeded (default off). */
  enforceQuota: boolean;
  /** zookeeper.closeSessionTxn.enabled (default on): a closeSession txn lists the session's ephemerals. */
  closeSessionTxnEnabled: boolean;
  /** jute.maxbuffer. */
  juteMaxBuffer: number;
  /** The server id: myid in an ensemble, 0 standalone. Top byte of session ids. */
  serverId: number;
  globalOutstandingLimit: number;
  snapCount: number;
  /** In KiB, as ZooKeeper's preAllocSize. */
  preAllocSize: number;
  forceSync: boolean;
  autopurgeSnapRetainCount: number;
  /** Hours; 0 disables. */
  autopurgePurgeInterval: number;
  /** znode.container.checkIntervalMs. */
  containerCheckIntervalMs: number;
  /** znode.container.maxPerMinute. */
  containerMaxPerMinute: number;
  /** zookeeper.DigestAuthenticationProvider.superDigest ("super:<base64 sha1>"). */
  superDigest: string | null;
  // Quorum keys, parsed now and used by the ensemble.
  servers: QuorumServerSpec[];
  initLimit: number;
  syncLimit: number;
  electionAlg: number;
  peerType: 'participant' | 'observer';
  cnxTimeout: number;
  /** weight.N */
  weights: Map<number, number>;
  /** group.N = a:b:c */
  groups: Map<number, number[]>;
  standaloneEnabled: boolean;
  reconfigEnabled: boolean;
  /** Every key = value as read, for `conf` / `envi` and keys zoolab does not interpret. */
  raw: Map<string, string>;
  // Added with lib/config/zoo-cfg.ts; optional so hand-built configs stay valid.
  /** The zoo.cfg this came from, if any. */
  configFile?: string | null;
  /** dynamicConfigFile: where server.N / group / weight lines live when split out. */
  dynamicConfigFile?: string | null;
  /** The quorum configuration's version (the dynamic file's hex suffix), 0 when none. */
  quorumConfigVersion?: bigint;
  /** clientPortListenBacklog; -1 lets the transport choose, as in ZooKeeper. */
  clientPortListenBacklog?: number;
}

export function defaultServerConfig(): ServerConfig {
  return {
    tickTime: 2000,
    dataDir: null,
    dataLogDir: null,
    clientPort: 2181,
    clientPortAddress: '127.0.0.1',
    maxClientCnxns: 60,
    minSessionTimeout: -1,
    maxSessionTimeout: -1,
    fourLetterWordWhitelist: ['srvr'],
    extendedTypesEnabled: false,
    digestEnabled: true,
    valueArena: true,
    skipACL: false,
    enforceQuota: false,
    closeSessionTxnEnabled: true,
    juteMaxBuffer: DEFAULT_MAX_BUFFER,
    serverId: 0,
    globalOutstandingLimit: 1000,
    snapCount: 100000,
    preAllocSize: 65536,
    forceSync: true,
    autopurgeSnapRetainCount: 3,
    autopurgePurgeInterval: 0,
    containerCheckIntervalMs: 60000,
    containerMaxPerMinute: 10000,
    superDigest: null,
    servers: [],
    initLimit: 10,
    syncLimit: 5,
    electionAlg: 3,
    peerType: 'participant',
    cnxTimeout: 5000,
    weights: new Map(),
    groups: new Map(),
    standaloneEnabled: true,
    reconfigEnabled: false,
    raw: new Map(),
  };
}

export function effectiveMinSessionTimeout(c: ServerConfig): number {
  return c.minSessionTimeout === -1 ? c.tickTime * 2 : c.minSessionTimeout;
}

export function effectiveMaxSessionTimeout(c: ServerConfig): number {
  return c.maxSessionTimeout === -1 ? c.tickTime * 20 : c.maxSessionTimeout;
}

export const SERVER_CONFIG = token<ServerConfig>('ServerConfig');
