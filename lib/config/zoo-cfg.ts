import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError } from './config-error';
import { loadMyId } from './my-id';
import { parseProperties, type PropertyEntry } from './properties';
import { checkQuorumShape, isQuorumKey, parseQuorumSection, type QuorumSection } from './quorum-servers';
import {
  defaultServerConfig,
  effectiveMaxSessionTimeout,
  effectiveMinSessionTimeout,
  type ServerConfig,
} from './server-config';
import { bareKey, handlerFor, IGNORED_ZOOKEEPER_KEYS, RAW_PROPERTY_KEYS } from './zoo-cfg-keys';

export { ConfigError } from './config-error';
export { loadMyId } from './my-id';

/** A parsed configuration and what the operator should be told about it. */
export interface ZooCfgResult {
  config: ServerConfig;
  /** Non-fatal findings (unknown keys, values raised to a minimum …), one line each. */
  warnings: string[];
}

export interface ZooCfgOptions {
  /** Where the entries came from, for messages; also recorded as config.configFile. */
  file?: string;
  /**
   * ZooKeeper refuses to start without dataDir. zoolab allows it only when asked (the
   * `zoolab server` command with no zoo.cfg runs in memory).
   */
  requireDataDir?: boolean;
  /** Reads the dynamic configuration file (tests substitute it). */
  readFile?: (path: string) => string;
  /** Reads myid (tests substitute it). */
  loadMyId?: (dataDir: string) => number | null;
}

/** Reads and parses a zoo.cfg file, its dynamic file and myid. */
export function loadZooCfg(path: string, overrides: PropertyEntry[] = [], opts: ZooCfgOptions = {}): ZooCfgResult {
  const text = readText(path, 'the configuration file');
  return configFromProperties(mergeEntries(parseProperties(text, path), overrides), { ...opts, file: path });
}

/** Parses zoo.cfg text (see parseProperties for the syntax). */
export function parseZooCfg(text: string, opts: ZooCfgOptions = {}): ZooCfgResult {
  return configFromProperties(parseProperties(text, opts.file), opts);
}

/** Entries with later ones replacing earlier ones of the same key (flags over the file). */
export function mergeEntries(base: PropertyEntry[], overrides: PropertyEntry[]): PropertyEntry[] {
  const byKey = new Map(base.map((e) => [e.key, { ...e }]));
  for (const o of overrides) byKey.set(o.key, { ...o });
  return [...byKey.values()];
}

/**
 * The heart of QuorumPeerConfig.parseProperties + setupQuorumPeerConfig: every key into
 * its typed field, then the cross-key checks, the dynamic file, myid and the client
 * address of this server. Keys (trimmed, as ZooKeeper trims keys and values) that zoolab
 * does not interpret are kept in `raw`, with a warning, where ZooKeeper would set them as
 * `zookeeper.<key>` system properties.
 */
export function configFromProperties(input: PropertyEntry[], opts: ZooCfgOptions = {}): ZooCfgResult {
  const file = opts.file;
  const warnings: string[] = [];
  const warn = (m: string): void => void warnings.push(m);
  const cfg = defaultServerConfig();
  cfg.configFile = file ?? null;
  const entries = input.map((e) => ({ ...e, key: e.key.trim(), value: e.value.trim() }));
  const given = new Set(entries.map((e) => e.key));
  const hasDynamicFile = given.has('dynamicConfigFile');

  for (const { key, value } of entries) {
    cfg.raw.set(key, value);
    if (isQuorumKey(key) || key === 'version') {
      if (hasDynamicFile && key !== 'version') {
        throw new ConfigError(`${key} must be in the dynamic config file, not beside dynamicConfigFile`, key, value, file);
      }
      continue; // read below as one section
    }
    const handler = handlerFor(key);
    if (handler) handler(cfg, value, key, { file, warn });
    else if (RAW_PROPERTY_KEYS.has(bareKey(key))) continue;
    else if (IGNORED_ZOOKEEPER_KEYS.has(key) || key.startsWith('metricsProvider.')) warn(`${key} is a ZooKeeper setting zoolab does not use; ignored`);
    else warn(`unknown key ${key}=${value}: kept as is (ZooKeeper would set system property zookeeper.${key})`);
  }

  if (cfg.dataDir === null && opts.requireDataDir !== false) {
    throw new ConfigError('dataDir is not set (it is required, as in ZooKeeper)', 'dataDir', undefined, file);
  }
  if (cfg.dataLogDir === null) cfg.dataLogDir = cfg.dataDir;
  const min = effectiveMinSessionTimeout(cfg);
  const max = effectiveMaxSessionTimeout(cfg);
  if (min > max) {
    throw new ConfigError(
      `minSessionTimeout (${min}) must not be larger than maxSessionTimeout (${max})`,
      given.has('minSessionTimeout') ? 'minSessionTimeout' : 'maxSessionTimeout',
      String(given.has('minSessionTimeout') ? min : max),
      file,
    );
  }

  const section = cfg.dynamicConfigFile ? readDynamicFile(cfg, opts, warnings) : parseQuorumSection(entries, file);
  checkQuorumShape(section, cfg.standaloneEnabled, warn, cfg.dynamicConfigFile ?? file);
  cfg.servers = section.servers;
  cfg.weights = section.weights;
  cfg.groups = section.groups;
  cfg.quorumConfigVersion = section.version;
  if (section.servers.length > 0) setupEnsemble(cfg, given, opts, warn);
  return { config: cfg, warnings };
}

