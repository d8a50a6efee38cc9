import { ConfigError } from './config-error';
import type { PropertyEntry } from './properties';
import type { QuorumServerSpec } from './server-config';
import { parseLongValue, parsePort } from './values';

/** The ensemble part of a configuration: what QuorumMaj / QuorumHierarchical read. */
export interface QuorumSection {
  servers: QuorumServerSpec[];
  weights: Map<number, number>;
  groups: Map<number, number[]>;
  /** The `version` key of a dynamic file (hex), 0 when absent. */
  version: bigint;
  hierarchical: boolean;
}

const WRONG_FORMAT =
  'does not have the form server_config or server_config;client_config where server_config is ' +
  'host:port:port or host:port:port:type and client_config is port or host:port';

/** True for the keys that belong to the quorum section (the dynamic file's keys). */
export function isQuorumKey(key: string): boolean {
  return key.startsWith('server.') || key.startsWith('group') || key.startsWith('weight');
}

/**
 * ConfigUtils.getHostAndPort: `host:port[:…]`, or `[ipv6]:port[:…]` with the address in
 * brackets (returned without them).
 */
export function splitHostAndPort(s: string, key: string, file?: string): string[] {
  if (!s.startsWith('[')) return s.split(':');
  const close = s.indexOf(']');
  if (close < 0) throw ConfigError.badValue(key, s, "starts with '[' but has no matching ']'", file);
  if (close + 1 === s.length) return [s.slice(1, close)];
  if (s[close + 1] !== ':' || close + 2 === s.length) {
    throw ConfigError.badValue(key, s, "has no ':port' after the bracketed address", file);
  }
  return [s.slice(1, close), ...s.slice(close + 2).split(':')];
}

function idOf(key: string, prefix: string, file?: string): number {
  const dot = key.indexOf('.');
  const text = dot < 0 ? '' : key.slice(dot + 1);
  if (dot < 0 || !/^\d+$/.test(text)) {
    throw new ConfigError(`${key}: "${text}" is not a valid ${prefix} id (write ${prefix}.N)`, key, undefined, file);
  }
  return parseLongValue(key, text, file);
}

/**
 * One server.N value (QuorumPeer.QuorumServer): `host:quorumPort:electionPort[:type]`
 * optionally followed by `;[clientHost:]clientPort`. Multiple `|`-separated addresses
 * need multiAddress.enabled in ZooKeeper and are not supported here.
 */
export function parseServerLine(key: string, value: string, file?: string): QuorumServerSpec {
  const id = idOf(key, 'server', file);
  const parts = value.split(';');
  if (parts.length > 2) throw ConfigError.badValue(key, value, WRONG_FORMAT, file);
  if (parts[0].includes('|')) {
    throw ConfigError.badValue(key, value, 'lists several addresses; multiple addresses per server are not supported', file);
  }
  const sp = splitHostAndPort(parts[0].trim(), key, file);
  if (sp.length < 3 || sp.length > 4 || sp[0] === '') throw ConfigError.badValue(key, value, WRONG_FORMAT, file);
  const spec: QuorumServerSpec = {
    id,
    host: sp[0],
    quorumPort: parsePort(`${key} quorum port`, sp[1], { file }),
    electionPort: parsePort(`${key} election port`, sp[2], { file }),
    type: 'participant',
  };
  if (spec.quorumPort === spec.electionPort) {
    throw ConfigError.badValue(key, value, 'uses the same port for quorum and election; they must differ', file);
  }
  if (sp.length === 4) spec.type = parseLearnerType(key, sp[3], file);
  if (parts.length === 2) {
    const cp = splitHostAndPort(parts[1].trim(), key, file);
    if (cp.length > 2 || cp[cp.length - 1] === '') throw ConfigError.badValue(key, value, WRONG_FORMAT, file);
    spec.clientHost = cp.length === 2 ? cp[0] : '0.0.0.0';
    spec.clientPort = parsePort(`${key} client port`, cp[cp.length - 1], { file });
  }
  return spec;
}

export function parseLearnerType(key: string, value: string, file?: string): 'participant' | 'observer' {
  const t = value.trim().toLowerCase();
  if (t === 'participant' || t === 'observer') return t;
  throw ConfigError.badValue(key, value, "is not a peer type (choose 'participant' or 'observer')", file);
}

/**
 * Reads server.N, group.N, weight.N and version from a configuration's entries, and
 * checks what QuorumHierarchical checks: a server in one group only, every participant in
 * a group once groups are used, and weights default to 1.
 */
export function parseQuorumSection(entries: PropertyEntry[], file?: string): QuorumSection {
  const section: QuorumSection = { servers: [], weights: new Map(), groups: new Map(), version: 0n, hierarchical: false };
  const groupOf = new Map<number, number>();
  for (const { key, value } of entries) {
    if (key.startsWith('server.')) {
      const s = parseServerLine(key, value, file);
      if (section.servers.some((o) => o.id === s.id)) {
        throw new ConfigError(`${key}: server id ${s.id} is listed twice`, key, value, file);
      }
      section.servers.push(s);
    } else if (key.startsWith('group')) {
      section.hierarchical = true;
      const gid = idOf(key, 'group', file);
      const members = value.split(':').map((m) => parseLongValue(key, m.trim(), file));
      for (const sid of members) {
        if (groupOf.has(sid)) {
          throw ConfigError.badValue(key, value, `puts server ${sid} in a second group (it is in group.${groupOf.get(sid)})`, file);
        }
        groupOf.set(sid, gid);
      }
      section.groups.set(gid, members);
    } else if (key.startsWith('weight')) {
      section.hierarchical = true;
      const sid = idOf(key, 'weight', file);
      const w = parseLongValue(key, value, file);
      if (w < 0) throw ConfigError.badValue(key, value, 'must not be negative', file);
      section.weights.set(sid, w);
    } else if (key === 'version') {
      if (!/^[0-9a-fA-F]+$/.test(value)) throw ConfigError.badValue(key, value, 'is not a hexadecimal version', file);
      section.version = BigInt(`0x${value}`);
    }
  }
  section.servers.sort((a, b) => a.id - b.id);
  if (section.hierarchical) {
    for (const s of section.servers) {
      if (s.type !== 'participant') continue;
      if (!groupOf.has(s.id)) {
        throw new ConfigError(`server.${s.id} is not in any group.N (every participant must be once groups are used)`, `server.${s.id}`, undefined, file);
      }
      if (!section.weights.has(s.id)) section.weights.set(s.id, 1);
    }
  }
  return section;
}

/** QuorumPeerConfig.parseDynamicConfig's checks on the number of voters and observers. */
export function checkQuorumShape(section: QuorumSection, standaloneEnabled: boolean, warn: (m: string) => void, file?: string): void {
  const voters = section.servers.filter((s) => s.type === 'participant').length;
  const observers = section.servers.length - voters;
  if (voters === 0) {
    if (!standaloneEnabled) {
      throw new ConfigError('standaloneEnabled=false needs at least one participant server.N', 'standaloneEnabled', 'false', file);
    }
    if (observers > 0) throw new ConfigError('observers without participants is an invalid configuration', undefined, undefined, file);
  } else if (voters === 1 && standaloneEnabled) {
    if (observers > 0) throw new ConfigError('observers without a quorum is an invalid configuration', undefined, undefined, file);
    warn('only one server specified: running standalone (set standaloneEnabled=false to run a one-server ensemble)');
  } else if (voters <= 2) {
    warn('no server failure will be tolerated: you need at least 3 servers');
  } else if (voters % 2 === 0) {
    warn('non-optimal configuration: consider an odd number of servers');
  }
}
