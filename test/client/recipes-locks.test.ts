import { States, SessionExpiredError } from '../../lib/client';
import { Lock, ReadWriteLock, sortBySequence, type LockEvent } from '../../lib/client/recipes';
import { targets } from '../support/targets';
import { collect, hexSession, useRecipeHarness } from './recipes-support/harness';
import { sleep, stateBecomes, uniquePath, until } from './support/helpers';

const types = (es: LockEvent[]) => es.map((e) => (e.type === 'lost' ? `lost:${e.reason}` : e.type));

describe.each(targets)('lock recipes against $name', (target) => {
  const h = useRecipeHarness(target);

  describe('ReadWriteLock', () => {
    it('lets readers share it while a writer waits for all of them', async () => {
      const path = uniquePath('rwshare');
      const [a, b, c] = await Promise.all([h.connect(), h.connect(), h.connect()]);
      const r1 = new ReadWriteLock(a, path).readLock;
      const r2 = new ReadWriteLock(b, path).readLock;
      const w = new ReadWriteLock(c, path).writeLock;
      expect(await r1.acquire()).toBe(true);
      expect(await r2.acquire({ timeoutMs: 2000 })).toBe(true);
      expect(await w.acquire({ timeoutMs: 300 })).toBe(false);
      const got = w.acquire();
      await r1.release();
      await sleep(100);
      expect(w.isHeld).toBe(false); // one reader still in
      await r2.release();
      expect(await got).toBe(true);
      await w.release();
      expect(await a.getChildren(path)).toEqual([]);
    });

    it('keeps a reader that comes after a queued writer out until that writer is done', async () => {
      const path = uniquePath('rwfair');
      const [a, b, c] = await Promise.all([h.connect(), h.connect(), h.connect()]);
      const r1 = new ReadWriteLock(a, path).readLock;
      const w = new ReadWriteLock(b, path).writeLock;
      const r2 = new ReadWriteLock(c, path).readLock;
      await r1.acquire();
      const wGot = w.acquire();
      await until(() => false === w.isHeld && w.nodePath !== null, 5000, 'writer queued');
      await sleep(50);
      expect(await r2.acquire({ timeoutMs: 300 })).toBe(false); // not past the writer
      const r2Got = r2.acquire();
      await r1.release();
      await wGot;
      await sleep(100);
      expect(r2.isHeld).toBe(false);
      await w.release();
      expect(await r2Got).toBe(true);
      await r2.release();
    });

    it('herd-free: a reader watches only the nearest earlier writer, a writer only its predecessor', async () => {
      const path = uniquePath('rwwatch');
      const zks = await Promise.all([0, 1, 2, 3, 4].map(() => h.connect()));
      const [r1, w1, r2, r3, w2] = [
        new ReadWriteLock(zks[0], path).readLock,
        new ReadWriteLock(zks[1], path).writeLock,
        new ReadWriteLock(zks[2], path).readLock,
        new ReadWriteLock(zks[3], path).readLock,
        new ReadWriteLock(zks[4], path).writeLock,
      ];
      await r1.acquire();
      const pending: Promise<boolean>[] = [];
      for (const l of [w1, r2, r3, w2]) {
        // One at a time, so the sequence numbers come in this order.
        pending.push(l.acquire().catch(() => false));
        await until(() => l.nodePath !== null, 5000, 'queued');
      }
      await sleep(200);
      const nodes = sortBySequence(await zks[0].getChildren(path)).map((n) => `${path}/${n}`);
      expect(nodes.map((n) => n.split('/').pop()!.split('-')[0])).toEqual(['read', 'write', 'read', 'read', 'write']);
      const watches = await h.watchesBySession();
      expect(watches.get(hexSession(zks[1]))).toEqual([nodes[0]]); // w1 → r1
      expect(watches.get(hexSession(zks[2]))).toEqual([nodes[1]]); // r2 → w1
      expect(watches.get(hexSession(zks[3]))).toEqual([nodes[1]]); // r3 → w1, not r2
      expect(watches.get(hexSession(zks[4]))).toEqual([nodes[3]]); // w2 → r3
      await r1.release();
      await pending[0];
      await w1.release();
      await Promise.all([pending[1], pending[2]]); // both readers in together
      expect(r2.isHeld && r3.isHeld).toBe(true);
      await r2.release();
      await r3.release();
      await pending[3];
      await w2.release();
    });

    it('lets the holder of the write lock take the read lock too (downgrade)', async () => {
      const path = uniquePath('rwdown');
      const rw = new ReadWriteLock(await h.connect(), path);
      await rw.writeLock.acquire();
      expect(await rw.readLock.acquire({ timeoutMs: 1000 })).toBe(true);
      await rw.writeLock.release();
      expect(rw.readLock.isHeld).toBe(true);
      await rw.readLock.release();
    });
  });

  describe('Lock and the session', () => {
    it('keeps the lock across a dropped connection, reporting suspended then reconnected', async () => {
      const path = uniquePath('locksusp');
      const { zk, proxy } = await h.connectViaProxy();
      const lock = new Lock(zk, path);
      const events = collect(lock.events$);
      await lock.acquire();
      proxy.dropAll();
      await until(() => lock.isSuspended, 5000, 'suspended');
      expect(lock.isHeld).toBe(true);
      await until(() => events.values.some((e) => e.type === 'reconnected'), 10000, 'reconnected');
      expect(types(events.values)).toEqual(['acquired', 'suspended', 'reconnected']);
      expect(lock.isSuspended).toBe(false);
      expect(await zk.exists(lock.nodePath!)).not.toBeNull();
      await lock.release();
      expect(types(events.values)).toEqual(['acquired', 'suspended', 'reconnected', 'released']);
    });

    it('gives the lock up after lostAfterMs cut off, and deletes its node once it can so a waiter gets in', async () => {
      const path = uniquePath('locktimeout');
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 4000 });
      const lock = new Lock(zk, path, { lostAfterMs: 300 });
      const events = collect(lock.events$);
      await lock.acquire();
      const node = lock.nodePath!;
      const waiter = new Lock(await h.connect(), path);
      const waiting = waiter.acquire();
      proxy.setDown(true);
      await until(() => events.values.some((e) => e.type === 'lost'), 5000, 'lost');
      expect(types(events.values)).toEqual(['acquired', 'suspended', 'lost:timeout']);
      expect(lock.isHeld).toBe(false);
      expect(waiter.isHeld).toBe(false); // the session lives on the server: its node still blocks
      proxy.setDown(false);
      expect(await waiting).toBe(true); // the stale node was deleted after the reconnect
      expect(await zk.exists(node)).toBeNull();
      expect(zk.state).toBe(States.CONNECTED);
      await waiter.release();
    });

    it('loses the lock when its session expires: lost, node gone, a waiter takes over', async () => {
      const path = uniquePath('lockexpire');
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 1000 });
      const lock = new Lock(zk, path);
      const events = collect(lock.events$);
      await lock.acquire();
      const waiter = new Lock(await h.connect(), path);
      const waiting = waiter.acquire();
      proxy.setDown(true);
      expect(await waiting).toBe(true); // the server expired the holder's session
      await until(() => !lock.isHeld, 5000, 'holder gives up');
      expect(types(events.values)).toEqual(['acquired', 'suspended', 'lost:timeout']);
      proxy.setDown(false);
      await stateBecomes(zk, States.CLOSED, 10000);
      expect(lock.nodePath).toBeNull();
      await waiter.release();
    });

    it('fails a waiting acquire with SessionExpired when the session ends, leaving no node', async () => {
      const path = uniquePath('lockwaitexpire');
      const holder = new Lock(await h.connect(), path);
      await holder.acquire();
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 1000 });
      const waiting = new Lock(zk, path).acquire();
      await sleep(100);
      await h.cutUntilExpired(zk, proxy);
      await expect(waiting).rejects.toBeInstanceOf(SessionExpiredError);
      expect(await (await h.connect()).getChildren(path)).toHaveLength(1);
      await holder.release();
    });

    it('finishes a release made while disconnected once the connection is back', async () => {
      const path = uniquePath('lockrelease');
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 4000 });
      const lock = new Lock(zk, path);
      await lock.acquire();
      const node = lock.nodePath!;
      proxy.setDown(true);
      await stateBecomes(zk, States.CONNECTING);
      let released = false;
      const release = lock.release().then(() => (released = true));
      await sleep(300);
      expect(released).toBe(false);
      expect(lock.isHeld).toBe(false);
      proxy.setDown(false);
      await release;
      expect(await zk.exists(node)).toBeNull();
    });

    it('withdraws a waiting acquire when its AbortSignal fires', async () => {
      const path = uniquePath('lockabort');
      const zk = await h.connect();
      const holder = new Lock(zk, path);
      await holder.acquire();
      const ctl = new AbortController();
      const waiting = new Lock(await h.connect(), path).acquire({ signal: ctl.signal });
      await sleep(100);
      ctl.abort(new Error('no longer needed'));
      await expect(waiting).rejects.toThrow('no longer needed');
      expect(await zk.getChildren(path)).toHaveLength(1);
      await holder.release();
    });

    it('refuses a second acquire on the same instance with a typed error', async () => {
      const lock = new Lock(await h.connect(), uniquePath('locktwice'));
      const first = lock.acquire();
      await expect(lock.acquire()).rejects.toThrow(/already held or being acquired/); // while the first is under way
      await first;
      await expect(lock.acquire()).rejects.toThrow(/already held or being acquired/);
      await lock.release();
      expect(() => new Lock(null as never, 'no-slash')).toThrow(/Path must start with/);
    });
  });
});
