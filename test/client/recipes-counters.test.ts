import { IllegalArgumentError, SessionExpiredError } from '../../lib/client';
import { DistributedAtomicLong, SharedCount, connectionStates, encodeCount, encodeLong, type ConnectionStateChange } from '../../lib/client/recipes';
import { targets } from '../support/targets';
import { collect, useRecipeHarness } from './recipes-support/harness';
import { sleep, uniquePath, until } from './support/helpers';

const names = (cs: ConnectionStateChange[]) => cs.map((c) => (c.reason ? `${c.state}:${c.reason}` : c.state));

describe.each(targets)('counter recipes and connection states against $name', (target) => {
  const h = useRecipeHarness(target);

  describe('SharedCount', () => {
    it('creates the node with the seed, and trySetCount succeeds only on the version it read', async () => {
      const path = uniquePath('count') + '/c';
      const [za, zb] = await Promise.all([h.connect(), h.connect()]);
      const a = new SharedCount(za, path, 7);
      const b = new SharedCount(zb, path, 99); // the node exists: its seed is ignored
      await a.start();
      await b.start();
      expect([a.count, b.count]).toEqual([7, 7]);
      const seen = b.versionedValue;
      expect(await a.trySetCount(a.versionedValue, 8)).toBe(true);
      expect(await b.trySetCount(seen, 100)).toBe(false); // a got there first
      expect(b.count).toBe(8); // and b now knows it
      expect(await b.trySetCount(b.versionedValue, 9)).toBe(true);
      expect((await za.getData(path)).data).toEqual(encodeCount(9));
      await a.close();
      await b.close();
    });

    it('tells every client of changes through count$', async () => {
      const path = uniquePath('countwatch');
      const [za, zb] = await Promise.all([h.connect(), h.connect()]);
      const a = new SharedCount(za, path, 0);
      const b = new SharedCount(zb, path, 0);
      await a.start();
      await b.start();
      const seen = collect(b.count$);
      await a.setCount(1);
      await until(() => b.count === 1, 5000, 'b sees 1');
      await a.setCount(2);
      await until(() => b.count === 2, 5000, 'b sees 2');
      expect(seen.values).toEqual([0, 1, 2]);
      await b.close();
      expect(seen.done()).toBe(true);
      await a.close();
    });

    it('re-reads after a reconnect what changed while it was disconnected', async () => {
      const path = uniquePath('countreconnect');
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 4000 });
      const c = new SharedCount(zk, path, 0);
      await c.start();
      proxy.setDown(true);
      await sleep(100);
      await (await h.connect()).setData(path, encodeCount(42));
      expect(c.count).toBe(0);
      proxy.setDown(false);
      await until(() => c.count === 42, 10000, 'the new value');
      await c.close();
    });

    it('ends count$ with SessionExpired when the session ends under it', async () => {
      const path = uniquePath('countexpire');
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 1000 });
      const c = new SharedCount(zk, path, 0);
      await c.start();
      const seen = collect(c.count$);
      await h.cutUntilExpired(zk, proxy);
      await until(() => seen.done(), 10000, 'count$ ends');
      expect(seen.error()).toBeInstanceOf(SessionExpiredError);
    });

    it('refuses values that are not 32-bit integers and nodes that do not hold one', async () => {
      const zk = await h.connect();
      expect(() => new SharedCount(zk, '/x', 1.5)).toThrow(IllegalArgumentError);
      const path = uniquePath('countbad');
      await zk.create(path, 'not a count');
      await expect(new SharedCount(zk, path, 0).start()).rejects.toThrow(/holds 11 bytes, not a 4-byte count/);
      const ok = new SharedCount(zk, uniquePath('countrange'), 0);
      await ok.start();
      await expect(ok.setCount(2 ** 31)).rejects.toThrow(IllegalArgumentError);
      await expect(new SharedCount(zk, uniquePath('countnostart'), 0).setCount(1)).rejects.toThrow(/not started/);
    });
  });

  describe('DistributedAtomicLong', () => {
    it('reads a missing node as 0, creates it on the first update, and adds up concurrent increments', async () => {
      const path = uniquePath('long') + '/n';
      const zks = await Promise.all([h.connect(), h.connect(), h.connect()]);
      const longs = zks.map((zk) => new DistributedAtomicLong(zk, path, { maxTries: 100 }));
      expect(await longs[0].get()).toEqual({ succeeded: true, preValue: 0n, postValue: 0n });
      const results = await Promise.all(longs.flatMap((l) => [1, 2, 3, 4, 5].map(() => l.increment())));
      expect(results.every((r) => r.succeeded)).toBe(true);
      expect(results.map((r) => r.postValue).sort((x, y) => Number(x - y))).toEqual(Array.from({ length: 15 }, (_, i) => BigInt(i + 1)));
      expect((await zks[0].getData(path)).data).toEqual(encodeLong(15n));
    });

    it('compareAndSet changes the value only when it is the expected one', async () => {
      const l = new DistributedAtomicLong(await h.connect(), uniquePath('longcas'));
      expect(await l.initialize(10n)).toBe(true);
      expect(await l.initialize(11n)).toBe(false);
      expect(await l.compareAndSet(9n, 20n)).toEqual({ succeeded: false, preValue: 10n, postValue: 10n });
      expect(await l.compareAndSet(10n, 20n)).toEqual({ succeeded: true, preValue: 10n, postValue: 20n });
      expect((await l.subtract(25n)).postValue).toBe(-5n);
      await l.forceSet(1n << 62n);
      expect((await l.get()).postValue).toBe(1n << 62n);
      await expect(l.add(1 as never)).rejects.toThrow(IllegalArgumentError);
      await expect(l.trySet(1n << 63n)).rejects.toThrow(IllegalArgumentError);
    });
  });

  describe('connectionStates', () => {
    it('reports CONNECTED, then SUSPENDED and RECONNECTED across a dropped connection', async () => {
      const { zk, proxy } = await h.connectViaProxy();
      const seen = collect(connectionStates(zk));
      proxy.dropAll();
      await until(() => seen.values.length === 3, 10000, 'reconnected');
      expect(names(seen.values)).toEqual(['CONNECTED', 'SUSPENDED', 'RECONNECTED']);
    });

    it('reports LOST:timeout after lostAfterMs cut off, and RECONNECTED if the session survived', async () => {
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 4000 });
      const seen = collect(connectionStates(zk, { lostAfterMs: 200 }));
      proxy.setDown(true);
      await until(() => seen.values.length === 3, 5000, 'lost');
      proxy.setDown(false);
      await until(() => seen.values.length === 4, 10000, 'reconnected');
      expect(names(seen.values)).toEqual(['CONNECTED', 'SUSPENDED', 'LOST:timeout', 'RECONNECTED']);
      expect(seen.done()).toBe(false);
    });

    it('reports LOST:expired and completes when the server expired the session', async () => {
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 1000 });
      const seen = collect(connectionStates(zk, { lostAfterMs: 0 }));
      await h.cutUntilExpired(zk, proxy);
      await until(() => seen.done(), 10000, 'completed');
      expect(names(seen.values)).toEqual(['CONNECTED', 'SUSPENDED', 'LOST:expired']);
    });

    it('reports LOST:closed when the client is closed, and at once for a client already closed', async () => {
      const zk = await h.connect();
      const seen = collect(connectionStates(zk));
      await zk.close();
      await until(() => seen.done(), 5000, 'completed');
      expect(names(seen.values)).toEqual(['CONNECTED', 'LOST:closed']);
      const late = collect(connectionStates(zk));
      expect(names(late.values)).toEqual(['LOST:closed']);
      expect(late.done()).toBe(true);
    });
  });
});
