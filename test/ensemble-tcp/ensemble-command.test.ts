import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as net from 'node:net';
import { ZooKeeper } from '../../lib/client';
import { BIN, ensureBuilt, ROOT, sleep, until } from './support/process-ensemble';

jest.setTimeout(60_000);

/** A base port whose three blocks (client, +707, +1707) of `n` ports are free on TCP and UDP now. */
async function freeBase(n: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let tries = 0; tries < 50; tries++) {
    // The whole block stays below Linux's ephemeral range (32768 and up): there, a client
    // socket of a test running beside this one could take a port between the check and
    // the bind, and a member failed to start that way (server.4 on 34157/34864/35864).
    const base = 20000 + Math.floor(Math.random() * 11000);
    const ports = [0, 707, 1707].flatMap((off) => Array.from({ length: n }, (_, i) => base + off + i));
    if ((await Promise.all(ports.map(free))).every(Boolean)) return base;
  }
  throw new Error('no free block of ports');
}

interface Run {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const runs: Run[] = [];

function ensemble(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, 'ensemble', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const run = { child, out: () => out, exited };
  runs.push(run);
  return run;
}

const pidsOf = (r: Run) => [...r.out().matchAll(/server\.(\d+) started: pid (\d+)/g)].map((m) => ({ id: Number(m[1]), pid: Number(m[2]) }));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const LEADER_LINE = /^leader: server\.(\d) \(followers: server\.\d, server\.\d\)$/m;

beforeAll(() => ensureBuilt());
afterEach(async () => {
  for (const r of runs.splice(0)) {
    for (const { pid } of pidsOf(r)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await r.exited;
  }
});

describe('zoolab ensemble', () => {
  it('starts three server processes, says who leads, serves clients on base port + i, and tears everything down on SIGINT', async () => {
    const base = await freeBase(3);
    const r = ensemble(['--nodes', '3', '--base-port', String(base), '--tick-time', '200']);
    const leader = Number((await until(() => LEADER_LINE.exec(r.out()), 30_000, 'a leader line', () => r.out()))[1]);
    expect([1, 2, 3]).toContain(leader);
    expect(r.out()).toContain(`connect string: 127.0.0.1:${base},127.0.0.1:${base + 1},127.0.0.1:${base + 2}`);
    const dataDir = /data in (\S+) \(removed on exit\)/.exec(r.out())![1];
    expect(existsSync(`${dataDir}/server.2/zoo.cfg`)).toBe(true);
    const pids = pidsOf(r);
    expect(pids).toHaveLength(3);

    const writer = await ZooKeeper.connect(`127.0.0.1:${base}`, { sessionTimeout: 4000 });
    await writer.create('/hello', Buffer.from('ensemble'));
    await writer.close();
    for (const port of [base + 1, base + 2]) {
      const reader = await ZooKeeper.connect(`127.0.0.1:${port}`, { sessionTimeout: 4000 });
      await reader.sync('/hello');
      expect((await reader.getData('/hello')).data?.toString()).toBe('ensemble');
      await reader.close();
    }

    r.child.kill('SIGINT');
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expect(r.out()).toContain('ensemble stopped');
    for (const { pid } of pids) expect(alive(pid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('runs the election over UDP with --transport udp', async () => {
    const base = await freeBase(3);
    const r = ensemble(['--base-port', String(base), '--tick-time', '200', '--transport', 'udp']);
    await until(() => LEADER_LINE.test(r.out()), 30_000, 'a leader line', () => r.out());
    expect(r.out()).toMatch(/election \d+\/udp/);
    const zk = await ZooKeeper.connect(`127.0.0.1:${base + 2}`, { sessionTimeout: 4000 });
    await zk.create('/udp', Buffer.from('x'));
    await zk.close();
    r.child.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  });

  it('with --restart, starts a SIGKILLed server again, and another leads meanwhile', async () => {
    const base = await freeBase(3);
    const dir = join(tmpdir(), `zoolab-ens-restart-${base}`);
    const r = ensemble(['--base-port', String(base), '--tick-time', '200', '--restart', '--data-dir', dir]);
    const leader = Number((await until(() => LEADER_LINE.exec(r.out()), 30_000, 'a leader line', () => r.out()))[1]);
    const pid = pidsOf(r).find((p) => p.id === leader)!.pid;
    const seen = r.out().length;
    process.kill(pid, 'SIGKILL');
    await until(() => r.out().includes(`server.${leader} (pid ${pid}) exited: signal SIGKILL`), 10_000, 'the exit reported', () => r.out());
    await until(() => pidsOf(r).filter((p) => p.id === leader).length === 2, 10_000, 'a restart', () => r.out());
    // Everyone serves again, with the restarted server following.
    await until(() => [...r.out().slice(seen).matchAll(new RegExp(LEADER_LINE.source, 'gm'))].length > 0, 30_000, 'a new leader line', () => r.out());
    r.child.kill('SIGINT');
    expect((await r.exited).code).toBe(0);
    // A given --data-dir is kept (it is the user's); this test's is removed here.
    expect(existsSync(join(dir, 'server.1', 'myid'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('with --observers, starts observers after the voters; a client of an observer writes and reads', async () => {
    const base = await freeBase(4);
    const r = ensemble(['--nodes', '3', '--observers', '1', '--base-port', String(base), '--tick-time', '200']);
    const line = /^leader: server\.\d \(followers: server\.\d, server\.\d; observers: server\.4\)$/m;
    await until(() => line.exec(r.out()), 30_000, 'a leader line with the observer', () => r.out());
    expect(r.out()).toContain('3 servers and 1 observer');
    expect(r.out()).toMatch(/server\.4 \(observer\)/);
    const zk = await ZooKeeper.connect(`127.0.0.1:${base + 3}`, { sessionTimeout: 4000 });
    try {
      await zk.create('/via-observer', Buffer.from('o'));
      await zk.sync('/via-observer');
      expect((await zk.getData('/via-observer')).data?.toString()).toBe('o');
    } finally {
      await zk.close();
    }
    r.child.kill('SIGINT');
    expect((await r.exited).code).toBe(0);
  });

  it('refuses a bad --nodes and ports already in use, with exit code 1 and a clear message', async () => {
    const bad = spawnSync(process.execPath, [BIN, 'ensemble', '--nodes', '0'], { encoding: 'utf8', timeout: 20_000 });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--nodes must be an integer from 1 to 15, not "0"');

    const base = await freeBase(3);
    const squatter = net.createServer();
    await new Promise<void>((res) => squatter.listen(base + 1, '127.0.0.1', () => res()));
    try {
      const busy = spawnSync(process.execPath, [BIN, 'ensemble', '--base-port', String(base)], { encoding: 'utf8', timeout: 20_000 });
      expect(busy.status).toBe(1);
      expect(busy.stderr).toContain(`ports in use: ${base + 1}/tcp (server.2 client port)`);
    } finally {
      squatter.close();
    }
    await sleep(0);
  });
});
