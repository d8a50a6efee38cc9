import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from './transcript';

/** One entry per line, keys in a fixed order, so transcripts diff line by line. */
export function transcriptLines(entries: Entry[]): string[] {
  return entries.map((e) => JSON.stringify(e));
}

/**
 * Writes a transcript where a human can open it (one file per name, replaced by the next
 * run, so runs do not pile up in /tmp); returns the path.
 */
export function saveTranscript(name: string, entries: Entry[]): string {
  const dir = join(tmpdir(), 'zoolab-transcripts');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, transcriptLines(entries).join('\n') + '\n');
  return file;
}

/**
 * A unified-style diff of two line lists (longest common subsequence; transcripts are a
 * few hundred lines, so the quadratic table is fine). Returns '' when they are equal.
 */
export function diffLines(expected: string[], actual: string[], context = 3, labels = ['zookeeper', 'zoolab']): string {
  const n = expected.length;
  const m = actual.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = expected[i] === actual[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: { t: ' ' | '-' | '+'; line: string; at: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) ops.push({ t: ' ', line: expected[i++], at: j++ });
    else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) ops.push({ t: '+', line: actual[j], at: j++ });
    else ops.push({ t: '-', line: expected[i], at: i++ });
  }
  if (ops.every((o) => o.t === ' ')) return '';
  const keep = new Set<number>();
  ops.forEach((o, k) => {
    if (o.t === ' ') return;
    for (let d = -context; d <= context; d++) keep.add(k + d);
  });
  const out = [`--- ${labels[0]} (expected)`, `+++ ${labels[1]} (actual)`];
  let last = -1;
  ops.forEach((o, k) => {
    if (!keep.has(k)) return;
    if (last !== -1 && k !== last + 1) out.push('@@ …');
    out.push(`${o.t} ${o.line}`);
    last = k;
  });
  const changed = ops.filter((o) => o.t !== ' ').length;
  out.push(`(${changed} differing lines)`);
  return out.join('\n');
}
