import type { ZooKeeper } from '../zookeeper';
import { LockHandle } from './lock';
import { LockInternals, lowestHolds, type LockOptions } from './lock-internals';

export const READ_KIND = 'read';
export const WRITE_KIND = 'write';

/**
 * A shared/exclusive lock (ZooKeeper's read/write lock recipe, Curator's
 * InterProcessReadWriteLock). Readers create `read-…` nodes and writers `write-…` nodes,
 * ephemeral and sequential, in one directory, so their sequence numbers interleave:
 * - a writer holds when its node is the lowest, and watches only its predecessor;
 * - a reader holds when no writer node is lower than its own, and watches only the
 *   nearest earlier writer — readers never wait for readers, and a queued writer keeps
 *   later readers out (no writer starvation).
 * A holder of this instance's write lock may also take its read lock (a downgrade, as in
 * Curator): the reader does not wait for its own writer.
 *
 *     const rw = new ReadWriteLock(zk, '/locks/table');
 *     await rw.readLock.acquire();  …  await rw.readLock.release();
 */
export class ReadWriteLock {
  readonly readLock: LockHandle;
  readonly writeLock: LockHandle;

  constructor(zk: ZooKeeper, path: string, opts: Omit<LockOptions, 'data'> = {}) {
    const write = new LockInternals(zk, path, WRITE_KIND, lowestHolds, opts);
    const read = new LockInternals(zk, path, READ_KIND, (sorted, ours) => {
      const i = sorted.indexOf(ours);
      for (let j = i - 1; j >= 0; j--) {
        const n = sorted[j];
        if (!n.startsWith(`${WRITE_KIND}-`)) continue;
        if (write.isHeld && n === write.nodeName) return null;
        return n;
      }
      return null;
    }, opts);
    this.writeLock = new LockHandle(write);
    this.readLock = new LockHandle(read);
  }
}
