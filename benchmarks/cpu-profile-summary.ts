import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went: per function,
 * self time (its own code) and total time (with what it called), each placed at its
 * TypeScript file:line through the build's source maps. Idle time is left out of the
 * percentages: they are shares of the time the server was busy.
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  function: string;
  /** file:line in the source (TypeScript when a source map says so), relative to root. */
  location: string;
  selfMs: number;
  selfPercent: number;
  totalPercent: number;
  /** For code outside the project (Node, V8): the project frame that most of its time came from. */
  via?: string;
}

export interface ProfileSummary {
  file: string;
  busyMs: number;
  idleMs: number;
  gcPercent: number;
  top: HotSpot[];
  /** Self time per source file, highest first. */
  byFile: Array<{ file: string; selfPercent: number }>;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

class Locator {
  private readonly maps = new Map<string, SourceMap | null>();
  constructor(private readonly root: string) {}

  locate(f: CallFrame): string {
    // No script: a V8 builtin or C++ binding (no line), or code made by new Function (a line).
    if (!f.url) return f.functionName.startsWith('(') ? '' : f.lineNumber >= 0 ? '(generated code)' : '(native)';
    if (!f.url.startsWith('file://')) return `${f.url}:${f.lineNumber + 1}`;
    const file = fileURLToPath(f.url);
    const map = this.mapOf(file);
    const entry = map?.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
    if (entry && entry.originalSource && entry.originalLine !== undefined) {
      const src = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
      return `${this.rel(src)}:${entry.originalLine + 1}`;
    }
    return `${this.rel(file)}:${f.lineNumber + 1}`;
  }

  private rel(file: string): string {
    const r = relative(this.root, file);
    return r.startsWith('..') ? file : r;
  }

  private mapOf(file: string): SourceMap | null {
    if (!this.maps.has(file)) {
      let map: SourceMap | null = null;
      try {
        if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      } catch {
        map = null;
      }
      this.maps.set(file, map);
    }
    return this.maps.get(file)!;
  }
}

export function summarizeCpuProfile(file: string, root: string, topN = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const locator = new Locator(root);
  const keyOf = new Map<number, string>();
  const labelOf = new Map<string, { fn: string; location: string }>();
  for (const n of profile.nodes) {
    const fn = n.callFrame.functionName || '(anonymous)';
    const location = locator.locate(n.callFrame);
    const key = `${fn}@${location}`;
    keyOf.set(n.id, key);
    if (!labelOf.has(key)) labelOf.set(key, { fn, location });
  }
  const viaOf = projectCallers(profile, byId, keyOf, labelOf, root);
  const idleMs = sumWhere(profile, self, byId, (fn) => fn === '(idle)');
  const gcMs = sumWhere(profile, self, byId, (fn) => fn === '(garbage collector)');
  let allMs = 0;
  for (const v of self.values()) allMs += v;
  const busyMs = Math.max(1e-9, allMs - idleMs);

  const selfByKey = new Map<string, number>();
  for (const [id, ms] of self) {
    const fn = byId.get(id)!.callFrame.functionName;
    if (fn === '(idle)') continue;
    const k = keyOf.get(id)!;
    selfByKey.set(k, (selfByKey.get(k) ?? 0) + ms);
  }
  const totalByKey = inclusiveTimes(profile, self, byId, keyOf);
  // Where the time of code outside the project came from: self time per (function, caller).
  const viaTime = new Map<string, Map<string, number>>();
  for (const [id, ms] of self) {
    const via = viaOf.get(id);
    if (!via) continue;
    const k = keyOf.get(id)!;
    const m = viaTime.get(k) ?? new Map<string, number>();
    m.set(via, (m.get(via) ?? 0) + ms);
    viaTime.set(k, m);
  }

  const top = [...selfByKey.entries()]
    .filter(([k]) => !SPECIAL.has(labelOf.get(k)!.fn) || labelOf.get(k)!.fn === '(garbage collector)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([k, ms]) => ({
      function: labelOf.get(k)!.fn,
      location: labelOf.get(k)!.location,
      selfMs: Math.round(ms),
      selfPercent: (100 * ms) / busyMs,
      totalPercent: (100 * (totalByKey.get(k) ?? ms)) / busyMs,
      via: viaTime.has(k) ? [...viaTime.get(k)!.entries()].sort((a, b) => b[1] - a[1])[0][0] : undefined,
    }));
  const files = new Map<string, number>();
  for (const [k, ms] of selfByKey) {
    const loc = labelOf.get(k)!.location;
    const f = loc === '' ? labelOf.get(k)!.fn : loc.replace(/:\d+$/, '');
    files.set(f, (files.get(f) ?? 0) + ms);
  }
  const byFile = [...files.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([f, ms]) => ({ file: f, selfPercent: (100 * ms) / busyMs }));
  return { file, busyMs: Math.round(busyMs), idleMs: Math.round(idleMs), gcPercent: (100 * gcMs) / busyMs, top, byFile };
}

