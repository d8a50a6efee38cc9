import { resolve } from 'node:path';
import { ConfigError } from './config-error';
import { parseLearnerType } from './quorum-servers';
import type { ServerConfig } from './server-config';
import {
  parseBooleanValue,
  parseDecodedInt,
  parseIntValue,
  parseNonNegativeInt,
  parsePort,
  parsePositiveInt,
} from './values';

/** What a key handler may report besides setting a field. */
export interface KeyContext {
  file?: string;
  warn(message: string): void;
}

type KeyHandler = (cfg: ServerConfig, value: string, key: string, ctx: KeyContext) => void;

/** ZooKeeper's minimum for autopurge.snapRetainCount (PurgeTxnLog keeps at least 3). */
export const MIN_SNAP_RETAIN_COUNT = 3;

function nonEmpty(key: string, value: string, file?: string): string {
  if (value === '') throw ConfigError.badValue(key, value, 'is empty', file);
  return value;
}

/** An address as written, without the brackets an IPv6 literal may carry. */
function hostValue(key: string, value: string, file?: string): string {
  const v = nonEmpty(key, value, file);
  if (v.startsWith('[') !== v.endsWith(']')) throw ConfigError.badValue(key, value, 'has unbalanced brackets', file);
  return v.startsWith('[') ? v.slice(1, -1) : v;
}

/** The keys QuorumPeerConfig.parseProperties reads itself. */
const QUORUM_PEER_KEYS: Record<string, KeyHandler> = {
  dataDir: (c, v, k, x) => void (c.dataDir = resolve(nonEmpty(k, v, x.file))),
  dataLogDir: (c, v, k, x) => void (c.dataLogDir = resolve(nonEmpty(k, v, x.file))),
  clientPort: (c, v, k, x) => void (c.clientPort = parsePort(k, v, { allowZero: true, file: x.file })),
  clientPortAddress: (c, v, k, x) => void (c.clientPortAddress = hostValue(k, v, x.file)),
  clientPortListenBacklog: (c, v, k, x) => void (c.clientPortListenBacklog = parseIntValue(k, v, x.file)),
  tickTime: (c, v, k, x) => void (c.tickTime = parsePositiveInt(k, v, x.file)),
  maxClientCnxns: (c, v, k, x) => void (c.maxClientCnxns = parseNonNegativeInt(k, v, x.file)),
  minSessionTimeout: (c, v, k, x) => void (c.minSessionTimeout = sessionTimeout(k, v, x.file)),
  maxSessionTimeout: (c, v, k, x) => void (c.maxSessionTimeout = sessionTimeout(k, v, x.file)),
  initLimit: (c, v, k, x) => void (c.initLimit = parsePositiveInt(k, v, x.file)),
  syncLimit: (c, v, k, x) => void (c.syncLimit = parsePositiveInt(k, v, x.file)),
  electionAlg: (c, v, k, x) => {
    const n = parseIntValue(k, v, x.file);
    if (n !== 3) throw ConfigError.badValue(k, v, 'is not supported: only 3 (fast leader election) is, as in ZooKeeper 3.8', x.file);
    c.electionAlg = n;
  },
  peerType: (c, v, k, x) => void (c.peerType = parseLearnerType(k, v, x.file)),
  dynamicConfigFile: (c, v, k, x) => void (c.dynamicConfigFile = resolve(nonEmpty(k, v, x.file))),
  'autopurge.snapRetainCount': (c, v, k, x) => {
    const n = parseIntValue(k, v, x.file);
    if (n < MIN_SNAP_RETAIN_COUNT) x.warn(`${k}: ${n} is below the minimum; using ${MIN_SNAP_RETAIN_COUNT}`);
    c.autopurgeSnapRetainCount = Math.max(n, MIN_SNAP_RETAIN_COUNT);
  },
  // ZooKeeper schedules no purge for an interval <= 0.
  'autopurge.purgeInterval': (c, v, k, x) => void (c.autopurgePurgeInterval = Math.max(0, parseIntValue(k, v, x.file))),
  standaloneEnabled: (c, v, k, x) => void (c.standaloneEnabled = parseBooleanValue(k, v, x.file)),
  reconfigEnabled: (c, v, k, x) => void (c.reconfigEnabled = parseBooleanValue(k, v, x.file)),
};

