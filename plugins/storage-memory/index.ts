import { ContainerModule } from 'inversify';
import { TXN_LOG } from '../../lib/persistence/txn-log';
import { MemoryTxnLog } from './memory-txn-log';

export { MemoryTxnLog };

export interface StorageMemoryOptions {
  /** A log to use instead of a fresh one: pass the same one to a restarted server. */
  txnLog?: MemoryTxnLog;
}

/** Binds TXN_LOG to an in-memory log (nothing survives the process). */
export function storageMemoryModule(opts: StorageMemoryOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TXN_LOG).toConstantValue(opts.txnLog ? opts.txnLog.reopen() : new MemoryTxnLog());
  });
}
