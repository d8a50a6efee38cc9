import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../lib/cli/server-node-flags';
import { freePort } from '../plugins/transport-tcp/free-port';

/** A server process the benchmark started, in its own process group. */
export interface BenchServer {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** Its stderr / log so far. */
  output(): string;
  /** SIGTERM (or SIGKILL), then waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerSettings {
  dataDir: string;
  tickTime: number;
  snapCount: number;
  forceSync: boolean;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) killGroup(c, 'SIGKILL');
});

function killGroup(c: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-c.pid!, signal);
  } catch {
    /* gone */
  }
}

/** A four-letter word's answer ('' when nothing listens yet). */
export function fourLetterWord(port: number, word: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let out = '';
    const done = () => {
      clearTimeout(t);
      sock.destroy();
      resolve(out);
    };
    const t = setTimeout(done, timeoutMs);
    sock.on('connect', () => sock.write(word));
    sock.on('data', (c) => (out += c.toString()));
    sock.on('end', done);
    sock.on('error', done);
  });
}

/** Milliseconds until `srvr` answers with a Zxid line; throws after `timeoutMs` or if the process dies. */
export async function waitServing(port: number, child: ChildProcess, timeoutMs: number, output: () => string): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited before serving:\n${output().slice(-3000)}`);
    if ((await fourLetterWord(port, 'srvr', 500)).includes('Zxid:')) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`server not serving within ${timeoutMs} ms:\n${output().slice(-3000)}`);
}

function launch(name: string, cmd: string, args: string[], port: number, cwd: string, logFile?: string): { child: ChildProcess; server: BenchServer } {
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
    if (err.length > 4 << 20) err = err.slice(-(1 << 20));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const output = () => err + (logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  return {
    child,
    server: {
      name,
      pid: child.pid!,
      port,
      output,
      async stop(signal: NodeJS.Signals = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) {
          killGroup(child, signal);
          const t = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
          await exited;
          clearTimeout(t);
        }
        live.delete(child);
      },
    },
  };
}

/** `zoolab server` from dist/, on the given data dir, logging at info (restore and snapshot lines). */
export async function startZoolab(root: string, s: ServerSettings, timeoutMs = 600_000): Promise<{ server: BenchServer; startMs: number }> {
  const port = await freePort();
  const bin = join(root, 'dist', 'plugins', 'cli.js');
  const args = [
    ...SERVER_NODE_FLAGS,
    '--max-old-space-size=8192',
    bin, 'server', '--port', String(port), '--host', '127.0.0.1', '--data-dir', s.dataDir, '--tick-time', String(s.tickTime),
    '-D', `snapCount=${s.snapCount}`, '-D', `forceSync=${s.forceSync ? 'yes' : 'no'}`, '--log-level', 'info',
  ];
  const { child, server } = launch('zoolab', process.execPath, args, port, root);
  const startMs = await waitServing(port, child, timeoutMs, server.output).catch(async (e) => {
    await server.stop('SIGKILL');
    throw e;
  });
  return { server, startMs };
}

const JARS = '/usr/share/java';

export function javaMissing(): string | null {
  if (!existsSync('/usr/bin/java')) return 'java is not installed';
  for (const j of ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-simple.jar']) if (!existsSync(join(JARS, j))) return `${JARS}/${j} missing (apt-get install zookeeper)`;
  return null;
}

/**
 * Apache ZooKeeper 3.8 (Debian) standalone with the same settings, the JVM left at its
 * defaults (tiered JIT) but for the heap, logging at INFO to a file so its restore and
 * snapshot lines can be read.
 */
export async function startJava(work: string, s: ServerSettings, heap = '4g', timeoutMs = 600_000): Promise<{ server: BenchServer; startMs: number }> {
  const port = await freePort();
  const cfg = join(work, `zoo-${port}.cfg`);
  writeFileSync(
    cfg,
    [
      `tickTime=${s.tickTime}`, `dataDir=${s.dataDir}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1',
      `snapCount=${s.snapCount}`, `forceSync=${s.forceSync ? 'yes' : 'no'}`, 'admin.enableServer=false',
      '4lw.commands.whitelist=srvr,mntr', 'maxClientCnxns=0',
    ].join('\n') + '\n',
  );
  const logFile = join(work, `java-${port}.log`);
  const args = [
    `-Xmx${heap}`, `-Xms${heap}`,
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=info', `-Dorg.slf4j.simpleLogger.logFile=${logFile}`,
    '-Dorg.slf4j.simpleLogger.showDateTime=true', '-Dzookeeper.admin.enableServer=false',
    '-cp', `${JARS}/zookeeper.jar:${JARS}/slf4j-simple.jar`, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', cfg,
  ];
  const { child, server } = launch('java', '/usr/bin/java', args, port, work, logFile);
  const startMs = await waitServing(port, child, timeoutMs, server.output).catch(async (e) => {
    await server.stop('SIGKILL');
    throw e;
  });
  return { server, startMs };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
