import { firstValueFrom, filter, take, tap, throwError, timeout, toArray, type Observable } from 'rxjs';
import { ZooKeeper, States, type WatchedEvent, type ZooKeeperOptions } from '../../../lib/client';

/**
 * Client-side test helpers. Clients made here reconnect quickly (no 1 s jitter), and every
 * client a test makes is closed afterwards by `closeAll`, even when the test failed.
 */
export const FAST: ZooKeeperOptions = { sessionTimeout: 4000, reconnectDelayMs: 50, spinDelayMs: 100 };

export class Clients {
  private readonly made: ZooKeeper[] = [];

  async connect(connectString: string, opts: ZooKeeperOptions = {}): Promise<ZooKeeper> {
    const zk = new ZooKeeper(connectString, { ...FAST, ...opts });
    this.made.push(zk);
    await zk.waitForConnected(15000);
    return zk;
  }

  /** A client not yet connected (for tests that watch the state from the start). */
  create(connectString: string, opts: ZooKeeperOptions = {}): ZooKeeper {
    const zk = new ZooKeeper(connectString, { ...FAST, ...opts });
    this.made.push(zk);
    return zk;
  }

  async closeAll(): Promise<void> {
    const all = this.made.splice(0);
    await Promise.all(all.map((zk) => withTimeout(zk.close(), 10000, 'close').catch(() => undefined)));
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/** The next n events of a stream (default 1), failing after ms. */
export function nextEvents(source: Observable<WatchedEvent>, n = 1, ms = 10000): Promise<WatchedEvent[]> {
  return firstValueFrom(source.pipe(take(n), toArray(), timeout(ms)));
}

/** The first event matching pred. */
export function eventWhere(source: Observable<WatchedEvent>, pred: (e: WatchedEvent) => boolean, ms = 10000): Promise<WatchedEvent> {
  return firstValueFrom(source.pipe(filter(pred), timeout(ms)));
}

export function stateBecomes(zk: ZooKeeper, state: States, ms = 15000): Promise<States> {
  // rxjs's own TimeoutError has no message: a failure should say what it waited for.
  const seen: States[] = [];
  return firstValueFrom(
    zk.state$.pipe(
      tap((s) => seen.push(s)),
      filter((s) => s === state),
      timeout({ first: ms, with: () => throwError(() => new Error(`the client's state did not become ${state} within ${ms} ms (states seen: ${seen.join(' → ')}; now ${zk.state})`)) }),
    ),
  );
}

/** Collects every event a stream emits, for later assertions. */
export function record(source: Observable<WatchedEvent>): { events: WatchedEvent[]; done: () => boolean } {
  const events: WatchedEvent[] = [];
  let completed = false;
  source.subscribe({ next: (e) => events.push(e), complete: () => (completed = true) });
  return { events, done: () => completed };
}

/** Polls until cond() holds, failing after ms. */
export async function until(cond: () => boolean, ms = 10000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A unique path prefix per test, so tests sharing one server do not collide. */
let counter = 0;
export function uniquePath(name: string): string {
  return `/t${process.pid}-${++counter}-${name.replace(/[^a-zA-Z0-9]/g, '')}`;
}

/** A compact view of an event for toEqual. */
export function ev(e: WatchedEvent): { type: number; state: number; path: string | null } {
  return { type: e.type, state: e.state, path: e.path };
}