/**
 * Keys ZooKeeper turns into `zookeeper.<key>` system properties (everything
 * QuorumPeerConfig does not know) and that zoolab interprets. They are also accepted with
 * the `zookeeper.` prefix written out, the way they appear in -D flags.
 */
const SYSTEM_PROPERTY_KEYS: Record<string, KeyHandler> = {
  '4lw.commands.whitelist': (c, v) => void (c.fourLetterWordWhitelist = parseWhitelist(v)),
  extendedTypesEnabled: (c, v, k, x) => void (c.extendedTypesEnabled = parseBooleanValue(k, v, x.file)),
  'digest.enabled': (c, v, k, x) => void (c.digestEnabled = parseBooleanValue(k, v, x.file)),
  'zoolab.valueArena': (c, v, k, x) => void (c.valueArena = parseBooleanValue(k, v, x.file)),
  skipACL: (c, v, k, x) => void (c.skipACL = parseSkipACL(k, v, x.file)),
  enforceQuota: (c, v, k, x) => void (c.enforceQuota = parseBooleanValue(k, v, x.file)),
  'closeSessionTxn.enabled': (c, v, k, x) => void (c.closeSessionTxnEnabled = parseBooleanValue(k, v, x.file)),
  globalOutstandingLimit: (c, v, k, x) => void (c.globalOutstandingLimit = parsePositiveInt(k, v, x.file)),
  snapCount: (c, v, k, x) => {
    const n = parseIntValue(k, v, x.file);
    // SyncRequestProcessor: fewer than 2 would snapshot on every txn.
    if (n < 2) x.warn(`${k}: ${n} is below the minimum; using 2`);
    c.snapCount = Math.max(n, 2);
  },
  preAllocSize: (c, v, k, x) => void (c.preAllocSize = parsePositiveInt(k, v, x.file)),
  forceSync: (c, v, k, x) => void (c.forceSync = parseForceSync(k, v, x.file)),
  cnxTimeout: (c, v, k, x) => void (c.cnxTimeout = parsePositiveInt(k, v, x.file)),
  'DigestAuthenticationProvider.superDigest': (c, v, k, x) => {
    if (!/^[^:]+:.+$/.test(v)) throw ConfigError.badValue(k, v, 'is not of the form user:base64(sha1(user:password))', x.file);
    c.superDigest = v;
  },
};

/**
 * JVM system properties zoolab also reads from zoo.cfg (Java would need -D for these:
 * from zoo.cfg it sets `zookeeper.jute.maxbuffer`, which nothing reads).
 */
const JVM_PROPERTY_KEYS: Record<string, KeyHandler> = {
  'jute.maxbuffer': (c, v, k, x) => {
    const n = parseDecodedInt(k, v, x.file);
    if (n <= 0) throw ConfigError.badValue(k, v, 'must be greater than 0', x.file);
    c.juteMaxBuffer = n;
  },
  'znode.container.checkIntervalMs': (c, v, k, x) => void (c.containerCheckIntervalMs = parsePositiveInt(k, v, x.file)),
  'znode.container.maxPerMinute': (c, v, k, x) => void (c.containerMaxPerMinute = parsePositiveInt(k, v, x.file)),
};

