/**
 * Durability benchmark: what fsync-on writes cost, against the disk and against Apache
 * ZooKeeper on the same machine in the same run, and how long a restart of a 1M-znode
 * database takes.
 *
 *   npm run bench:durability          (builds, then runs this)
 *   node --max-old-space-size=8192 dist/benchmarks/durability.bench.js
 *        [--seconds 15] [--warmup 10] [--sessions 16] [--window 16] [--data 1024]
 *        [--znodes 1000000] [--log-txns 100000] [--snap-count 100000] [--tick-time 2000]
 *        [--no-java] [--no-restore] [--json]
 *
 * 1. The disk: 1 KiB writes + fdatasync (what the log does per commit) in a loop.
 * 2. Writes/s: zoolab (the built binary) and Java ZooKeeper 3.8 (Debian), each in turn on
 *    a fresh data dir with the same tickTime, forceSync=yes and snapCount; N sessions,
 *    each with W pipelined writes in flight (creates of new 1 KiB nodes and setData of
 *    1 KiB, alternately), a warm-up (the JVM's JIT needs ~10 s), then a measured window.
 *    Writes/s ÷ fsyncs/s is how many txns share a sync (group commit).
 * 3. Restore: a data dir with a snapshot of N znodes and a log of M txns after it, made
 *    through the storage APIs; the time from spawning each server to `srvr` answering.
 *    Java takes ZooKeeperServer.loadData's snapshot before it serves; zoolab writes it
 *    while serving when the restore dropped no session (README, design notes).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWriteLoad, type LoadResult } from './durability-load';
import { buildDataDir, measureFsyncRate } from './durability-disk';
import { cpuSeconds, javaMissing, startJava, startZoolab, type BenchServer, type ServerSettings } from './durability-servers';

const ROOT = join(__dirname, '..', '..');

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const opts = {
  seconds: arg('seconds', 15),
  warmup: arg('warmup', 10),
  sessions: arg('sessions', 16),
  window: arg('window', 16),
  data: arg('data', 1024),
  znodes: arg('znodes', 1_000_000),
  logTxns: arg('log-txns', 100_000),
  snapCount: arg('snap-count', 100_000),
  tickTime: arg('tick-time', 2000),
  java: !flag('no-java'),
  restore: !flag('no-restore'),
  json: flag('json'),
};

const say = (s: string) => process.stderr.write(`${s}\n`);
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-');

/** Which restore / snapshot lines a server logged, for the breakdown. */
function restoreBreakdown(server: BenchServer): string {
  const out = server.output();
  if (server.name === 'zoolab') {
    // pino lines: the process's first line, "restored database", "Snapshot taken in N ms".
    const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { time: number; msg: string; txns?: number });
    const first = lines[0];
    const restored = lines.find((l) => l.msg === 'restored database');
    const snap = lines.find((l) => /^Snapshot taken in/.test(l.msg) && restored && l.time >= restored.time);
    const listening = lines.find((l) => l.msg === 'listening for client connections');
    const parts: string[] = [];
    if (first && restored) parts.push(`restore ${restored.time - first.time} ms (${fmt(restored.txns ?? 0)} txns replayed)`);
    if (snap && listening && snap.time < listening.time) parts.push(`start-up snapshot ${/(\d+) ms/.exec(snap.msg)![1]} ms`);
    else parts.push('start-up snapshot written while serving');
    return parts.join(', ');
  }
  const snap = /Snapshot taken in (\d+) ms/.exec(out);
  const load = /Snapshot loaded in (\d+) ms/.exec(out);
  return [load ? `snapshot load ${load[1]} ms` : '', snap ? `start-up snapshot ${snap[1]} ms` : ''].filter(Boolean).join(', ');
}

interface WriteRun extends LoadResult {
  server: string;
  cpuPerSec: number;
}

