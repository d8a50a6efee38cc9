import { fourLetterWord } from './targets/process-util';

/**
 * The work a server did in a measured window besides answering requests, from its `mntr`
 * counters (both servers keep them under ZooKeeper 3.8's names): the snapshots it wrote and
 * the group commits of its txn log. A write row is only read right with them at hand — on a
 * big tree one server may spend a third of the window writing snapshots while the other
 * wrote fewer. All members of an ensemble are added up, as for the CPU column.
 */
export interface ServerWork {
  /** Snapshots finished in the window (zk_cnt_snapshottime). */
  snapshots: number;
  /** Their time, ms (zk_sum_snapshottime). */
  snapshotMs: number;
  /** Txn-log syncs (group commits) in the window (zk_cnt_fsynctime). */
  commits: number;
  /**
   * Their time, ms (zk_sum_fsynctime). Not comparable between the two: ZooKeeper times the
   * fsync of a batch it has already written, zoolab a whole commit (its O_DSYNC write) until
   * the event loop sees it done, so it also holds the loop's latency. Kept in the JSON only.
   */
  fsyncMs: number;
  /** Servers added up (an ensemble's members): each logs every txn. */
  members: number;
}

type Counter = Exclude<keyof ServerWork, 'members'>;

/** The counters a ServerWork is the difference of. */
const KEYS = {
  snapshots: 'zk_cnt_snapshottime',
  snapshotMs: 'zk_sum_snapshottime',
  commits: 'zk_cnt_fsynctime',
  fsyncMs: 'zk_sum_fsynctime',
} as const satisfies Record<Counter, string>;
const COUNTERS = Object.keys(KEYS) as Counter[];

/** The numeric lines of an `mntr` answer ("key<TAB>value"). */
export function parseMntr(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const v = Number(line.slice(tab + 1).trim());
    if (Number.isFinite(v)) out.set(line.slice(0, tab), v);
  }
  return out;
}

/** The counters in one server's `mntr` answer, or null when any is missing. */
export function workCounters(mntr: Map<string, number>): ServerWork | null {
  const w: ServerWork = { snapshots: 0, snapshotMs: 0, commits: 0, fsyncMs: 0, members: 1 };
  for (const c of COUNTERS) {
    const v = mntr.get(KEYS[c]);
    if (v === undefined) return null;
    w[c] = v;
  }
  return w;
}

/** What happened between two readings; null when either is missing or a counter went back (a restart). */
export function workBetween(before: ServerWork | null, after: ServerWork | null): ServerWork | null {
  if (before === null || after === null || before.members !== after.members) return null;
  const d: ServerWork = { ...after };
  for (const c of COUNTERS) {
    d[c] = after[c] - before[c];
    if (d[c] < 0) return null;
  }
  return d;
}

/** The counters of `parts` added up, as the readings of `members` servers. */
function addUp(parts: readonly ServerWork[], members: number): ServerWork {
  const s: ServerWork = { snapshots: 0, snapshotMs: 0, commits: 0, fsyncMs: 0, members };
  for (const p of parts) for (const c of COUNTERS) s[c] += p[c];
  return s;
}

/** The servers of one target (an ensemble's members) added up; null if any is null. */
export function sumMembers(parts: ReadonlyArray<ServerWork | null>): ServerWork | null {
  if (parts.length === 0 || parts.some((p) => p === null)) return null;
  const all = parts as ServerWork[];
  return addUp(all, all.reduce((n, p) => n + p.members, 0));
}

/** The rounds of one row (the same servers each time) added up; null if any is unknown. */
export function sumRounds(parts: ReadonlyArray<ServerWork | null | undefined>): ServerWork | null {
  if (parts.length === 0 || parts.some((p) => p === null || p === undefined)) return null;
  const all = parts as ServerWork[];
  return all.some((p) => p.members !== all[0].members) ? null : addUp(all, all[0].members);
}

/**
 * Reads the counters of every address (an ensemble's members, or the one server). A server
 * that does not answer `mntr` (not whitelisted, gone) makes the reading null: a partial sum
 * would look like less work.
 */
export async function readServerWork(addresses: ReadonlyArray<{ host: string; port: number }>, timeoutMs = 2000): Promise<ServerWork | null> {
  try {
    const answers = await Promise.all(addresses.map((a) => fourLetterWord(a.host, a.port, 'mntr', timeoutMs)));
    return sumMembers(answers.map((t) => workCounters(parseMntr(t))));
  } catch {
    return null;
  }
}

/** "2 · 3.1 s" for the run table; "—" when unknown. */
export function fmtSnapshots(w: ServerWork | null | undefined): string {
  if (!w) return '—';
  return w.snapshots === 0 ? '0' : `${w.snapshots} · ${(w.snapshotMs / 1000).toFixed(1)} s`;
}

/**
 * Write requests per txn-log sync on each server (the mean group commit): every member of
 * an ensemble logs every txn. "—" when unknown or nothing was synced.
 */
export function fmtOpsPerSync(writes: number, w: ServerWork | null | undefined): string {
  if (!w || w.commits === 0 || writes === 0) return '—';
  const n = (writes * w.members) / w.commits;
  return n >= 10 ? n.toFixed(0) : n.toFixed(1);
}