/** True when the configuration describes an ensemble member (QuorumPeerConfig.isDistributed). */
export function isDistributed(cfg: ServerConfig): boolean {
  const voters = cfg.servers.filter((s) => s.type === 'participant').length;
  return cfg.servers.length > 0 && (!cfg.standaloneEnabled || voters > 1);
}

/**
 * The dynamic file holds only server.N, group.N and weight.N; its version comes from the
 * file name's hex suffix (zoo.cfg.dynamic.100000000), never from inside.
 */
function readDynamicFile(cfg: ServerConfig, opts: ZooCfgOptions, warnings: string[]): QuorumSection {
  const path = cfg.dynamicConfigFile as string;
  const text = opts.readFile ? opts.readFile(path) : readText(path, 'the dynamic config file (dynamicConfigFile)');
  const entries = parseProperties(text, path).map((e) => ({ ...e, key: e.key.trim(), value: e.value.trim() }));
  for (const { key, value } of entries) {
    if (key === 'version') throw new ConfigError("the dynamic file must not hold 'version' (it comes from the file name)", key, value, path);
    if (!isQuorumKey(key)) throw new ConfigError(`${key} does not belong in a dynamic config file (only server.N, group.N, weight.N)`, key, value, path);
    cfg.raw.set(key, value);
  }
  const version = versionFromFilename(path);
  if (version === null) warnings.push(`dynamic file ${basename(path)} has no hex version suffix; version 0`);
  const section = parseQuorumSection(entries, path);
  section.version = version ?? 0n;
  return section;
}

/** QuorumPeerConfig.getVersionFromFilename: the hex after the last dot, if it is hex. */
export function versionFromFilename(path: string): bigint | null {
  const dot = path.lastIndexOf('.');
  const suffix = dot < 0 ? '' : path.slice(dot + 1);
  return /^[0-9a-fA-F]+$/.test(suffix) ? BigInt(`0x${suffix}`) : null;
}

/** myid, the limits an ensemble needs, this server's client address and its role. */
function setupEnsemble(cfg: ServerConfig, given: Set<string>, opts: ZooCfgOptions, warn: (m: string) => void): void {
  const file = opts.file;
  const distributed = isDistributed(cfg);
  const myIdPath = cfg.dataDir ? join(cfg.dataDir, 'myid') : '<dataDir>/myid';
  const myId = cfg.dataDir ? (opts.loadMyId ?? loadMyId)(cfg.dataDir) : null;
  if (!distributed) return; // one participant and standaloneEnabled: ZooKeeper runs standalone
  for (const key of ['initLimit', 'syncLimit'] as const) {
    if (!given.has(key)) throw new ConfigError(`${key} is not set (an ensemble needs it)`, key, undefined, file);
  }
  if (myId === null) {
    throw new ConfigError(`myid file is missing: ${myIdPath} must hold this server's id (an ensemble member needs it)`, 'myid', undefined, myIdPath);
  }
  const me = cfg.servers.find((s) => s.id === myId);
  if (!me) {
    const listed = cfg.servers.map((s) => `server.${s.id}`).join(', ');
    throw new ConfigError(`myid: ${myId} is not among the servers listed (${listed})`, 'myid', String(myId), myIdPath);
  }
  if (myId > 254) throw new ConfigError(`myid: ${myId} is out of range (0-254: it is the top byte of session ids)`, 'myid', String(myId), myIdPath);
  cfg.serverId = myId;

  if (me.clientPort !== undefined) {
    const staticPort = given.has('clientPort') ? cfg.clientPort : null;
    const staticHost = given.has('clientPortAddress') ? cfg.clientPortAddress : null;
    const wildcard = staticHost === null || staticHost === '0.0.0.0' || staticHost === '::';
    const clash = (staticPort !== null && staticPort !== me.clientPort) || (!wildcard && staticHost !== me.clientHost);
    if (clash) {
      throw new ConfigError(
        `client address for this server (id = ${myId}) is ${staticHost ?? '0.0.0.0'}:${staticPort ?? cfg.clientPort} in the static config ` +
          `but ${me.clientHost}:${me.clientPort} in server.${myId}`,
        'clientPort',
        String(staticPort),
        file,
      );
    }
    cfg.clientPort = me.clientPort;
    cfg.clientPortAddress = me.clientHost ?? '0.0.0.0';
  }
  if (me.type !== cfg.peerType) {
    warn(`peerType ${cfg.peerType} does not match server.${myId} (${me.type}); using the servers list`);
    cfg.peerType = me.type;
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${what} ${path}: ${(err as Error).message}`, undefined, undefined, path);
  }
}
