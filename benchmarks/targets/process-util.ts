import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** Small process and socket helpers for the targets the suite starts. */

/** A TCP port on `host` that was free a moment ago (the Java server reads its port from zoo.cfg). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

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

/** The clock ticks per second /proc counts CPU time in (USER_HZ; 100 on Linux everywhere). */
const USER_HZ = 100;

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
