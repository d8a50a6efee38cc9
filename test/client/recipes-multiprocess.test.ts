import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ZooKeeper } from '../../lib/client';
import { decodeCount, encodeCount, sortBySequence } from '../../lib/client/recipes';
import { targets, useServer } from '../support/targets';
import { END_PILL } from './recipes-support/protocol';
import { until } from './recipes-support/harness';
import { checkDoubleBarrier, checkExclusive, checkReadWrite } from './recipes-support/log-check';
import { killAll, startWorkers, type RecipeWorker } from './recipes-support/workers';
import { Clients, sleep, uniquePath } from './support/helpers';

/**
 * The recipes under contention from several processes: four workers (child processes, each
 * with its own client and session) against one server, checked through a shared append-only
 * log and the znodes themselves. Then the hard case: a holder frozen (SIGSTOP) past its
 * session timeout loses what it held, another process takes over, and once thawed the frozen
 * one is told.
 */
const WORKERS = 4;
/** Short enough that the freeze tests take about two seconds each. */
const SHORT_SESSION = 1000;
/** How long a frozen process stays frozen after another has taken over. */
const FROZEN_AFTER_TAKEOVER_MS = 300;

describe.each(targets)('recipes across processes against $name', (target) => {
  // tickTime 200: sessions may be as short as 400 ms and as long as 4 s.
  const server = useServer(target, { tickTime: 200 });
  const clients = new Clients();
  let ws: RecipeWorker[] = [];
  let admin: ZooKeeper;
  let dir: string;
  server.atStop(() => clients.closeAll());
  server.atStop(() => killAll(ws));

  const connectAll = (sessionTimeout = 4000) => Promise.all(ws.map((w) => w.call({ op: 'connect', connectString: server().connectString, sessionTimeout })));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-recipes-'));
    ws = await startWorkers(WORKERS);
    admin = await clients.connect(server().connectString);
    await connectAll();
  }, 60000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('mutex: four processes never hold it at once, and no unversioned increment is lost', async () => {
    const path = uniquePath('mutex');
    const counter = `${path}-counter`;
    const log = join(dir, 'mutex.log');
    await admin.create(counter, '0');
    const iterations = 10;
    await Promise.all(ws.map((w) => w.call({ op: 'mutex', path, iterations, log, counter, holdMs: 3 }, 30000)));
    const sections = checkExclusive(log, 'enter', 'exit');
    expect([...sections.values()]).toEqual(Array(WORKERS).fill(iterations));
    expect((await admin.getData(counter)).data!.toString()).toBe(String(WORKERS * iterations));
    expect(await admin.getChildren(path)).toEqual([]);
  });

  it('read/write lock: a writer is alone, readers share, across processes', async () => {
    const path = uniquePath('rw');
    const log = join(dir, 'rw.log');
    await Promise.all(ws.map((w) => w.call({ op: 'rwlock', path, iterations: 12, writeEvery: 4, log, holdMs: 15 }, 30000)));
    const { maxReaders, reads, writes } = checkReadWrite(log);
    expect({ reads, writes }).toEqual({ reads: WORKERS * 9, writes: WORKERS * 3 });
    expect(maxReaders).toBeGreaterThan(1); // readers really did overlap
    expect(await admin.getChildren(path)).toEqual([]);
  });

  it('leader selector: exactly one leader at a time, each process leads its rounds and requeues', async () => {
    const path = uniquePath('elect');
    const log = join(dir, 'elect.log');
    const led = await Promise.all(ws.map((w) => w.call<number>({ op: 'elect', path, rounds: 3, log, holdMs: 20 }, 30000)));
    expect(led).toEqual(Array(WORKERS).fill(3));
    const terms = checkExclusive(log, 'lead+', 'lead-');
    expect([...terms.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(WORKERS * 3);
  });

  it('shared count: compare-and-set increments from four processes all count', async () => {
    const path = uniquePath('count');
    const attempts = await Promise.all(ws.map((w) => w.call<number>({ op: 'count', path, increments: 10 }, 30000)));
    expect(decodeCount((await admin.getData(path)).data, path)).toBe(WORKERS * 10);
    // Conflicts happened and were retried, never lost.
    expect(attempts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(WORKERS * 10);
  });

  it('queue: consumers in four processes take every item exactly once', async () => {
    const path = uniquePath('queue');
    const consumed = ws.map((w) => w.call<string[]>({ op: 'consume', path }, 30000));
    const items = (p: string) => Array.from({ length: 20 }, (_, i) => `${p}-${i}`);
    await Promise.all([ws[0].call({ op: 'produce', path, items: items('a'), pills: 0 }), ws[1].call({ op: 'produce', path, items: items('b'), pills: 0 })]);
    await ws[2].call({ op: 'produce', path, items: [], pills: WORKERS });
    const got = (await Promise.all(consumed)).flat();
    expect(got.sort()).toEqual([...items('a'), ...items('b')].sort());
    expect(got).not.toContain(END_PILL);
    // The consumers' claim markers go right after each take (without being waited for).
    await until(async () => (await admin.getChildren(path)).length === 0, 5000, 'queue empty');
  });

  it('double barrier: four processes enter together and leave together', async () => {
    const path = uniquePath('double');
    const log = join(dir, 'double.log');
    const runs: Promise<unknown>[] = [];
    for (const [i, w] of ws.entries()) {
      runs.push(w.call({ op: 'double-barrier', path, size: WORKERS, name: w.name, log, workMs: 20 * (i + 1) }));
      await sleep(50);
    }
    await Promise.all(runs);
    checkDoubleBarrier(log, WORKERS);
    expect(await admin.getChildren(path)).toEqual([]);
  });

  describe('a process frozen past its session timeout', () => {
    afterEach(async () => {
      for (const w of ws) w.thaw();
      await connectAll();
    });

    it('loses the mutex it held: another process takes it, and the frozen one hears "lost" on waking', async () => {
      const path = uniquePath('frozenlock');
      const [frozen, next] = ws;
      await frozen.call({ op: 'connect', connectString: server().connectString, sessionTimeout: SHORT_SESSION });
      const heldNode = await frozen.call<string>({ op: 'hold-lock', path });
      const waiting = next.call<string>({ op: 'hold-lock', path }, 20000);
      await sleep(200);
      expect(next.events.filter((e) => e.event === 'lock')).toEqual([]); // still waiting behind the holder

      frozen.freeze();
      const takenNode = await waiting; // the server expired the frozen session and removed its node
      await sleep(FROZEN_AFTER_TAKEOVER_MS);
      expect(sortBySequence(await admin.getChildren(path)).map((c) => `${path}/${c}`)).toEqual([takenNode]);
      frozen.thaw();

      const lost = await frozen.nextEvent((e) => e.event === 'lock' && (e.data as { type: string }).type === 'lost', 15000);
      expect(['expired', 'timeout']).toContain((lost.data as { reason: string }).reason);
      await frozen.nextEvent((e) => e.event === 'session' && e.data === -112 /* Expired */, 15000);
      expect(await admin.exists(heldNode)).toBeNull();
      expect(await admin.exists(takenNode)).not.toBeNull();
    }, 30000);

    it('loses leadership: another process leads, and the frozen leader is cancelled and told its session is lost', async () => {
      const path = uniquePath('frozenleader');
      const [frozen, next] = ws.slice(2);
      await frozen.call({ op: 'connect', connectString: server().connectString, sessionTimeout: SHORT_SESSION });
      const isLeading = (e: { event: string; data: unknown }) => e.event === 'selector' && (e.data as { type: string }).type === 'leading';
      await frozen.call({ op: 'lead', path });
      await frozen.nextEvent(isLeading);
      await next.call({ op: 'lead', path });
      await sleep(200);
      expect(next.events.some(isLeading)).toBe(false);

      frozen.freeze();
      await next.nextEvent(isLeading, 15000);
      await sleep(FROZEN_AFTER_TAKEOVER_MS);
      frozen.thaw();

      const cancelled = await frozen.nextEvent((e) => e.event === 'selector' && (e.data as { type: string }).type === 'cancelled', 15000);
      expect(['suspended', 'lost:expired', 'lost:timeout']).toContain((cancelled.data as { reason: string }).reason);
      await frozen.nextEvent((e) => e.event === 'selector' && (e.data as { type: string }).type === 'session-lost', 15000);
      const children = await admin.getChildren(path);
      expect(children).toHaveLength(1); // only the new leader's node
    }, 30000);
  });
});

// The counter's bytes are Curator's: a 4-byte big-endian int.
test('SharedCount bytes are a 4-byte big-endian int, as Curator writes them', () => {
  expect(encodeCount(258)).toEqual(Buffer.from([0, 0, 1, 2]));
  expect(decodeCount(Buffer.from([0xff, 0xff, 0xff, 0xfe]), '/c')).toBe(-2);
});
