import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncScheduler, firstValueFrom, type Subscription } from 'rxjs';
import { SeededRandom } from '../../lib/core';
import { createQuorumVerifier } from '../../lib/quorum/create-quorum-verifier';
import type { Election } from '../../lib/quorum/election/election';
import { fastLeaderElection } from '../../lib/quorum/election/fast-leader-election-factory';
import { LearnerType, ServerState } from '../../lib/quorum/vote';
import { TcpElectionChannel } from './tcp-election-channel';
import { freePort } from '../support/free-port';

const JARS = ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-api.jar', 'slf4j-simple.jar', 'netty-all.jar', 'commons-cli.jar'].map(
  (j) => `/usr/share/java/${j}`,
);
const haveJava = JARS.every((j) => existsSync(j)) && spawnSync('java', ['-version']).status === 0;

async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

function srvr(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('srvr'));
    let out = '';
    s.on('data', (d) => (out += d));
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(''));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Servers 1 and 2 are ZooKeeper 3.8 (Java); server 3 is zoolab's FastLeaderElection. */
(haveJava ? describe : describe.skip)('FastLeaderElection against ZooKeeper 3.8 peers', () => {
  let dir: string;
  let procs: ChildProcess[] = [];
  let logs: (() => string)[] = [];
  let channel: TcpElectionChannel | null = null;
  let election: Election | null = null;
  let wire: Subscription | null = null;
  let ports: { q: number; e: number; c: number }[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-fle-'));
    const p = await freePorts(9);
    ports = [0, 1, 2].map((i) => ({ q: p[3 * i], e: p[3 * i + 1], c: p[3 * i + 2] }));
  });

  afterEach(async () => {
    wire?.unsubscribe();
    election?.shutdown();
    await channel?.close();
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : (p.once('exit', r), p.kill('SIGKILL'))))));
    procs = [];
    logs = [];
    rmSync(dir, { recursive: true, force: true });
  });

  const port = (id: number) => ports[id - 1];

  function startJava(id: number): void {
    const d = join(dir, `s${id}`);
    mkdirSync(d);
    writeFileSync(join(d, 'myid'), `${id}\n`);
    const servers = [1, 2, 3].map((i) => `server.${i}=127.0.0.1:${port(i).q}:${port(i).e}`);
    const cfg = ['tickTime=500', 'initLimit=4', 'syncLimit=2', `dataDir=${d}`, `clientPort=${port(id).c}`, 'clientPortAddress=127.0.0.1', 'admin.enableServer=false', ...servers];
    writeFileSync(join(d, 'zoo.cfg'), cfg.join('\n'));
    const p = spawn('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=info', '-cp', JARS.join(':'), 'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(d, 'zoo.cfg')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    p.stderr!.on('data', (b) => (log += b));
    procs.push(p);
    logs.push(() => log);
  }

  async function startZoolab(): Promise<Election> {
    const verifier = createQuorumVerifier({
      servers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', quorumPort: port(id).q, electionPort: port(id).e, type: 'participant' as const })),
      groups: new Map(),
      weights: new Map(),
    });
    channel = new TcpElectionChannel(3, port(3).e, new Map([[1, port(1).e], [2, port(2).e]]));
    await channel.listen();
    election = fastLeaderElection()({ myId: 3, learnerType: LearnerType.PARTICIPANT, verifier, clock: asyncScheduler, random: new SeededRandom(1) });
    const ch = channel;
    wire = election.connect(ch.inbound).subscribe((p) => ch.send(p));
    return election;
  }

  it('the Java peers elect the zoolab peer, the highest sid with equal data, and follow it', async () => {
    startJava(1);
    startJava(2);
    const e = await startZoolab();
    const outcome = await firstValueFrom(e.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }));
    expect(outcome.state).toBe(ServerState.LEADING);
    expect(outcome.vote.id).toBe(3n);
    for (let i = 0; i < 40 && !logs.every((l) => /Peer state changed: following/.test(l())); i++) await sleep(250);
    for (const l of logs) {
      expect(l()).toMatch(/Peer state changed: following/);
      // They read zoolab's notifications as their own format 0x2, config included.
      expect(l()).toMatch(/n\.sid:3, n\.state:LOOKING, n\.leader:3, n\.round:0x1.*message format version:0x2, n\.config version:0x0/);
    }
  }, 60_000);

  it('a zoolab peer that starts late follows the leader the Java peers elected', async () => {
    startJava(1);
    startJava(2);
    let mode = '';
    for (let i = 0; i < 120 && !/Mode: leader/.test(mode); i++) {
      await sleep(250);
      mode = await srvr(port(2).c);
    }
    expect(mode).toMatch(/Mode: leader/);
    const e = await startZoolab();
    const outcome = await firstValueFrom(e.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }));
    expect(outcome.state).toBe(ServerState.FOLLOWING);
    expect(outcome.vote.id).toBe(2n);
    expect(outcome.vote.peerEpoch).toBe(1n); // the leader's epoch after its epoch agreement
  }, 60_000);
});