function isProjectLocation(location: string): boolean {
  return /^(lib|plugins|benchmarks)\//.test(location);
}

/** For each node outside the project: the nearest project frame above it ("function (file:line)"). */
function projectCallers(
  p: CpuProfile,
  byId: Map<number, ProfileNode>,
  keyOf: Map<number, string>,
  labelOf: Map<string, { fn: string; location: string }>,
  root: string,
): Map<number, string> {
  void root;
  const via = new Map<number, string>();
  const stack: Array<{ id: number; nearest: string | null }> = [{ id: p.nodes[0].id, nearest: null }];
  while (stack.length) {
    const { id, nearest } = stack.pop()!;
    const label = labelOf.get(keyOf.get(id)!)!;
    const mine = isProjectLocation(label.location);
    if (!mine && nearest) via.set(id, nearest);
    const next = mine ? `${label.fn} (${label.location})` : nearest;
    for (const c of byId.get(id)!.children ?? []) stack.push({ id: c, nearest: next });
  }
  return via;
}

function sumWhere(p: CpuProfile, self: Map<number, number>, byId: Map<number, ProfileNode>, pred: (fn: string) => boolean): number {
  let s = 0;
  for (const [id, ms] of self) if (pred(byId.get(id)!.callFrame.functionName)) s += ms;
  void p;
  return s;
}

/** Total time per function key, counting a recursive function once per stack. */
function inclusiveTimes(
  p: CpuProfile,
  self: Map<number, number>,
  byId: Map<number, ProfileNode>,
  keyOf: Map<number, string>,
): Map<string, number> {
  const totals = new Map<string, number>();
  const root = p.nodes[0];
  // Iterative DFS: (node, keys on the stack above it).
  const subtree = new Map<number, number>();
  const order: number[] = [];
  const stack = [root.id];
  while (stack.length) {
    const id = stack.pop()!;
    order.push(id);
    for (const c of byId.get(id)!.children ?? []) stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i];
    let t = self.get(id) ?? 0;
    for (const c of byId.get(id)!.children ?? []) t += subtree.get(c) ?? 0;
    subtree.set(id, t);
  }
  const walk = [{ id: root.id, onStack: new Set<string>() }];
  while (walk.length) {
    const { id, onStack } = walk.pop()!;
    const key = keyOf.get(id)!;
    let next = onStack;
    if (!onStack.has(key)) {
      totals.set(key, (totals.get(key) ?? 0) + (subtree.get(id) ?? 0));
      next = new Set(onStack).add(key);
    }
    for (const c of byId.get(id)!.children ?? []) walk.push({ id: c, onStack: next });
  }
  return totals;
}

function where(location: string): string {
  if (location === '') return '(V8)';
  return location.startsWith('(') ? location : `(${location})`;
}

export function formatProfileSummary(s: ProfileSummary): string {
  const lines = [
    `CPU profile ${s.file}: busy ${s.busyMs} ms (idle ${s.idleMs} ms), GC ${s.gcPercent.toFixed(1)}% of busy time`,
    'self%   total%  function  (source)',
    ...s.top.map(
      (h) =>
        `${h.selfPercent.toFixed(1).padStart(5)}%  ${h.totalPercent.toFixed(1).padStart(5)}%  ${h.function}  ${where(h.location)}` +
        (h.via ? `  ← ${h.via}` : ''),
    ),
    'self time by file:',
    ...s.byFile.map((f) => `${f.selfPercent.toFixed(1).padStart(5)}%  ${f.file}`),
  ];
  return lines.join('\n');
}
