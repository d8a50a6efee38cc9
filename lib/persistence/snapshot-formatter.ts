import type { StatPersisted } from '../jute/records/data';
import { CONTAINER_EPHEMERAL_OWNER } from '../data/ephemeral-type';
import { Quotas } from '../data/quotas';
import { StatsTrack } from '../data/stats-track';
import type { ParsedSnapshot } from './snapshot-format';
import { javaHashOrder, javaLongHash, javaStringHash } from './snapshot-java-order';

export interface SnapshotFormatOptions {
  /** The zxid in the file's name (-1 when the name has none), for the "Last zxid" line. */
  fileNameZxid: bigint;
  /** -d: each node's data in Base64 instead of its length. */
  dumpData?: boolean;
  /** -json: the ncdu JSON export instead of the text. */
  json?: boolean;
  /** IANA zone for ctime / mtime; defaults to the process's local zone, as Java does. */
  timeZone?: string;
  /** The JSON header's timestamp (ms); Java prints the current time. */
  now?: number;
}

interface TreeNode {
  path: string;
  stat: StatPersisted;
  data: Buffer | null;
  children: string[];
}

/**
 * SnapshotFormatter's output for a parsed snapshot, byte for byte: children and sessions
 * come in the order Java's HashSet / HashMap holds them after loading the file, dates as
 * java.util.Date.toString prints them.
 */
export function formatSnapshot(parsed: ParsedSnapshot, opts: SnapshotFormatOptions): string {
  const byPath = buildTree(parsed);
  return opts.json ? formatJson(byPath, opts) : formatText(parsed, byPath, opts);
}

function buildTree(parsed: ParsedSnapshot): Map<string, TreeNode> {
  const byPath = new Map<string, TreeNode>();
  for (const [path, node] of parsed.nodes) {
    const t: TreeNode = { path, stat: node.stat, data: node.data, children: [] };
    byPath.set(path, t);
    const slash = path.lastIndexOf('/');
    if (slash >= 0) byPath.get(path.substring(0, slash))?.children.push(path.substring(slash + 1));
  }
  // DataNode.addChild starts each child set as new HashSet<>(8).
  for (const t of byPath.values()) t.children = javaHashOrder(t.children, javaStringHash, 8);
  const root = byPath.get('');
  if (root) byPath.set('/', root);
  recountQuotas(byPath);
  return byPath;
}

/**
 * DataTree.setupQuota, which Java's formatter runs when it loads the file: every
 * zookeeper_stats node is rewritten from a recount of its subtree. A fuzzy snapshot can
 * hold a stats node older or newer than the nodes it counts, so the stored bytes are not
 * what Java prints.
 */
function recountQuotas(byPath: Map<string, TreeNode>): void {
  if (!byPath.has(Quotas.quotaZookeeper)) return;
  const limitSuffix = '/' + Quotas.limitNode;
  const stack: string[] = [Quotas.quotaZookeeper];
  while (stack.length > 0) {
    const path = stack.pop()!;
    const node = byPath.get(path);
    if (node === undefined) continue;
    if (node.children.length > 0) {
      for (const c of node.children) stack.push(`${path}/${c}`);
      continue;
    }
    if (!path.endsWith(limitSuffix)) continue;
    const realPath = path.substring(Quotas.quotaZookeeper.length, path.indexOf(limitSuffix));
    const statNode = byPath.get(Quotas.statPath(realPath));
    if (statNode === undefined) continue;
    const track = new StatsTrack();
    const counted = countSubtree(byPath, realPath);
    track.count = counted.count;
    track.bytes = counted.bytes;
    statNode.data = track.getStatsBytes();
  }
}

/** DataTree.getCounts: nodes and data bytes in a subtree ("" is the root). */
function countSubtree(byPath: Map<string, TreeNode>, path: string): { count: bigint; bytes: bigint } {
  let count = 0n;
  let bytes = 0n;
  const stack = [path];
  while (stack.length > 0) {
    const p = stack.pop()!;
    const n = byPath.get(p);
    if (n === undefined) continue;
    count++;
    bytes += BigInt(n.data === null ? 0 : n.data.length);
    for (const c of n.children) stack.push(`${p}/${c}`);
  }
  return { count, bytes };
}

function childPath(name: string, child: string): string {
  return name + (name === '/' ? '' : '/') + child;
}