/** Keys ZooKeeper 3.8 knows that zoolab accepts but does not act on (no warning beyond one line). */
export const IGNORED_ZOOKEEPER_KEYS = new Set([
  'secureClientPort', 'secureClientPortAddress', 'observerMasterPort', 'localSessionsEnabled',
  'localSessionsUpgradingEnabled', 'connectToLearnerMasterLimit', 'quorumListenOnAllIPs', 'syncEnabled',
  'sslQuorum', 'portUnification', 'sslQuorumReloadCertFiles', 'quorum.cnxn.threads.size',
  'quorum.auth.enableSasl', 'quorum.auth.serverRequireSasl', 'quorum.auth.learnerRequireSasl',
  'quorum.auth.learner.saslLoginContext', 'quorum.auth.server.saslLoginContext',
  'quorum.auth.kerberos.servicePrincipal', 'jvm.pause.info-threshold.ms', 'jvm.pause.warn-threshold.ms',
  'jvm.pause.sleep.time.ms', 'jvm.pause.monitor', 'metricsProvider.className', 'multiAddress.enabled',
  'multiAddress.reachabilityCheckTimeoutMs', 'multiAddress.reachabilityCheckEnabled', 'oraclePath',
  'admin.enableServer', 'admin.serverAddress', 'admin.serverPort', 'admin.idleTimeout', 'admin.commandURL',
]);

/**
 * System properties zoolab does read, later, from `raw` by whoever assembles the server
 * (the storage choice, ZKDatabase's start-up rules, the quorum connection settings);
 * with or without the "zookeeper." prefix, as Java takes them; and zoolab's own plugin
 * choices (zoolab.*). Known, so not warned about.
 */
export const RAW_PROPERTY_KEYS = new Set([
  'snapshot.trust.empty',
  'db.autocreate',
  'snapshot.compression.method',
  'fsync.warningthresholdms',
  'cnxTimeout',
  'tcpKeepAlive',
  'zoolab.peerTransport',
  'zoolab.election',
  'zoolab.snapshotWorker',
]);

/** A system property's name without the "zookeeper." prefix Java accepts either way. */
export function bareKey(key: string): string {
  return key.startsWith('zookeeper.') ? key.slice('zookeeper.'.length) : key;
}

/** Finds the handler for a zoo.cfg key, or null for a key zoolab does not interpret. */
export function handlerFor(key: string): KeyHandler | null {
  if (Object.hasOwn(QUORUM_PEER_KEYS, key)) return QUORUM_PEER_KEYS[key];
  const bare = bareKey(key);
  if (Object.hasOwn(SYSTEM_PROPERTY_KEYS, bare)) return SYSTEM_PROPERTY_KEYS[bare];
  if (Object.hasOwn(JVM_PROPERTY_KEYS, key)) return JVM_PROPERTY_KEYS[key];
  return null;
}

/**
 * FourLetterCommands.isEnabled's reading of the whitelist: comma-separated names, blanks
 * trimmed, `*` for all. (srvr is always enabled; the four-letter-word code adds it.)
 */
export function parseWhitelist(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.includes('*') ? ['*'] : [...new Set(names)];
}

function sessionTimeout(key: string, value: string, file?: string): number {
  const n = parseIntValue(key, value, file);
  if (n < -1) throw ConfigError.badValue(key, value, 'must be -1 (the default) or a time in ms', file);
  return n;
}

/**
 * ZooKeeperServer skips ACLs only when zookeeper.skipACL is exactly "yes"; any other value
 * leaves them on. Anything but "yes" or "no" is refused here rather than read as "no",
 * since whoever wrote "true" meant to switch the checks off.
 */
function parseSkipACL(key: string, value: string, file?: string): boolean {
  if (value === 'yes') return true;
  if (value === 'no') return false;
  throw ConfigError.badValue(key, value, "is not 'yes' or 'no' (ZooKeeper skips ACLs only for exactly 'yes')", file);
}

/** ZooKeeper syncs unless zookeeper.forceSync is "no"; zoolab also takes true/false. */
function parseForceSync(key: string, value: string, file?: string): boolean {
  const v = value.toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  throw ConfigError.badValue(key, value, "is not 'yes' or 'no'", file);
}
