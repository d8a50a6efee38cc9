import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fourLetterWord } from '../../support/four-letter';
import { freePort } from '../../support/free-port';
import { killGroup } from '../../support/run-process';
import { newestSource } from '../../support/newest-source';

export const ROOT = join(__dirname, '..', '..', '..');
export const BIN = join(ROOT, 'dist', 'plugins', 'cli.js');

const stale = () => !existsSync(BIN) || statSync(BIN).mtimeMs < Math.max(newestSource(join(ROOT, 'lib')), newestSource(join(ROOT, 'plugins')));
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds dist/ when the binary is missing or older than lib/ and plugins/ (as
 * test/cli/binary.test.ts does). Suites run in parallel workers: one builds under a lock
 * directory while the others wait for it, rather than three compilers writing dist/ at once.
 */
export function ensureBuilt(): void {
  if (!stale()) return;
  const lock = join(ROOT, 'dist', '.durability-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is taken over after two minutes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited too long for another build (${lock})`);
      sleepSync(200);
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

export interface ZoolabProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  port: number;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the server serves (its binding line, or `srvr` answers); rejects if it exits first. */
  serving(ms?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooked = false;

/** Every zoolab process this test file started and that is still running, SIGKILLed. */
export async function killAll(): Promise<void> {
  const waits: Array<Promise<unknown>> = [];
  for (const c of live) {
    waits.push(new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r))));
    killGroup(c.pid);
  }
  live.clear();
  await Promise.all(waits);
}

/**
 * Runs `zoolab server --port P <args>` in its own process group (so a SIGKILL reaches it
 * alone and nothing outlives the test).
 */
export async function spawnZoolab(args: string[], opts: { port?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ZoolabProcess> {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const c of live) killGroup(c.pid);
    });
  }
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, [BIN, 'server', '--port', String(port), '--host', '127.0.0.1', ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: opts.env ?? process.env,
  });
  live.add(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    pid: child.pid!,
    port,
    stderr: () => err,
    exited,
    async serving(ms = 20_000) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (err.includes('binding to port')) return;
        if (done) throw new Error(`zoolab exited before serving: ${err}`);
        // Quieter log levels print no binding line: `srvr` answers once it serves.
        try {
          if ((await fourLetterWord('127.0.0.1', port, 'srvr', 500)).includes('Zxid:')) return;
        } catch {
          /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`zoolab did not start serving within ${ms} ms: ${err}`);
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (!done) killGroup(child.pid, signal);
      await exited;
    },
  };
}

/** Runs the binary to completion (`zoolab log dump …`) and returns what it printed. */
export function runZoolab(args: string[], timeoutMs = 30_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
