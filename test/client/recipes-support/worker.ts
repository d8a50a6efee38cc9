/**
 * A recipe worker: a separate process with its own zoolab client, driven by the test over
 * the IPC channel (see protocol.ts). Started with `node -r ./swc-register.js worker.ts`, so
 * it runs the TypeScript sources as they are. Writes to the shared log file are single
 * appendFileSync calls (O_APPEND), so lines from all workers interleave whole and in the
 * order they happened.
 */
import { appendFileSync } from 'node:fs';
import { ZooKeeper } from '../../../lib/client';
import { DistributedQueue, DoubleBarrier, LeaderSelector, Lock, ReadWriteLock, SharedCount } from '../../../lib/client/recipes';
import { END_PILL, type Command, type Reply, type WorkerEvent } from './protocol';

const wid = process.env.RECIPE_WORKER_ID ?? String(process.pid);
let zk: ZooKeeper | null = null;

function client(): ZooKeeper {
  if (!zk) throw new Error('not connected');
  return zk;
}

function report(event: string, data: unknown): void {
  const m: WorkerEvent = { event, data };
  process.send?.(m);
}

function log(file: string, line: string): void {
  appendFileSync(file, `${line}\n`);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

async function run(c: Command): Promise<unknown> {
  switch (c.op) {
    case 'connect': {
      await zk?.close();
      zk = await ZooKeeper.connect(c.connectString, { sessionTimeout: c.sessionTimeout, reconnectDelayMs: 50, spinDelayMs: 100 });
      zk.events$.subscribe((e) => report('session', e.state));
      return zk.sessionId.toString(16);
    }
    case 'mutex': {
      const lock = new Lock(client(), c.path);
      for (let i = 0; i < c.iterations; i++) {
        await lock.acquire();
        log(c.log, `enter ${wid} ${i}`);
        // Unversioned read-modify-write: two holders at once would lose an increment.
        const { data } = await client().getData(c.counter);
        await sleep(c.holdMs);
        await client().setData(c.counter, String(Number(data!.toString()) + 1));
        log(c.log, `exit ${wid} ${i}`);
        await lock.release();
      }
      return null;
    }
    case 'rwlock': {
      const rw = new ReadWriteLock(client(), c.path);
      for (let i = 0; i < c.iterations; i++) {
        const write = i % c.writeEvery === c.writeEvery - 1;
        const half = write ? rw.writeLock : rw.readLock;
        const tag = write ? 'w' : 'r';
        await half.acquire();
        log(c.log, `${tag}+ ${wid} ${i}`);
        await sleep(c.holdMs);
        log(c.log, `${tag}- ${wid} ${i}`);
        await half.release();
      }
      return null;
    }
    case 'elect': {
      let led = 0;
      let finish: () => void = () => undefined;
      const done = new Promise<void>((r) => (finish = r));
      const sel = new LeaderSelector(
        client(),
        c.path,
        async ({ signal }) => {
          log(c.log, `lead+ ${wid} ${led}`);
          await sleep(c.holdMs, signal);
          log(c.log, `lead- ${wid} ${led}`);
          if (++led >= c.rounds) finish();
        },
        { id: wid, autoRequeue: true },
      );
      sel.start();
      await done;
      await sel.close();
      return led;
    }
    case 'hold-lock': {
      const lock = new Lock(client(), c.path);
      lock.events$.subscribe((e) => report('lock', e));
      await lock.acquire();
      return lock.nodePath;
    }
    case 'lead': {
      const sel = new LeaderSelector(client(), c.path, ({ signal }) => new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true })), {
        id: wid,
      });
      sel.events$.subscribe((e) => report('selector', e));
      sel.start();
      return null;
    }
    case 'produce': {
      const q = new DistributedQueue(client(), c.path);
      for (const item of c.items) await q.offer(item);
      for (let i = 0; i < c.pills; i++) await q.offer(END_PILL);
      return null;
    }
    case 'consume': {
      const q = new DistributedQueue(client(), c.path);
      const got: string[] = [];
      for (;;) {
        const item = (await q.take()).toString();
        if (item === END_PILL) return got;
        got.push(item);
      }
    }
    case 'double-barrier': {
      const b = new DoubleBarrier(client(), c.path, c.size, c.name);
      log(c.log, `arrive ${c.name}`);
      await b.enter();
      log(c.log, `enter ${c.name}`);
      await sleep(c.workMs);
      log(c.log, `work-done ${c.name}`);
      await b.leave();
      log(c.log, `left ${c.name}`);
      return null;
    }
    case 'count': {
      const counter = new SharedCount(client(), c.path, 0);
      await counter.start();
      let attempts = 0;
      for (let i = 0; i < c.increments; i++) {
        for (;;) {
          attempts++;
          const v = counter.versionedValue;
          if (await counter.trySetCount(v, v.value + 1)) break;
        }
      }
      await counter.close();
      return attempts;
    }
    case 'close': {
      await zk?.close();
      zk = null;
      return null;
    }
  }
}

process.on('message', (msg: { id: number; command: Command }) => {
  run(msg.command).then(
    (value) => process.send?.({ id: msg.id, ok: true, value } satisfies Reply),
    (e: Error) => process.send?.({ id: msg.id, ok: false, error: `${e.name}: ${e.message}` } satisfies Reply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ event: 'ready', data: wid } satisfies WorkerEvent);
