import { Ids, NoAuthError, States } from '../../lib/client';
import { LeaderLatch, LeaderSelector, nextLeadership, type LeaderSelectorEvent, type LeadershipContext } from '../../lib/client/recipes';
import { targets } from '../support/targets';
import { collect, until as untilAsync, useRecipeHarness } from './recipes-support/harness';
import { sleep, stateBecomes, uniquePath, until } from './support/helpers';

const kinds = (es: LeaderSelectorEvent[]) =>
  es.map((e) => (e.type === 'cancelled' ? `cancelled:${e.reason}` : e.type === 'relinquished' && e.error ? 'relinquished:error' : e.type));

/** A takeLeadership that leads until the test lets go (or the signal aborts), logging who leads. */
function controlled(log: string[]) {
  const releases = new Map<string, () => void>();
  const take = async ({ id, signal }: LeadershipContext) => {
    log.push(`+${id}`);
    await new Promise<void>((resolve) => {
      releases.set(id, resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log.push(`-${id}`);
  };
  const letGo = (id: string) => releases.get(id)?.();
  return { take, letGo };
}

describe.each(targets)('election recipes against $name', (target) => {
  const h = useRecipeHarness(target);

  describe('LeaderSelector', () => {
    it('holds leadership until takeLeadership returns, then hands it to the next in line', async () => {
      const path = uniquePath('sel');
      const log: string[] = [];
      const { take, letGo } = controlled(log);
      const zks = await Promise.all([h.connect(), h.connect(), h.connect()]);
      const sels = zks.map((zk, i) => new LeaderSelector(zk, path, take, { id: `p${i}` }));
      for (const [i, s] of sels.entries()) {
        s.start();
        // Queue in this order: wait for each one's node before starting the next.
        await untilAsync(async () => (await zks[0].getChildren(path).catch(() => [])).length === i + 1, 5000, 'queued');
      }
      await until(() => log.length === 1, 5000, 'first leader');
      expect(log).toEqual(['+p0']);
      expect((await sels[2].getParticipants()).map((p) => [p.id, p.isLeader])).toEqual([
        ['p0', true],
        ['p1', false],
        ['p2', false],
      ]);
      letGo('p0');
      await until(() => log.length === 3, 5000, 'second leader');
      expect(sels.map((s) => s.hasLeadership)).toEqual([false, true, false]);
      letGo('p1');
      await until(() => log.length === 5, 5000, 'third leader');
      expect((await sels[0].getLeader())?.id).toBe('p2');
      letGo('p2');
      await until(() => log.length === 6, 5000, 'done');
      expect(log).toEqual(['+p0', '-p0', '+p1', '-p1', '+p2', '-p2']);
      await sleep(100);
      expect(await zks[0].getChildren(path)).toEqual([]); // nobody requeued
      for (const s of sels) await s.close();
    });

    it('with autoRequeue leads again and again, taking turns', async () => {
      const path = uniquePath('selrequeue');
      const log: string[] = [];
      const zks = await Promise.all([h.connect(), h.connect()]);
      const sels = zks.map(
        (zk, i) =>
          new LeaderSelector(
            zk,
            path,
            async ({ id }) => {
              log.push(`+${id}`);
              await sleep(10);
              log.push(`-${id}`);
            },
            { id: `p${i}`, autoRequeue: true },
          ),
      );
      sels.forEach((s) => s.start());
      await until(() => log.filter((l) => l === '-p0').length >= 3 && log.filter((l) => l === '-p1').length >= 3, 10000, 'turns');
      await Promise.all(sels.map((s) => s.close()));
      for (let i = 0; i + 1 < log.length; i += 2) expect(log[i + 1]).toBe(`-${log[i].slice(1)}`); // no overlap
    });

    it('interruptLeadership aborts the callback and passes leadership on; requeue() queues once more', async () => {
      const path = uniquePath('selinterrupt');
      const log: string[] = [];
      const { take, letGo } = controlled(log);
      const a = new LeaderSelector(await h.connect(), path, take, { id: 'a' });
      const b = new LeaderSelector(await h.connect(), path, take, { id: 'b' });
      const aEvents = collect(a.events$);
      a.start();
      await nextLeadership(a);
      b.start();
      await sleep(100);
      a.interruptLeadership();
      await nextLeadership(b);
      // b hears of a's deleted node on its own connection, maybe before a's delete reply.
      await until(() => kinds(aEvents.values).includes('relinquished'), 10000, 'a relinquished');
      expect(kinds(aEvents.values)).toEqual(['leading', 'cancelled:interrupted', 'relinquished']);
      a.requeue();
      await sleep(100);
      expect(a.hasLeadership).toBe(false);
      letGo('b');
      await nextLeadership(a);
      expect(log).toEqual(['+a', '-a', '+b', '-b', '+a']);
      await a.close();
      await b.close();
    });

    it('close() cancels leadership with reason closed and removes the node', async () => {
      const path = uniquePath('selclose');
      const zk = await h.connect();
      let reason: unknown;
      const sel = new LeaderSelector(zk, path, ({ signal }) => new Promise<void>((r) => signal.addEventListener('abort', () => ((reason = signal.reason), r()))));
      sel.start();
      await nextLeadership(sel);
      await sel.close();
      expect(reason).toBe('closed');
      expect(await zk.getChildren(path)).toEqual([]);
      const waiting = new LeaderSelector(zk, path, () => undefined);
      const holder = new LeaderSelector(await h.connect(), path, () => new Promise(() => undefined));
      holder.start();
      await nextLeadership(holder);
      waiting.start();
      await sleep(100);
      await waiting.close(); // withdraws its queued node
      expect(await zk.getChildren(path)).toHaveLength(1);
    });

    it('relinquishes with the error when takeLeadership throws, and the next leads', async () => {
      const path = uniquePath('selthrow');
      const a = new LeaderSelector(await h.connect(), path, () => Promise.reject(new Error('boom')), { id: 'a' });
      const b = new LeaderSelector(await h.connect(), path, () => new Promise(() => undefined), { id: 'b' });
      const events = collect(a.events$);
      a.start();
      await until(() => events.values.length > 0, 5000, 'a to lead first');
      b.start();
      await nextLeadership(b);
      await until(() => kinds(events.values).includes('relinquished:error'), 10000, 'a relinquished');
      expect(kinds(events.values)).toEqual(['leading', 'relinquished:error']);
      await a.close();
    });

    it('cancels leadership when the connection drops and, with autoRequeue, leads again after the reconnect', async () => {
      const path = uniquePath('selsuspend');
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 4000 });
      const sel = new LeaderSelector(zk, path, ({ signal }) => new Promise<void>((r) => signal.addEventListener('abort', () => r())), { autoRequeue: true });
      const events = collect(sel.events$);
      sel.start();
      await nextLeadership(sel);
      proxy.dropAll();
      await until(() => events.values.filter((e) => e.type === 'leading').length === 2, 10000, 'leading again');
      expect(kinds(events.values)).toEqual(['leading', 'cancelled:suspended', 'relinquished', 'leading']);
      expect(await zk.getChildren(path)).toHaveLength(1);
      await sel.close();
    });

    it('keeps leading across a dropped connection when cancelOnSuspend is false', async () => {
      const path = uniquePath('selnocancel');
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 4000 });
      const sel = new LeaderSelector(zk, path, ({ signal }) => new Promise<void>((r) => signal.addEventListener('abort', () => r())), { cancelOnSuspend: false });
      const events = collect(sel.events$);
      sel.start();
      await nextLeadership(sel);
      proxy.dropAll();
      await stateBecomes(zk, States.CONNECTING);
      await stateBecomes(zk, States.CONNECTED);
      await sleep(100);
      expect(sel.hasLeadership).toBe(true);
      expect(kinds(events.values)).toEqual(['leading']);
      await sel.close();
    });

    it('cancels a leader whose session expires, reports session-lost, and a waiting participant leads', async () => {
      const path = uniquePath('selexpire');
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 1000 });
      const never = ({ signal }: LeadershipContext) => new Promise<void>((r) => signal.addEventListener('abort', () => r()));
      const a = new LeaderSelector(zk, path, never, { id: 'a', cancelOnSuspend: false, autoRequeue: true });
      const b = new LeaderSelector(await h.connect(), path, never, { id: 'b' });
      const events = collect(a.events$);
      a.start();
      await nextLeadership(a);
      b.start();
      proxy.setDown(true);
      await nextLeadership(b);
      proxy.setDown(false);
      await until(() => events.values.some((e) => e.type === 'session-lost'), 10000, 'session-lost');
      expect(kinds(events.values)).toEqual(['leading', 'cancelled:lost:timeout', 'relinquished', 'session-lost']);
      expect(a.hasLeadership).toBe(false);
      await b.close();
    });

    it('reports a failed acquire (no permission to join) instead of retrying silently', async () => {
      const path = uniquePath('selnoauth');
      const zk = await h.connect();
      await zk.create(path, null, { acl: Ids.READ_ACL_UNSAFE() });
      const sel = new LeaderSelector(zk, path, () => undefined);
      const events = collect(sel.events$);
      sel.start();
      await until(() => events.values.length > 0, 5000, 'an event');
      expect(events.values[0]).toMatchObject({ type: 'acquire-failed', error: expect.any(NoAuthError) });
      await sel.close();
    });

    it('refuses bad use with typed errors', async () => {
      const zk = await h.connect();
      expect(() => new LeaderSelector(zk, '/x', null as never)).toThrow(/takeLeadership must be a function/);
      const sel = new LeaderSelector(zk, uniquePath('selbad'), () => undefined);
      expect(() => sel.requeue()).toThrow(/not running/);
      sel.start();
      expect(() => sel.start()).toThrow(/started once/);
      await sel.close();
    });
  });

  describe('LeaderLatch', () => {
    it('loses leadership for good when its session expires, and another latch leads', async () => {
      const path = uniquePath('latchexpire');
      const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 1000 });
      const a = new LeaderLatch(zk, path, 'a');
      const b = new LeaderLatch(await h.connect(), path, 'b');
      const seen = collect(a.isLeader$);
      await a.start();
      await a.awaitLeadership();
      await b.start();
      proxy.setDown(true);
      await b.awaitLeadership();
      proxy.setDown(false);
      await until(() => a.state === 'LOST', 10000, 'latch lost');
      expect(seen.values).toEqual([false, true, false]);
      expect(seen.done()).toBe(true);
      expect(await b.getLeaderId()).toBe('b');
      await b.close();
    });

    it('requeues with a new node when its node was removed behind its back', async () => {
      const path = uniquePath('latchdeleted');
      const zk = await h.connect();
      const latch = new LeaderLatch(zk, path, 'x');
      await latch.start();
      await latch.awaitLeadership();
      const [node] = await zk.getChildren(path);
      const other = new LeaderLatch(await h.connect(), path, 'y');
      await other.start();
      await zk.delete(`${path}/${node}`);
      await other.awaitLeadership();
      await other.close();
      await until(() => latch.hasLeadership, 5000, 'latch leads again');
      expect((await zk.getChildren(path)).length).toBe(1);
      await latch.close();
    });
  });
});