function formatText(parsed: ParsedSnapshot, byPath: Map<string, TreeNode>, opts: SnapshotFormatOptions): string {
  const lines: string[] = [];
  // DataTree.getNodeCount: the loaded nodes plus the "/" alias of the root.
  lines.push(`ZNode Details (count=${parsed.nodes.length + (byPath.has('') ? 1 : 0)}):`);
  let dtZxid = 0n;
  const visit = (name: string): bigint => {
    lines.push('----');
    const n = byPath.get(name)!;
    lines.push(name);
    printStat(lines, n.stat, opts.timeZone);
    let zxid = n.stat.mzxid > n.stat.pzxid ? n.stat.mzxid : n.stat.pzxid;
    if (opts.dumpData) lines.push(`  data = ${n.data === null ? '' : n.data.toString('base64')}`);
    else lines.push(`  dataLength = ${n.data === null ? 0 : n.data.length}`);
    for (const child of n.children) {
      const c = visit(childPath(name, child));
      if (c > zxid) zxid = c;
    }
    return zxid;
  };
  if (byPath.has('/')) dtZxid = visit('/');
  lines.push('----');

  lines.push('Session Details (sid, timeout, ephemeralCount):');
  // SnapshotFormatter's sessions map is a plain HashMap filled in file order.
  const timeouts = new Map(parsed.sessions);
  const ephemeralCount = new Map<bigint, number>();
  for (const [path, node] of parsed.nodes) {
    const owner = node.stat.ephemeralOwner;
    if (path !== '' && owner !== 0n && owner !== CONTAINER_EPHEMERAL_OWNER) ephemeralCount.set(owner, (ephemeralCount.get(owner) ?? 0) + 1);
  }
  for (const sid of javaHashOrder(parsed.sessions.map(([id]) => id), javaLongHash, 16)) {
    lines.push(`${hexPadded(sid)}, ${timeouts.get(sid)}, ${ephemeralCount.get(sid) ?? 0}`);
  }
  const fileZxid = opts.fileNameZxid;
  lines.push('----');
  lines.push(`Last zxid: 0x${javaHex(fileZxid > dtZxid ? fileZxid : dtZxid)}`);
  return lines.join('\n') + '\n';
}

function printStat(lines: string[], s: StatPersisted, timeZone?: string): void {
  lines.push(`  cZxid = ${hexPadded(s.czxid)}`);
  lines.push(`  ctime = ${javaDateToString(Number(s.ctime), timeZone)}`);
  lines.push(`  mZxid = ${hexPadded(s.mzxid)}`);
  lines.push(`  mtime = ${javaDateToString(Number(s.mtime), timeZone)}`);
  lines.push(`  pZxid = ${hexPadded(s.pzxid)}`);
  lines.push(`  cversion = ${s.cversion}`);
  lines.push(`  dataVersion = ${s.version}`);
  lines.push(`  aclVersion = ${s.aversion}`);
  lines.push(`  ephemeralOwner = ${hexPadded(s.ephemeralOwner)}`);
}

/** Long.toHexString */
export function javaHex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}

/** String.format("%#016x", v): "0x" and zero padding to 16 characters in all. */
export function hexPadded(v: bigint): string {
  return '0x' + javaHex(v).padStart(14, '0');
}

/** java.util.Date.toString: "EEE MMM dd HH:mm:ss zzz yyyy", e.g. "Thu Jan 01 00:00:00 UTC 1970". */
export function javaDateToString(ms: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    year: 'numeric',
    timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('weekday')} ${p('month')} ${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${p('timeZoneName')} ${p('year')}`;
}

function formatJson(byPath: Map<string, TreeNode>, opts: SnapshotFormatOptions): string {
  let out = `[1,0,{"progname":"SnapshotFormatter.java","progver":"0.01","timestamp":${opts.now ?? 0}}`;
  let inode = 1000;
  const visit = (fullPath: string): void => {
    const n = byPath.get(fullPath);
    if (n === undefined) return;
    const name = fullPath === '/' ? fullPath : fullPath.substring(fullPath.lastIndexOf('/') + 1);
    const len = n.data === null ? 0 : n.data.length;
    const json = JSON.stringify(name);
    const node = `{"name":${json},"asize":${len},"dsize":${len},"dev":0,"ino":${++inode}}`;
    out += ',';
    if (n.children.length > 0) {
      out += '[' + node;
      for (const child of n.children) visit(childPath(fullPath, child));
      out += ']';
    } else {
      out += node;
    }
  };
  visit('/');
  return out + ']';
}
