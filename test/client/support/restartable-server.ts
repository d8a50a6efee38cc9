import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForImok, waitForServing, settleWithin } from '../../support/four-letter';
import { freePort } from '../../support/free-port';
import { killGroup } from '../../support/run-process';
import type { TargetName } from '../../support/targets';
import { silentLogger } from '../../../lib/core/logger';
import { startTcpGate, type TcpGate } from './tcp-gate';

/**
 * A standalone server that a test can kill and start again on the same port and data
 * directory, so sessions (kept in the txn log) outlive the restart. For the client's
 * "reconnect across a server restart within the session timeout" tests.
 */
export interface RestartableServer {
  readonly host: string;
  /** Where clients connect: the server's port, or for Java the gate in front of it. */
  readonly port: number;
  readonly connectString: string;
  /** Stops the server abruptly (SIGKILL for Java, close for zoolab). */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  dispose(): Promise<void>;
  /** The Java server's log across every start (slf4j-simple, INFO); empty for zoolab. */
  log(): string;
}

const TICK = 200;
/**
 * Room for a session to outlive a restart on a loaded machine: a JVM started while the
 * rest of the suite runs took longer than an 8 s session to be reconnected to.
 */
export const MAX_SESSION_TIMEOUT = TICK * 100;

export async function startRestartable(target: TargetName): Promise<RestartableServer> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dir = mkdtempSync(join(tmpdir(), `zoolab-client-restart-${target}-`));
  const dataDir = join(dir, 'data');
  const logPath = join(dir, 'server.log');
  let stopFn: (() => Promise<void>) | null = null;
  // The Java server binds its port before it has a ZKDatabase. A connection in that window
  // is refused with "ZooKeeperServer not running", and closing it throws a
  // NullPointerException (ZooKeeperServer.removeCnxn, zkDb is null) before the socket is
  // closed: the client waits out its connect timeout (the session timeout for one host),
  // and the restored session expires first. Java's own client does the same, so clients
  // reach the Java server through a gate that opens only once it serves.
  const gate: TcpGate | null = target === 'zookeeper' ? await startTcpGate(host, await freePort(host), port) : null;

  const startJava = async () => {
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(
      cfg,
      [`tickTime=${TICK}`, `dataDir=${dataDir}`, `clientPort=${port}`, `clientPortAddress=${host}`, 'admin.enableServer=false', '4lw.commands.whitelist=*', `maxSessionTimeout=${MAX_SESSION_TIMEOUT}`].join('\n') + '\n',
    );
    const log = openSync(logPath, 'a');
    const child: ChildProcess = spawn(
      '/usr/bin/java',
      [
        '-Xmx256m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        // INFO says when a session was expired or a connection refused, for a failure's message.
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
        '-Dorg.slf4j.simpleLogger.showDateTime=true',
        '-cp',
        '/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar',
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        cfg,
      ],
      { cwd: dir, detached: true, stdio: ['ignore', log, log] },
    );
    closeSync(log);
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    process.once('exit', () => killGroup(child.pid));
    stopFn = async () => {
      gate?.shut();
      killGroup(child.pid, 'SIGKILL');
      await settleWithin(exited, 5000);
    };
    await waitForImok(host, port, 30000);
    await waitForServing(host, port, 30000);
    gate?.open();
  };

  const startZoolab = async () => {
    // Loaded only when a zoolab server is asked for, like test/support/zoolab-server.ts.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startDefaultStandaloneServer } = require('../../../plugins/defaults') as typeof import('../../../plugins/defaults');
    const s = await startDefaultStandaloneServer(
      { tickTime: TICK, maxSessionTimeout: MAX_SESSION_TIMEOUT, dataDir, dataLogDir: dataDir, clientPort: port, clientPortAddress: host },
      { logger: silentLogger },
    );
    stopFn = () => s.close();
  };

  const start = target === 'zookeeper' ? startJava : startZoolab;
  await start().catch(async (e: unknown) => {
    await gate?.close();
    throw e;
  });
  let disposed = false;
  const kill = async () => {
    const f = stopFn;
    stopFn = null;
    await f?.();
  };
  const clientPort = gate?.port ?? port;
  return {
    host,
    port: clientPort,
    connectString: `${host}:${clientPort}`,
    kill,
    start,
    log: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await kill();
      await gate?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
