import { ContainerModule } from 'inversify';
import { DATA_PURGER } from '../../lib/persistence/snapshot-purge';
import { SNAPSHOT_STORE } from '../../lib/persistence/snapshot-store';
import { TXN_LOG } from '../../lib/persistence/txn-log';
import { MemoryTxnLog } from './memory-txn-log';
import { MemorySnapshotPurger } from './snapshot-memory-purger';
import { MemorySnapshotStore } from './snapshot-memory-store';

export { MemoryTxnLog, MemorySnapshotStore };

export interface StorageMemoryOptions {
  /** A log to use instead of a fresh one: pass the same one to a restarted server. */
  txnLog?: MemoryTxnLog;
  /** Snapshots to use instead of a fresh store: pass the same one to a restarted server. */
  snapshots?: MemorySnapshotStore;
}

const snapshotsOfLog = new WeakMap<MemoryTxnLog, MemorySnapshotStore>();

/** Binds TXN_LOG, SNAPSHOT_STORE and DATA_PURGER in memory (nothing survives the process). */
export function storageMemoryModule(opts: StorageMemoryOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const txnLog = opts.txnLog ? opts.txnLog.reopen() : new MemoryTxnLog();
    bind(TXN_LOG).toConstantValue(txnLog);
    // A restarted server given only the old log finds the old snapshots with it.
    const snapshots = (opts.snapshots ?? snapshotsOfLog.get(txnLog) ?? new MemorySnapshotStore()).reopen();
    snapshotsOfLog.set(txnLog, snapshots);
    bind(SNAPSHOT_STORE).toConstantValue(snapshots);
    bind(DATA_PURGER).toConstantValue(new MemorySnapshotPurger(snapshots));
  });
}
