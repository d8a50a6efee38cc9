import { fmtRatio } from './compare';
import { fmtMs, textTable } from './report-table';

/**
 * Election, failover and rejoin times: each measure repeated R times per side, summarized as
 * median / p90 / max, and compared median to median. Rows with a target (failover ≤ 0.5×
 * ZooKeeper's time) get MEET or MISS; the others are stated for information. A repeat
 * that failed is counted and named, never dropped silently.
 */
export const FAILOVER_TARGET = 0.5;

export type TimingMeasure =
  | 'election-leader'
  | 'election-write'
  | 'failover-leader'
  | 'failover-write'
  | 'failover-reconnect'
  | 'rejoin-sync'
  | 'rejoin-slowest-write';

export const TIMING_MEASURES: ReadonlyArray<{ measure: TimingMeasure; label: string; target: number | null }> = [
  { measure: 'election-leader', label: 'cold start: spawn → srvr shows Mode: leader', target: null },
  { measure: 'election-write', label: 'cold start: spawn → first create succeeds', target: null },
  { measure: 'failover-leader', label: 'failover: SIGKILL leader → new leader in srvr', target: FAILOVER_TARGET },
  { measure: 'failover-write', label: 'failover: SIGKILL leader → writes succeed again', target: FAILOVER_TARGET },
  { measure: 'failover-reconnect', label: 'failover: SIGKILL leader → every load session reconnected', target: null },
  { measure: 'rejoin-sync', label: 'rejoin: a follower without data, spawn → srvr shows Mode: follower', target: null },
  { measure: 'rejoin-slowest-write', label: 'rejoin: slowest write to the leader meanwhile', target: null },
];

/** One repeat's measures for one side (ms from spawn or kill), or why it failed. */
export interface TimingSample {
  side: 'zoolab' | 'zookeeper';
  repeat: number;
  values: Partial<Record<TimingMeasure, number | null>>;
  failure: string | null;
  /** What else is worth stating (who led, error replies seen during the outage …). */
  detail: string;
}

export interface TimingSummary {
  samples: number;
  failed: number;
  medianMs: number;
  p90Ms: number;
  maxMs: number;
  minMs: number;
}

export type TimingVerdict = 'MEET' | 'MISS' | 'NO DATA' | 'INFO';

export interface TimingRow {
  measure: TimingMeasure;
  label: string;
  zoolab: TimingSummary | null;
  zookeeper: TimingSummary | null;
  /** zoolab's median / ZooKeeper's median. */
  ratio: number | null;
  target: number | null;
  verdict: TimingVerdict;
  note: string;
}

/** Nearest-rank percentile of sorted values. */
function rank(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function summarizeTimes(values: number[], failed: number): TimingSummary | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    samples: s.length,
    failed,
    medianMs: s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2,
    p90Ms: rank(s, 0.9),
    maxMs: s[s.length - 1],
    minMs: s[0],
  };
}

function sideSummary(samples: TimingSample[], side: TimingSample['side'], m: TimingMeasure): { summary: TimingSummary | null; failed: number; tried: number } {
  const mine = samples.filter((x) => x.side === side && m in x.values);
  const ok = mine.map((x) => x.values[m]).filter((v): v is number => typeof v === 'number');
  return { summary: summarizeTimes(ok, mine.length - ok.length), failed: mine.length - ok.length, tried: mine.length };
}

export function timingRows(samples: TimingSample[]): TimingRow[] {
  return TIMING_MEASURES.filter((t) => samples.some((x) => t.measure in x.values)).map((t) => {
    const z = sideSummary(samples, 'zoolab', t.measure);
    const j = sideSummary(samples, 'zookeeper', t.measure);
    const row: TimingRow = { ...t, zoolab: z.summary, zookeeper: j.summary, ratio: null, verdict: 'NO DATA', note: '' };
    const notes: string[] = [];
    if (z.failed > 0) notes.push(`zoolab: ${z.failed} of ${z.tried} repeats gave no time`);
    if (j.failed > 0) notes.push(`ZooKeeper: ${j.failed} of ${j.tried} repeats gave no time`);
    if (!z.summary || !j.summary) {
      if (!z.summary) notes.push(z.tried === 0 ? 'zoolab was not run' : 'zoolab has no successful repeat');
      if (!j.summary) notes.push(j.tried === 0 ? 'ZooKeeper was not run' : 'ZooKeeper has no successful repeat');
      // zoolab never getting there while ZooKeeper does is the worst miss, not a lack of data.
      if (t.target !== null && !z.summary && z.tried > 0 && j.summary) row.verdict = 'MISS';
      row.note = notes.join('; ');
      return row;
    }
    row.ratio = j.summary.medianMs > 0 ? z.summary.medianMs / j.summary.medianMs : null;
    if (t.target === null) {
      row.verdict = 'INFO';
      notes.unshift('no target set for this measure');
    } else {
      // A side that sometimes never recovers has not met a time target, whatever its median.
      const met = row.ratio !== null && row.ratio <= t.target && z.failed === 0;
      row.verdict = met ? 'MEET' : 'MISS';
      if (row.ratio !== null && row.ratio > t.target) notes.unshift(`median ${fmtRatio(row.ratio)} > ${t.target}×`);
    }
    row.note = notes.join('; ');
    return row;
  });
}

const fmt = (s: TimingSummary | null, k: 'medianMs' | 'p90Ms' | 'maxMs'): string => (s ? fmtMs(s[k]) : '—');

export const TIMING_HEADERS = ['measure (ms)', 'zoolab med', 'p90', 'max', 'ZK med', 'p90', 'max', 'ratio', 'target', 'verdict'];
const TIMING_RIGHT = [false, true, true, true, true, true, true, true, true, false];

export function timingCells(r: TimingRow): string[] {
  return [
    r.label,
    fmt(r.zoolab, 'medianMs'),
    fmt(r.zoolab, 'p90Ms'),
    fmt(r.zoolab, 'maxMs'),
    fmt(r.zookeeper, 'medianMs'),
    fmt(r.zookeeper, 'p90Ms'),
    fmt(r.zookeeper, 'maxMs'),
    fmtRatio(r.ratio),
    r.target === null ? '—' : `≤ ${r.target}×`,
    r.verdict,
  ];
}

export function timingTable(rows: TimingRow[]): string {
  return textTable(TIMING_HEADERS, rows.map(timingCells), TIMING_RIGHT);
}

/** Every repeat, one line each, for the report's detail section. */
export function sampleLines(samples: TimingSample[]): string[] {
  return samples.map((s) => {
    const vals = TIMING_MEASURES.filter((t) => t.measure in s.values)
      .map((t) => `${t.measure} ${s.values[t.measure] === null || s.values[t.measure] === undefined ? '—' : fmtMs(s.values[t.measure]!)}`)
      .join(', ');
    return `${s.side} #${s.repeat}: ${vals}${s.failure ? ` — FAILED: ${s.failure}` : ''}${s.detail ? ` (${s.detail})` : ''}`;
  });
}
