import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { settleWithin, waitForImok, waitForServing } from './four-letter';
import { killGroup } from './run-process';

/**
 * Starts a real Apache ZooKeeper 3.8 standalone server from the Debian `zookeeper`
 * package, for interop and differential tests: loopback only, a free port, a temp
 * dataDir, every four-letter word allowed, TTL nodes on, containers reaped every second.
 */
export interface JavaZooKeeperOptions {
  /** Default 200 ms, so session expiry tests take about a second. */
  tickTime?: number;
  /** Default 2 × tickTime, as in ZooKeeper. */
  minSessionTimeout?: number;
  /** Default 20 × tickTime, as in ZooKeeper. */
  maxSessionTimeout?: number;
  /** `user:password` of the super user (ZooKeeper's superDigest is derived from it). */
  superUser?: string;
  /** znode.container.checkIntervalMs; default 1000. */
  containerCheckIntervalMs?: number;
  /** Extra zoo.cfg lines. */
  extraConfig?: Record<string, string | number | boolean>;
  /** How long to wait for `ruok` → `imok`; default 30 s (a cold JVM on a busy box is slow). */
  startTimeoutMs?: number;
}

export interface JavaZooKeeper {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  /** The server's own log (slf4j-simple, WARN and above). */
  log(): string;
  /** Kills the JVM's process group and deletes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

const JAVA = process.env.ZOOLAB_JAVA ?? '/usr/bin/java';
const JARS = '/usr/share/java';
/** zookeeper.jar's manifest names its other jars; the logging binding is ours to pick. */
const CLASSPATH = [`${JARS}/zookeeper.jar`, `${JARS}/slf4j-simple.jar`].join(':');
const MAIN = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';

/** Why the real server cannot run here, or null when it can. */
export function javaZooKeeperMissing(java = JAVA, jars = JARS): string | null {
  if (!existsSync(java)) {
    return `Java is not installed (${java} missing). Install a JRE and the Debian package: apt-get install -y default-jre-headless zookeeper`;
  }
  for (const jar of ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-simple.jar']) {
    if (!existsSync(`${jars}/${jar}`)) {
      return `Apache ZooKeeper is not installed (${jars}/${jar} missing): apt-get install -y zookeeper`;
    }
  }
  return null;
}

/** ZooKeeper's DigestAuthenticationProvider.generateDigest: `user:base64(sha1(user:password))`. */
export function generateDigest(userPassword: string): string {
  const user = userPassword.split(':')[0];
  return `${user}:${createHash('sha1').update(userPassword).digest('base64')}`;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crashed or interrupted test run must not leave JVMs listening behind it.
  process.on('exit', () => {
    for (const child of live) killGroup(child.pid);
  });
}

export async function startJavaZooKeeper(opts: JavaZooKeeperOptions = {}): Promise<JavaZooKeeper> {
  const missing = javaZooKeeperMissing();
  if (missing) throw new Error(missing);
  installExitHook();
  // The port is free when picked but bound by the JVM a second later; on a busy machine
  // someone may take it in between. That (and only that) is worth another try.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (e) {
      if (attempt >= 3 || !/BindException|Address already in use/.test((e as Error).message)) throw e;
    }
  }
}

async function startOnce(opts: JavaZooKeeperOptions): Promise<JavaZooKeeper> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dir = mkdtempSync(join(tmpdir(), 'zoolab-javazk-'));
  const dataDir = join(dir, 'data');
  const tickTime = opts.tickTime ?? 200;
  const cfg: Record<string, string | number | boolean> = {
    tickTime,
    minSessionTimeout: opts.minSessionTimeout ?? tickTime * 2,
    maxSessionTimeout: opts.maxSessionTimeout ?? tickTime * 20,
    dataDir,
    clientPort: port,
    clientPortAddress: host,
    '4lw.commands.whitelist': '*',
    extendedTypesEnabled: true,
    'admin.enableServer': false,
    ...opts.extraConfig,
  };
  const cfgPath = join(dir, 'zoo.cfg');
  writeFileSync(cfgPath, Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');

  const props = [
    `-Dznode.container.checkIntervalMs=${opts.containerCheckIntervalMs ?? 1000}`,
    '-Dzookeeper.admin.enableServer=false',
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
  ];
  if (opts.superUser) {
    props.push(`-Dzookeeper.DigestAuthenticationProvider.superDigest=${generateDigest(opts.superUser)}`);
  }
  // C1 only and a small serial heap: the tests are short, and two cores are shared.
  const jvm = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss512k'];
  const logPath = join(dir, 'server.log');
  const logFd = openSync(logPath, 'w');
  const child = spawn(JAVA, [...jvm, ...props, '-cp', CLASSPATH, MAIN, cfgPath], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  live.add(child);

  let exited: string | null = null;
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `Java ZooKeeper exited early (code ${code}, signal ${signal})`;
      live.delete(child);
      resolve();
    });
  });
  child.on('error', (e) => {
    exited = `cannot start Java ZooKeeper: ${e.message}`;
  });
  const log = (): string => {
    try {
      return readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      killGroup(child.pid, 'SIGKILL');
      await settleWithin(exitedPromise, 5000);
    }
    live.delete(child);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const timeout = opts.startTimeoutMs ?? 30000;
    await waitForImok(host, port, timeout, () => (exited ? `${exited}\n${log()}` : null));
    await waitForServing(host, port, timeout);
  } catch (e) {
    const tail = log().split('\n').slice(-30).join('\n');
    await stop();
    throw new Error(`${(e as Error).message}\n--- Java ZooKeeper log tail ---\n${tail}`);
  }
  return { host, port, pid: child.pid!, dataDir, log, stop };
}
