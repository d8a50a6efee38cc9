import type { Observable } from 'rxjs';
import type { ZooKeeper } from '../zookeeper';
import { LockInternals, lowestHolds, type AcquireOptions, type LockEvent, type LockOptions } from './lock-internals';

/** What a caller holds of any lock recipe (a mutex, or one side of a read/write lock). */
export class LockHandle {
  constructor(protected readonly internals: LockInternals) {}

  get path(): string {
    return this.internals.path;
  }

  get isHeld(): boolean {
    return this.internals.isHeld;
  }

  /** Held, but the connection is down: pause work that must not overlap another holder's. */
  get isSuspended(): boolean {
    return this.internals.isSuspended;
  }

  /** The full path of this contender's node while it holds or waits for the lock. */
  get nodePath(): string | null {
    return this.internals.nodePath;
  }

  /** acquired, suspended, reconnected, lost (with why), released. */
  get events$(): Observable<LockEvent> {
    return this.internals.events$;
  }

  /**
   * Waits for the lock. With a timeout, resolves false (and withdraws) if it is not held in
   * time; without one, resolves true once held. Rejects (withdrawing) when the signal
   * aborts or the session ends.
   */
  acquire(opts: AcquireOptions = {}): Promise<boolean> {
    return this.internals.acquire(opts);
  }

  /** Gives the lock up (or stops waiting for it); the delete survives a lost connection. */
  release(): Promise<void> {
    return this.internals.release();
  }
}

/**
 * A distributed mutex (ZooKeeper's lock recipe, Curator's InterProcessMutex without
 * reentrancy): each contender creates an ephemeral sequential node under the lock path;
 * the lowest sequence holds the lock; every other contender watches only the node just
 * before its own, so a release wakes one waiter, not the herd.
 *
 * Connection loss while holding is reported ('suspended') and the lock is kept; the
 * session's expiry — or a suspension lasting the whole session timeout — loses it:
 * isHeld turns false and 'lost' is reported, so work under the lock must stop there.
 *
 *     const lock = new Lock(zk, '/locks/orders');
 *     lock.events$.subscribe((e) => e.type === 'lost' && abortWork());
 *     await lock.acquire();
 *     try { … } finally { await lock.release(); }
 */
export class Lock extends LockHandle {
  constructor(zk: ZooKeeper, path: string, opts: Omit<LockOptions, 'data'> = {}) {
    super(new LockInternals(zk, path, 'lock', lowestHolds, opts));
  }
}
