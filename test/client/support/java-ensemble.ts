import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settleWithin, waitForImok } from '../../support/four-letter';
import { freePort } from '../../support/free-port';
import { killGroup } from '../../support/run-process';

/**
 * A three-server Apache ZooKeeper 3.8 ensemble on loopback with read-only mode enabled,
 * whose members a test can stop and start: with two of three down, the last one serves
 * read-only clients. Everything it starts is killed and removed by dispose().
 */
export interface JavaEnsemble {
  readonly clientAddresses: string[];
  stop(i: number): Promise<void>;
  start(i: number): Promise<void>;
  /** Waits until member i answers ruok (it may still be electing). */
  waitUp(i: number, timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

export async function startJavaEnsemble(): Promise<JavaEnsemble> {
  const host = '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'zoolab-client-ensemble-'));
  const ports = await Promise.all(Array.from({ length: 9 }, () => freePort(host)));
  const clientPorts = ports.slice(0, 3);
  const servers = [1, 2, 3].map((id, i) => `server.${id}=${host}:${ports[3 + i]}:${ports[6 + i]}`);
  const procs: (ChildProcess | null)[] = [null, null, null];
  const exits: (Promise<void> | null)[] = [null, null, null];
  process.once('exit', () => procs.forEach((p) => killGroup(p?.pid)));

  const start = async (i: number) => {
    const data = join(dir, `s${i + 1}`);
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'myid'), `${i + 1}\n`);
    const cfg = join(data, 'zoo.cfg');
    writeFileSync(
      cfg,
      [
        'tickTime=300',
        'initLimit=10',
        'syncLimit=5',
        `dataDir=${data}`,
        `clientPort=${clientPorts[i]}`,
        `clientPortAddress=${host}`,
        'admin.enableServer=false',
        '4lw.commands.whitelist=*',
        // A read-only server can only make local sessions (createSession is a write).
        'localSessionsEnabled=true',
        ...servers,
      ].join('\n') + '\n',
    );
    const log = openSync(join(data, 'server.log'), 'a');
    const child = spawn(
      '/usr/bin/java',
      [
        '-Xmx192m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Dreadonlymode.enabled=true',
        '-cp',
        '/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-nop.jar',
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        cfg,
      ],
      { cwd: data, detached: true, stdio: ['ignore', log, log] },
    );
    closeSync(log);
    procs[i] = child;
    exits[i] = new Promise((r) => child.on('exit', () => r()));
  };

  const stop = async (i: number) => {
    const p = procs[i];
    procs[i] = null;
    if (!p) return;
    killGroup(p.pid, 'SIGKILL');
    await settleWithin(exits[i]!, 5000);
  };

  for (let i = 0; i < 3; i++) await start(i);
  return {
    clientAddresses: clientPorts.map((p) => `${host}:${p}`),
    start,
    stop,
    waitUp: (i, timeoutMs = 30000) => waitForImok(host, clientPorts[i], timeoutMs),
    async dispose() {
      for (let i = 0; i < 3; i++) await stop(i);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
