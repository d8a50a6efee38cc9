import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import type { RestartTiming } from './target';

/** Small process and socket helpers for the targets the suite starts. */

export { freePort } from '../../plugins/transport-tcp/free-port';

/** Sends a four-letter word and returns what the server writes before closing. */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`${word} to ${host}:${port}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(word));
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/**
 * Waits until the server answers `srvr` with a Mode line (it then serves sessions, which
 * `ruok` alone does not promise). `dead()` names why to stop waiting early.
 */
export async function waitForServing(host: string, port: number, timeoutMs: number, dead: () => string | null): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  while (Date.now() < deadline) {
    const why = dead();
    if (why) throw new Error(why);
    try {
      const answer = await fourLetterWord(host, port, 'srvr', 1000);
      if (/^Mode: /m.test(answer)) return answer;
      last = `srvr answered ${JSON.stringify(answer.trim())}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${host}:${port} is not serving after ${timeoutMs} ms (${last})`);
}

/** The first line of `srvr` ("Zookeeper version: …"), or null. */
export function versionLine(srvr: string): string | null {
  const m = /^Zookeeper version: (.*)$/m.exec(srvr);
  return m ? m[1].trim() : null;
}

/** Signals a process group started with `detached: true`; quiet if it is gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** A server process a target started (detached, in its own group) and how it ends. */
export interface TargetProcess {
  /** Why the process ended (exit code and signal, or why it could not start); null while it runs. */
  exited(): string | null;
  /**
   * Signals the process group, SIGKILLs it if the signal has not ended it after the
   * grace period, then removes the target's temp dir. False when it was stopped before.
   */
  stop(): Promise<boolean>;
  /**
   * SIGKILLs the process group, as a crash, and waits for the exit. The temp dir stays
   * for the process that restarts on it, whose own stop() removes it.
   */
  crash(): Promise<void>;
}

export interface TargetProcessOptions {
  /** Who exits, for the exit reason: "<what> exited (code …, signal …)". */
  what: string;
  /** The reason's prefix when the process cannot be spawned at all. */
  cannotStart: string;
  /** The target's temp dir, removed on stop. */
  dir: string;
  /** How stop() asks the process to end. */
  signal: NodeJS.Signals;
  graceMs: number;
}

/** Watches a spawned target process, and kills its group should this process exit first. */
export function superviseTarget(child: ChildProcess, o: TargetProcessOptions): TargetProcess {
  let exited: string | null = null;
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `${o.what} exited (code ${code}, signal ${signal})`;
      resolve();
    });
  });
  child.on('error', (e) => (exited = `${o.cannotStart}: ${e.message}`));
  const onParentExit = (): void => killGroup(child.pid);
  process.on('exit', onParentExit);

  let stopped = false;
  return {
    exited: () => exited,
    stop: async () => {
      if (stopped) return false;
      stopped = true;
      if (!exited) {
        killGroup(child.pid, o.signal);
        await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, o.graceMs).unref())]);
        if (!exited && o.signal !== 'SIGKILL') killGroup(child.pid, 'SIGKILL');
      }
      process.off('exit', onParentExit);
      rmSync(o.dir, { recursive: true, force: true });
      return true;
    },
    crash: async () => {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        killGroup(child.pid, 'SIGKILL');
        await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, o.graceMs).unref())]);
        if (!exited) throw new Error(`${o.what} did not exit ${o.graceMs} ms after SIGKILL`);
      }
      process.off('exit', onParentExit);
    },
  };
}

/** The znode count a server's `mntr` reports, or null when it does not say. */
async function znodeCount(host: string, port: number): Promise<number | null> {
  const m = /^zk_znode_count\s+(\d+)/m.exec(await fourLetterWord(host, port, 'mntr'));
  return m ? Number(m[1]) : null;
}

/**
 * Target.restart once the old process has crashed: `respawn` starts the new one, timed
 * until `serving` resolves (srvr answers), then the znodes it restored.
 */
export async function timeRestart(respawn: () => void, serving: () => Promise<unknown>, host: string, port: number): Promise<RestartTiming> {
  const started = performance.now();
  respawn();
  await serving();
  const ms = performance.now() - started;
  return { ms, znodes: await znodeCount(host, port) };
}

/** The clock ticks per second /proc counts CPU time in (USER_HZ; 100 on Linux everywhere). */
export const USER_HZ = 100;

/** User + system CPU time of a process (all its threads) in ms, or null off Linux. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing paren.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return ((utime + stime) * 1000) / USER_HZ;
  } catch {
    return null;
  }
}

/** Resident memory of a process in MiB, or null off Linux. */
export function processRssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}
