import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, superviseTarget, versionLine, timeRestart, waitForServing } from './process-util';
import { diagnosis } from './target-diagnosis';
import type { ServerSettings, Target } from './target';

/**
 * Starts Apache ZooKeeper 3.8 standalone from the Debian `zookeeper` package with the
 * same settings zoolab gets: tickTime, forceSync, snapCount, maxClientCnxns, a temp
 * dataDir, and a heap as large as zoolab's. The JVM otherwise runs with its defaults
 * (C2, the default collector), as `zkServer.sh` would start it.
 */
const JAVA = process.env.ZOOLAB_JAVA ?? '/usr/bin/java';
const JARS = process.env.ZOOLAB_ZOOKEEPER_JARS ?? '/usr/share/java';
/** zookeeper.jar's manifest names its other jars; the logging binding is ours to pick. */
const CLASSPATH = [`${JARS}/zookeeper.jar`, `${JARS}/slf4j-simple.jar`].join(':');
const MAIN = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';

/** Why Apache ZooKeeper cannot be started here, or null when it can. */
export function zookeeperMissing(): string | null {
  if (!existsSync(JAVA)) return `Java is not installed (${JAVA} missing): apt-get install -y zookeeper brings both`;
  for (const jar of ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-simple.jar']) {
    if (!existsSync(`${JARS}/${jar}`)) return `Apache ZooKeeper is not installed (${JARS}/${jar} missing): apt-get install -y zookeeper`;
  }
  return null;
}

export const javaExecutable = (): string => JAVA;
export const javaClasspath = (): string => CLASSPATH;

/** `java -version`'s first line (it writes to stderr). */
export function javaVersionLine(): string {
  const r = spawnSync(JAVA, ['-version'], { encoding: 'utf8' });
  return (String(r.stderr || r.stdout || '').split('\n')[0] || 'unknown').trim();
}

export async function startZooKeeperTarget(settings: ServerSettings): Promise<Target> {
  const missing = zookeeperMissing();
  if (missing) throw new Error(missing);
  const s = settings;
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dir = mkdtempSync(join(tmpdir(), 'zoolab-bench-zk-'));
  const cfg: Record<string, string | number> = {
    tickTime: s.tickTime,
    dataDir: join(dir, 'data'),
    clientPort: port,
    clientPortAddress: host,
    maxClientCnxns: 0,
    snapCount: s.snapCount,
    forceSync: s.forceSync ? 'yes' : 'no',
    '4lw.commands.whitelist': '*',
    'admin.enableServer': 'false',
    ...s.extra,
  };
  const cfgPath = join(dir, 'zoo.cfg');
  writeFileSync(cfgPath, Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const jvm = [`-Xmx${s.heapMb}m`];
  const props = [
    `-Dzookeeper.forceSync=${s.forceSync ? 'yes' : 'no'}`,
    '-Dzookeeper.admin.enableServer=false',
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
  ];
  const logPath = join(dir, 'server.log');
  const launch = () => {
    // A restarted server's output follows the first one's.
    const logFd = openSync(logPath, 'a');
    const child = spawn(JAVA, [...jvm, ...props, '-cp', CLASSPATH, MAIN, cfgPath], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    return { child, proc: superviseTarget(child, { what: 'Apache ZooKeeper', cannotStart: 'cannot start Java', dir, signal: 'SIGKILL', graceMs: 10_000 }) };
  };
  const log = (): string => {
    try {
      return readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };
  let cur = launch();
  const { child } = cur;
  const stop = async (): Promise<{ cpuProfile: string | null }> => {
    await cur.proc.stop();
    return { cpuProfile: null };
  };
  const serving = () =>
    waitForServing(host, port, s.startTimeoutMs, () => {
      const exited = cur.proc.exited();
      return exited ? `${exited}\n${log()}` : null;
    });

  let srvr: string;
  try {
    srvr = await serving();
  } catch (e) {
    const tail = log().split('\n').slice(-30).join('\n');
    await stop();
    throw new Error(`Apache ZooKeeper did not start: ${(e as Error).message}\n${tail}`);
  }
  return {
    kind: 'zookeeper',
    name: 'zookeeper',
    host,
    port,
    pid: child.pid ?? null,
    dataDir: join(dir, 'data'),
    diagnose: () => diagnosis(cur.proc.exited(), log().slice(-20_000)),
    settings: {
      version: versionLine(srvr) ?? 'unknown',
      runtime: `${javaVersionLine()}, -Xmx${s.heapMb}m, default GC and JIT`,
      classpath: CLASSPATH,
      storage: 'txn log and snapshots in a temp dataDir',
    },
    stop,
    restart: async () => {
      await cur.proc.crash();
      return timeRestart(() => (cur = launch()), serving, host, port);
    },
  };
}
