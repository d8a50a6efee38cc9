import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../lib/cli/server-node-flags';
import { freePort, superviseTarget, versionLine, timeRestart, waitForServing } from './process-util';
import { diagnosis } from './target-diagnosis';
import type { ServerSettings, Target } from './target';

/**
 * Starts zoolab as its own process through the built `zoolab` binary (`zoolab server`),
 * with the suite's settings as flags, so the server has a core to itself and its own heap
 * like the JVM does, and a profile (`--cpu-prof`) covers the server only.
 */
export interface ZoolabTargetOptions {
  /** The zoolab binary to run (dist/plugins/cli.js, or a researcher's own composition root). */
  bin: string;
  settings: ServerSettings;
  /** Write a V8 CPU profile of the server here when it stops. */
  profileDir?: string;
}

export async function startZoolabTarget(opts: ZoolabTargetOptions): Promise<Target> {
  if (!existsSync(opts.bin)) throw new Error(`the zoolab binary ${opts.bin} does not exist (run npm run build)`);
  const s = opts.settings;
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dir = mkdtempSync(join(tmpdir(), 'zoolab-bench-'));
  const dataDir = join(dir, 'data');
  const nodeArgs = [...SERVER_NODE_FLAGS, `--max-old-space-size=${s.heapMb}`];
  if (opts.profileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`);
  const serverArgs = [
    'server',
    '--port', String(port),
    '--host', host,
    '--tick-time', String(s.tickTime),
    '--max-client-cnxns', '0',
    '--4lw', '*',
    '-D', `forceSync=${s.forceSync ? 'yes' : 'no'}`,
    '-D', `snapCount=${s.snapCount}`,
    ...Object.entries(s.extra).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    // As quiet as the JVM's WARN level: per-session INFO lines would cost on churn.
    '--log-level', 'warn',
  ];
  if (s.storage === 'file') serverArgs.push('--data-dir', dataDir);
  let output = '';
  const keep = (c: Buffer): void => {
    output = (output + c.toString('utf8')).slice(-20_000);
  };
  const launch = () => {
    const child = spawn(process.execPath, [...nodeArgs, opts.bin, ...serverArgs], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    // SIGINT: a clean shutdown, which is also when V8 writes the profile.
    return { child, proc: superviseTarget(child, { what: 'zoolab server', cannotStart: 'cannot start zoolab', dir, signal: 'SIGINT', graceMs: 15_000 }) };
  };
  let cur = launch();
  const { child } = cur;
  const stop = async (): Promise<{ cpuProfile: string | null }> => {
    const first = await cur.proc.stop();
    return { cpuProfile: first && opts.profileDir ? newestProfile(opts.profileDir) : null };
  };
  const serving = () =>
    waitForServing(host, port, s.startTimeoutMs, () => {
      const exited = cur.proc.exited();
      return exited ? `${exited}\n${output}` : null;
    });

  let srvr: string;
  try {
    srvr = await serving();
  } catch (e) {
    await stop();
    throw new Error(`zoolab did not start: ${(e as Error).message}\n${output.slice(-3000)}`);
  }
  return {
    kind: 'zoolab',
    name: 'zoolab',
    host,
    port,
    pid: child.pid ?? null,
    dataDir: s.storage === 'file' ? dataDir : null,
    diagnose: () => diagnosis(cur.proc.exited(), output),
    settings: {
      version: versionLine(srvr) ?? 'unknown',
      runtime: `Node ${process.version}, ${SERVER_NODE_FLAGS.join(' ')}, --max-old-space-size=${s.heapMb}${opts.profileDir ? ', --cpu-prof' : ''}`,
      binary: opts.bin,
      storage: s.storage === 'file' ? 'storage-file (txn log in a temp dataDir)' : 'storage-memory (no disk)',
    },
    stop,
    restart:
      s.storage === 'file'
        ? async () => {
            await cur.proc.crash();
            return timeRestart(() => (cur = launch()), serving, host, port);
          }
        : undefined,
  };
}

function newestProfile(dir: string): string | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0] ?? null;
}
