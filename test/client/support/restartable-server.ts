import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForImok, waitForServing, settleWithin } from '../../support/four-letter';
import { freePort } from '../../support/free-port';
import { killGroup } from '../../support/run-process';
import type { TargetName } from '../../support/targets';
import { silentLogger } from '../../../lib/core/logger';

/**
 * A standalone server that a test can kill and start again on the same port and data
 * directory, so sessions (kept in the txn log) outlive the restart. For the client's
 * "reconnect across a server restart within the session timeout" tests.
 */
export interface RestartableServer {
  readonly host: string;
  readonly port: number;
  readonly connectString: string;
  /** Stops the server abruptly (SIGKILL for Java, close for zoolab). */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  dispose(): Promise<void>;
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
  let stopFn: (() => Promise<void>) | null = null;

  const startJava = async () => {
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(
      cfg,
      [`tickTime=${TICK}`, `dataDir=${dataDir}`, `clientPort=${port}`, `clientPortAddress=${host}`, 'admin.enableServer=false', '4lw.commands.whitelist=*', `maxSessionTimeout=${MAX_SESSION_TIMEOUT}`].join('\n') + '\n',
    );
    const log = openSync(join(dir, 'server.log'), 'a');
    const child: ChildProcess = spawn(
      '/usr/bin/java',
      ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', '/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-nop.jar', 'org.apache.zookeeper.server.quorum.QuorumPeerMain', cfg],
      { cwd: dir, detached: true, stdio: ['ignore', log, log] },
    );
    closeSync(log);
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    process.once('exit', () => killGroup(child.pid));
    stopFn = async () => {
      killGroup(child.pid, 'SIGKILL');
      await settleWithin(exited, 5000);
    };
    await waitForImok(host, port, 30000);
    await waitForServing(host, port, 30000);
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
  await start();
  let disposed = false;
  const kill = async () => {
    const f = stopFn;
    stopFn = null;
    await f?.();
  };
  return {
    host,
    port,
    connectString: `${host}:${port}`,
    kill,
    start,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
