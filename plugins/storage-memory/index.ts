import { ContainerModule } from 'inversify';
import { EPOCH_STORE } from '../../lib/persistence/epoch-store';
import { DATA_PURGER } from '../../lib/persistence/snapshot-purge';
import { SNAPSHOT_STORE } from '../../lib/persistence/snapshot-store';
import { TXN_LOG } from '../../lib/persistence/txn-log';
import { MemoryTxnLog } from './memory-txn-log';
import { MemorySnapshotPurger } from './snapshot-memory-purger';
import { MemorySnapshotStore } from './snapshot-memory-store';
import { MemoryEpochStore } from './memory-epoch-store';

export { MemoryTxnLog, MemorySnapshotStore, MemoryEpochStore };

export interface StorageMemoryOptions {
  /** A log to use instead of a fresh one: pass the same one to a restarted server. */
  txnLog?: MemoryTxnLog;
  /** Snapshots to use instead of a fresh store: pass the same one to a restarted server. */
  snapshots?: MemorySnapshotStore;
  /** A quorum peer's epochs to use instead of fresh ones (found with the log when not given). */
  epochs?: MemoryEpochStore;
}

const snapshotsOfLog = new WeakMap<MemoryTxnLog, MemorySnapshotStore>();
const epochsOfLog = new WeakMap<MemoryTxnLog, MemoryEpochStore>();

/** Binds TXN_LOG, SNAPSHOT_STORE, DATA_PURGER and EPOCH_STORE in memory (nothing survives the process). */
export function storageMemoryModule(opts: StorageMemoryOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const txnLog = opts.txnLog ? opts.txnLog.reopen() : new MemoryTxnLog();
    bind(TXN_LOG).toConstantValue(txnLog);
    // A restarted server given only the old log finds the old snapshots with it.
    const snapshots = (opts.snapshots ?? snapshotsOfLog.get(txnLog) ?? new MemorySnapshotStore()).reopen();
    snapshotsOfLog.set(txnLog, snapshots);
    bind(SNAPSHOT_STORE).toConstantValue(snapshots);
    bind(DATA_PURGER).toConstantValue(new MemorySnapshotPurger(snapshots));
    const epochs = opts.epochs ?? epochsOfLog.get(txnLog) ?? new MemoryEpochStore();
    epochsOfLog.set(txnLog, epochs);
    bind(EPOCH_STORE).toConstantValue(epochs);
  });
}