async function writeRun(work: string, which: 'zoolab' | 'java'): Promise<WriteRun> {
  const dataDir = join(work, `${which}-writes`);
  mkdirSync(dataDir, { recursive: true });
  const s: ServerSettings = { dataDir, tickTime: opts.tickTime, snapCount: opts.snapCount, forceSync: true };
  const { server } = which === 'zoolab' ? await startZoolab(ROOT, s) : await startJava(work, s);
  try {
    say(`${which}: ${opts.sessions} sessions × ${opts.window} in flight, ${opts.data} B writes: ${opts.warmup} s warm-up, ${opts.seconds} s measured …`);
    const cpuAt = { start: 0, end: 0 };
    const timer = setTimeout(() => (cpuAt.start = cpuSeconds(server.pid)), opts.warmup * 1000);
    const r = await runWriteLoad({
      host: '127.0.0.1',
      port: server.port,
      sessions: opts.sessions,
      window: opts.window,
      dataBytes: opts.data,
      warmupMs: opts.warmup * 1000,
      measureMs: opts.seconds * 1000,
      prefix: '/bench',
    });
    clearTimeout(timer);
    cpuAt.end = cpuSeconds(server.pid);
    return { ...r, server: which, cpuPerSec: (cpuAt.end - cpuAt.start) / r.seconds };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface RestoreRun {
  server: string;
  startMs: number;
  detail: string;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'zoolab-bench-durability-'));
  const missingJava = opts.java ? javaMissing() : 'skipped (--no-java)';
  const report: Record<string, unknown> = { opts, node: process.version, cpus: require('node:os').cpus().length };
  try {
    say('disk: 1 KiB writes + sync into a preallocated file …');
    const disk = measureFsyncRate(work, 3);
    report.disk = disk;

    const writes: WriteRun[] = [await writeRun(work, 'zoolab')];
    if (!missingJava) writes.push(await writeRun(work, 'java'));
    report.writes = writes;

    const restores: RestoreRun[] = [];
    if (opts.restore) {
      say(`restore: building a data dir of ${fmt(opts.znodes)} znodes + ${fmt(opts.logTxns)} logged txns …`);
      const built = join(work, 'restore-zoolab');
      const b = await buildDataDir(built, opts.znodes, opts.logTxns, 32);
      report.restoreDataDir = { ...b, snapshotZxid: `0x${b.snapshotZxid.toString(16)}`, lastZxid: `0x${b.lastZxid.toString(16)}` };
      say(`  built in ${fmt(b.buildMs / 1000, 1)} s: snapshot ${fmt(b.snapshotBytes / 1e6, 1)} MB`);
      const forJava = join(work, 'restore-java');
      if (!missingJava) cpSync(built, forJava, { recursive: true });
      (global as { gc?: () => void }).gc?.();
      const s: ServerSettings = { dataDir: built, tickTime: opts.tickTime, snapCount: opts.snapCount, forceSync: true };
      say('  zoolab start …');
      const z = await startZoolab(ROOT, s);
      restores.push({ server: 'zoolab', startMs: z.startMs, detail: restoreBreakdown(z.server) });
      await z.server.stop();
      if (!missingJava) {
        say('  java start …');
        const j = await startJava(work, { ...s, dataDir: forJava }, '6g');
        restores.push({ server: 'java', startMs: j.startMs, detail: restoreBreakdown(j.server) });
        await j.server.stop();
      }
      report.restores = restores;
    }

    if (opts.json) {
      process.stdout.write(JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
      return;
    }
    const lines: string[] = [];
    lines.push(`Durability benchmark (node ${process.version}, ${report.cpus} CPUs; tickTime ${opts.tickTime}, snapCount ${opts.snapCount}, forceSync=yes)`);
    lines.push('');
    lines.push(`disk: ${fmt(disk.fdatasyncPerSec)} fdatasync/s, ${fmt(disk.fsyncPerSec)} fsync/s (1 KiB append + sync)`);
    lines.push('');
    lines.push(`writes: ${opts.sessions} sessions × ${opts.window} pipelined, ${opts.data} B create/setData, ${opts.seconds} s after ${opts.warmup} s warm-up`);
    lines.push('| server | writes/s | × disk sync rate | p50 ms | p99 ms | server CPU (cores) | errors |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const w of writes) {
      lines.push(`| ${w.server} | ${fmt(w.writesPerSec)} | ${fmt(w.writesPerSec / disk.fdatasyncPerSec, 1)} | ${fmt(w.p50Ms, 1)} | ${fmt(w.p99Ms, 1)} | ${fmt(w.cpuPerSec, 2)} | ${w.errors} |`);
    }
    if (missingJava) lines.push(`(Java ZooKeeper: ${missingJava})`);
    if (restores.length) {
      lines.push('');
      lines.push(`restore: ${fmt(opts.znodes)} znodes in a snapshot + ${fmt(opts.logTxns)} txns in the log; spawn → serving`);
      lines.push('| server | start to serving | breakdown |');
      lines.push('|---|---:|---|');
      for (const r of restores) lines.push(`| ${r.server} | ${fmt(r.startMs / 1000, 2)} s | ${r.detail} |`);
    }
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`durability bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
