import { checkRetainCount, type DataPurger, type PurgeResult } from '../../lib/persistence/snapshot-purge';
import type { MemorySnapshotStore } from './snapshot-memory-store';

/**
 * Purge for the memory store: keeps the newest `retainCount` snapshots. The in-memory
 * log keeps every entry (it has no files to drop), so only snapshots go.
 */
export class MemorySnapshotPurger implements DataPurger {
  constructor(private readonly store: MemorySnapshotStore) {}

  async purge(retainCount: number): Promise<PurgeResult> {
    checkRetainCount(retainCount);
    const all = await this.store.list();
    const kept = all.slice(0, retainCount);
    const least = kept.length ? kept[kept.length - 1].zxid : -1n;
    const removed: string[] = [];
    for (const info of all.slice(retainCount)) {
      if (info.zxid >= least) continue;
      await this.store.remove(info);
      removed.push(info.name);
    }
    return { retainedSnapshots: kept.map((k) => k.name), leastRetainedZxid: least, removed, failed: [] };
  }
}
