import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fourLetterWord } from './four-letter';

const JARS = ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-api.jar', 'slf4j-simple.jar', 'netty-all.jar', 'commons-cli.jar'].map((j) => `/usr/share/java/${j}`);

/** Debian's zookeeper jars and a JRE are here: the mixed-ensemble suites can run. */
export const haveJavaQuorumPeer = JARS.every((j) => existsSync(j)) && spawnSync('java', ['-version']).status === 0;

export interface PeerPorts {
  /** quorum (learner) port */
  q: number;
  /** election port */
  e: number;
  /** client port */
  c: number;
}

/** An Apache ZooKeeper 3.8 QuorumPeerMain child, its stderr log kept for diagnostics. */
export interface JavaQuorumPeer {
  readonly id: number;
  readonly process: ChildProcess;
  log(): string;
  /** SIGKILLs the process (a crash, as the tests want) and waits for it to exit. */
  kill(): Promise<void>;
}

export interface JavaQuorumPeerOptions {
  id: number;
  /** Its data dir (created; myid and zoo.cfg are written there). */
  dir: string;
  ports: ReadonlyMap<number, PeerPorts>;
  tickTime: number;
  /** Extra JVM flags, e.g. -Dzookeeper.forceSnapshotSync=true. */
  jvmProps?: string[];
}

/** Starts server.`id` of an ensemble whose members are the `ports` map, on 127.0.0.1. */
export function startJavaQuorumPeer(o: JavaQuorumPeerOptions): JavaQuorumPeer {
  mkdirSync(o.dir, { recursive: true });
  writeFileSync(join(o.dir, 'myid'), `${o.id}\n`);
  const servers = [...o.ports].map(([i, p]) => `server.${i}=127.0.0.1:${p.q}:${p.e}`);
  const cfg = [
    `tickTime=${o.tickTime}`, 'initLimit=10', 'syncLimit=5', `dataDir=${o.dir}`, `clientPort=${o.ports.get(o.id)!.c}`,
    'clientPortAddress=127.0.0.1', 'admin.enableServer=false', '4lw.commands.whitelist=*', ...servers,
  ];
  writeFileSync(join(o.dir, 'zoo.cfg'), cfg.join('\n'));
  const p = spawn('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=info', ...(o.jvmProps ?? []), '-cp', JARS.join(':'), 'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(o.dir, 'zoo.cfg')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  p.stderr!.on('data', (b) => (log += b));
  return {
    id: o.id,
    process: p,
    log: () => log,
    kill: () =>
      p.exitCode !== null || p.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((r) => {
            p.once('exit', () => r());
            p.kill('SIGKILL');
          }),
  };
}

/** The Mode of a server's `srvr` answer ("leader", "follower", …), or "none". */
export async function peerMode(clientPort: number): Promise<string> {
  const srvr = await fourLetterWord('127.0.0.1', clientPort, 'srvr', 2000).catch(() => '');
  return /Mode: (\w+)/.exec(srvr)?.[1] ?? 'none';
}

/** Polls `cond` every 100 ms; fails after `ms` with `what` and the diagnostics. */
export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string, diag: () => string = () => ''): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms${diag()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
