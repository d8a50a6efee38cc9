import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/free-port';
import { newestSource } from '../../support/newest-source';

export const ROOT = join(__dirname, '..', '..', '..');
export const BIN = join(ROOT, 'dist', 'plugins', 'cli.js');

const stale = () => !existsSync(BIN) || statSync(BIN).mtimeMs < Math.max(newestSource(join(ROOT, 'lib')), newestSource(join(ROOT, 'plugins')));

/**
 * The tests run the built binary; build it when it is missing or older than the sources.
 * Test files run in parallel workers: one builds while the others wait on a lock.
 */
export function ensureBuilt(): void {
  if (!stale()) return;
  const lock = join(tmpdir(), `zoolab-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  for (const deadline = Date.now() + 300_000; ; pause(200)) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for ${lock}: remove it if no build runs`);
      // A lock left by a crashed build is broken after 5 minutes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
    }
  }
  try {
    if (!stale()) return;
    // tsc emits even when files other helpers are writing do not type-check yet.
    spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'ignore' });
    if (!existsSync(BIN)) throw new Error(`building did not produce ${BIN}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until<T>(probe: () => T | Promise<T>, ms: number, what: string, diag: () => string = () => ''): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms${diag()}`);
    await sleep(100);
  }
}

/** A four-letter word's answer; '' when nothing answers. */
export function fourLetter(port: number, word: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const s = net.connect(port, '127.0.0.1', () => s.end(word));
    const t = setTimeout(() => s.destroy(), timeoutMs);
    s.on('data', (d) => (out += d));
    s.on('close', () => {
      clearTimeout(t);
      resolve(out);
    });
    s.on('error', () => undefined);
  });
}

export interface NodePorts {
  client: number;
  quorum: number;
  election: number;
}

interface RunningNode {
  proc: ChildProcess;
  exited: Promise<void>;
}

/**
 * A multi-process ensemble for tests: each server a `zoolab server zoo.cfg` child of the
 * built binary, on free loopback ports, with its own dataDir under one temp dir. Each
 * child has an IPC channel, so it exits if the test process dies; close() kills them
 * all and removes the directory.
 */
export class ProcessEnsemble {
  readonly dir = mkdtempSync(join(tmpdir(), 'zoolab-ensemble-tcp-'));
  readonly ports = new Map<number, NodePorts>();
  private readonly running = new Map<number, RunningNode>();

  private constructor(
    readonly ids: number[],
    private readonly settings: { tickTime: number; transport: 'tcp' | 'udp'; extra: string[] },
  ) {}

  static async create(opts: { nodes?: number; tickTime?: number; transport?: 'tcp' | 'udp'; extra?: string[] } = {}): Promise<ProcessEnsemble> {
    const ids = Array.from({ length: opts.nodes ?? 3 }, (_, i) => i + 1);
    const e = new ProcessEnsemble(ids, { tickTime: opts.tickTime ?? 200, transport: opts.transport ?? 'tcp', extra: opts.extra ?? [] });
    const taken = new Set<number>();
    const fresh = async () => {
      for (;;) {
        const p = await freePort();
        if (!taken.has(p)) return taken.add(p), p;
      }
    };
    for (const id of ids) e.ports.set(id, { client: await fresh(), quorum: await fresh(), election: await fresh() });
    return e;
  }

  private nodeDir(id: number): string {
    return join(this.dir, `server.${id}`);
  }

  logOf(id: number): string {
    const f = join(this.nodeDir(id), 'zoolab.log');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  }

  /** The last lines of every server's log at warn level or above, for a failure message. */
  diagnostics = (): string =>
    this.ids
      .map((id) => `\n--- server.${id} ---\n${this.logOf(id).split('\n').filter((l) => /"level":(40|50|60)/.test(l)).slice(-8).join('\n')}`)
      .join('');

  start(id: number): void {
    if (this.running.has(id)) throw new Error(`server.${id} is running`);
    const d = this.nodeDir(id);
    mkdirSync(d, { recursive: true });
    const p = this.ports.get(id)!;
    writeFileSync(join(d, 'myid'), `${id}\n`);
    const lines = [
      `tickTime=${this.settings.tickTime}`,
      'initLimit=10',
      'syncLimit=5',
      `dataDir=${d}`,
      `clientPort=${p.client}`,
      'clientPortAddress=127.0.0.1',
      '4lw.commands.whitelist=*',
      `zoolab.peerTransport=${this.settings.transport}`,
      ...this.settings.extra,
      ...this.ids.map((i) => `server.${i}=127.0.0.1:${this.ports.get(i)!.quorum}:${this.ports.get(i)!.election}`),
    ];
    writeFileSync(join(d, 'zoo.cfg'), `${lines.join('\n')}\n`);
    const log = openSync(join(d, 'zoolab.log'), 'a');
    const proc = spawn(process.execPath, [BIN, 'server', join(d, 'zoo.cfg'), '--log-level', 'info'], { cwd: ROOT, stdio: ['ignore', log, log, 'ipc'] });
    closeSync(log);
    proc.channel?.unref();
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    this.running.set(id, { proc, exited });
  }

  startAll(): void {
    for (const id of this.ids) this.start(id);
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  pid(id: number): number | undefined {
    return this.running.get(id)?.proc.pid;
  }

  /** Kills one server (SIGKILL by default) and waits until it is gone. */
  async kill(id: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const n = this.running.get(id);
    if (!n) return;
    this.running.delete(id);
    if (n.proc.exitCode === null && n.proc.signalCode === null) n.proc.kill(signal);
    await n.exited;
  }

  async mode(id: number): Promise<string> {
    if (!this.running.has(id)) return 'down';
    return /Mode: (\w+)/.exec(await fourLetter(this.ports.get(id)!.client, 'srvr'))?.[1] ?? 'none';
  }

  /** Waits until one running server leads and every other running one follows; returns the leader. */
  async waitForLeader(ms = 30_000): Promise<number> {
    return until(
      async () => {
        const up = this.ids.filter((id) => this.running.has(id));
        const modes = await Promise.all(up.map((id) => this.mode(id)));
        const leaders = up.filter((_, i) => modes[i] === 'leader');
        return leaders.length === 1 && modes.every((m) => m === 'leader' || m === 'follower') ? leaders[0] : 0;
      },
      ms,
      'a leader with every running server following',
      this.diagnostics,
    );
  }

  /** host:port of the given servers' client ports (default: all). */
  connectString(ids: number[] = this.ids): string {
    return ids.map((id) => `127.0.0.1:${this.ports.get(id)!.client}`).join(',');
  }

  async close(): Promise<void> {
    for (const id of [...this.running.keys()]) await this.kill(id);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A small deterministic PRNG (mulberry32) for seeded schedules. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
