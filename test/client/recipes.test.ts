import { CreateMode, States, type ZooKeeper } from '../../lib/client';
import { Barrier, DistributedQueue, DoubleBarrier, LeaderLatch, Lock, sortBySequence } from '../../lib/client/recipes';
import { targets, useServer } from '../support/targets';
import { fourLetterWord } from '../support/four-letter';
import { Clients, sleep, stateBecomes, uniquePath, until } from './support/helpers';

/** The `wchp` answer: path → watching session ids. */
function parseWchp(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('/')) out.set(line.trim(), (current = []));
    else if (line.trim().startsWith('0x')) current.push(line.trim());
  }
  return out;
}

describe.each(targets)('client recipes against $name', (target) => {
  const server = useServer(target);
  const clients = new Clients();
  let zks: ZooKeeper[];

  beforeAll(async () => {
    zks = await Promise.all([0, 1, 2].map(() => clients.connect(server().connectString)));
  });
  afterAll(() => clients.closeAll());

  describe('Lock', () => {
    it('lets one holder in at a time, in arrival order', async () => {
      const path = uniquePath('lock');
      const order: string[] = [];
      let inside = 0;
      let maxInside = 0;
      const worker = async (zk: ZooKeeper, name: string) => {
        const lock = new Lock(zk, path);
        for (let i = 0; i < 3; i++) {
          await lock.acquire();
          inside++;
          maxInside = Math.max(maxInside, inside);
          order.push(name);
          await sleep(5);
          inside--;
          await lock.release();
        }
      };
      await Promise.all(zks.map((zk, i) => worker(zk, `c${i}`)));
      expect(maxInside).toBe(1);
      expect(order).toHaveLength(9);
    });

    it('wakes only the next waiter: each watches just its predecessor', async () => {
      const path = uniquePath('lockchain');
      const [a, b, c] = zks.map((zk) => new Lock(zk, path));
      await a.acquire();
      const bGot = b.acquire();
      await sleep(100);
      const cGot = c.acquire();
      await sleep(100);
      const nodes = sortBySequence(await zks[0].getChildren(path));
      expect(nodes).toHaveLength(3);
      // wchp: who watches what. b's session watches a's node, c's watches b's, nobody the dir.
      const wchp = await fourLetterWord(server().host, server().port, 'wchp');
      const watchers = parseWchp(wchp);
      const hexId = (zk: ZooKeeper) => `0x${zk.sessionId.toString(16)}`;
      expect(watchers.get(`${path}/${nodes[0]}`)).toEqual([hexId(zks[1])]);
      expect(watchers.get(`${path}/${nodes[1]}`)).toEqual([hexId(zks[2])]);
      expect(watchers.has(`${path}/${nodes[2]}`)).toBe(false);
      expect(watchers.has(path)).toBe(false);
      // c waits for b, not for a: removing a wakes b only.
      await a.release();
      await bGot;
      expect(b.isHeld).toBe(true);
      expect(c.isHeld).toBe(false);
      // b leaving lets c in.
      await b.release();
      await cGot;
      expect(c.isHeld).toBe(true);
      await c.release();
    });

    it('gives up after a timeout and withdraws its node', async () => {
      const path = uniquePath('locktimeout');
      const holder = new Lock(zks[0], path);
      await holder.acquire();
      const waiter = new Lock(zks[1], path);
      expect(await waiter.acquire({ timeoutMs: 300 })).toBe(false);
      expect(await zks[0].getChildren(path)).toHaveLength(1);
      await holder.release();
      expect(await waiter.acquire({ timeoutMs: 1000 })).toBe(true);
      await waiter.release();
    });

    it('keeps waiting across a lost connection and gets the lock when it is freed', async () => {
      const path = uniquePath('lockdrop');
      const holder = new Lock(zks[0], path);
      await holder.acquire();
      const waiterZk = await clients.connect(server().connectString);
      const waiter = new Lock(waiterZk, path);
      const got = waiter.acquire();
      await sleep(100);
      waiterZk.dropConnectionForTesting();
      await stateBecomes(waiterZk, States.CONNECTED);
      await holder.release();
      expect(await got).toBe(true);
      expect(await zks[0].getChildren(path)).toHaveLength(1);
      await waiter.release();
    });

    it('is released when the holder’s session ends', async () => {
      const path = uniquePath('lockexpire');
      const short = await clients.connect(server().connectString);
      const holder = new Lock(short, path);
      await holder.acquire();
      const waiter = new Lock(zks[0], path);
      const got = waiter.acquire();
      await short.close();
      await got;
      expect(waiter.isHeld).toBe(true);
      await waiter.release();
    });
  });

  describe('LeaderLatch', () => {
    it('elects exactly one leader and hands over when it leaves', async () => {
      const path = uniquePath('latch');
      const latches = zks.map((zk, i) => new LeaderLatch(zk, path, `p${i}`));
      for (const l of latches) await l.start();
      await until(() => latches.filter((l) => l.hasLeadership).length === 1, 10000, 'one leader');
      const leader = latches.find((l) => l.hasLeadership)!;
      expect(await latches[2].getLeaderId()).toBe(leader.id);
      expect(leader).toBe(latches[0]);
      await leader.close();
      await latches[1].awaitLeadership();
      expect(latches.filter((l) => l.hasLeadership)).toEqual([latches[1]]);
      for (const l of latches) await l.close();
    });

    it('gives up leadership while disconnected and takes it back on reconnect', async () => {
      const path = uniquePath('latchdisc');
      const zk = await clients.connect(server().connectString);
      const latch = new LeaderLatch(zk, path, 'solo');
      const seen: boolean[] = [];
      latch.isLeader$.subscribe((v) => seen.push(v));
      await latch.start();
      await latch.awaitLeadership();
      zk.dropConnectionForTesting();
      await stateBecomes(zk, States.CONNECTED);
      await until(() => latch.hasLeadership, 10000, 'leadership back');
      expect(seen).toEqual([false, true, false, true]);
      await latch.close();
    });
  });

  describe('Barrier', () => {
    it('holds waiters until the barrier is removed', async () => {
      const path = uniquePath('barrier') + '/b';
      const barrier = new Barrier(zks[0], path);
      await barrier.setBarrier();
      let passed = 0;
      const waiters = [1, 2].map((i) => new Barrier(zks[i], path).waitOnBarrier().then(() => passed++));
      await sleep(200);
      expect(passed).toBe(0);
      await barrier.removeBarrier();
      await Promise.all(waiters);
      expect(passed).toBe(2);
      await new Barrier(zks[1], path).waitOnBarrier(); // not up: passes at once
    });

    it('double barrier: nobody starts before all entered, nobody finishes before all left', async () => {
      const path = uniquePath('double');
      const log: string[] = [];
      const run = async (zk: ZooKeeper, name: string, delay: number) => {
        const b = new DoubleBarrier(zk, path, 3, name);
        await sleep(delay);
        log.push(`arrive ${name}`);
        await b.enter();
        log.push(`enter ${name}`);
        await sleep(delay);
        log.push(`work-done ${name}`);
        await b.leave();
        log.push(`left ${name}`);
      };
      await Promise.all([run(zks[0], 'a', 0), run(zks[1], 'b', 100), run(zks[2], 'c', 200)]);
      const firstEnter = log.findIndex((l) => l.startsWith('enter'));
      expect(log.slice(0, firstEnter).filter((l) => l.startsWith('arrive'))).toHaveLength(3);
      const firstLeft = log.findIndex((l) => l.startsWith('left'));
      expect(log.slice(0, firstLeft).filter((l) => l.startsWith('work-done'))).toHaveLength(3);
      expect(await zks[0].getChildren(path)).toEqual([]);
    });
  });

  describe('DistributedQueue', () => {
    it('delivers every element once, in FIFO order for one consumer', async () => {
      const path = uniquePath('queue');
      const q = new DistributedQueue(zks[0], path);
      expect(await q.poll()).toBeNull();
      for (let i = 0; i < 5; i++) await q.offer(`m${i}`);
      expect(await q.size()).toBe(5);
      expect((await q.peek())!.toString()).toBe('m0');
      const got: string[] = [];
      for (let i = 0; i < 5; i++) got.push((await q.poll())!.toString());
      expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(await q.poll()).toBeNull();
    });

    it('lets competing consumers take each element exactly once, waiting when empty', async () => {
      const path = uniquePath('queuemany');
      const consumers = zks.map((zk) => new DistributedQueue(zk, path));
      const taken: string[] = [];
      const takers = consumers.flatMap((c) => [0, 1, 2, 3].map(() => c.take().then((d) => taken.push(d.toString()))));
      await sleep(100);
      const producer = new DistributedQueue(zks[0], path);
      for (let i = 0; i < 12; i++) await producer.offer(`job${i}`);
      await Promise.all(takers);
      expect(taken.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `job${i}`).sort());
      expect(await producer.size()).toBe(0);
    });

    it('ignores children that are not queue elements', async () => {
      const path = uniquePath('queuemixed');
      const q = new DistributedQueue(zks[0], path);
      await q.offer('x');
      await zks[0].create(`${path}/other`, null, { mode: CreateMode.PERSISTENT });
      expect(await q.size()).toBe(1);
      expect((await q.take()).toString()).toBe('x');
    });
  });
});
