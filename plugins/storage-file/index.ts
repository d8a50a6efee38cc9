import { join } from 'node:path';
import { ContainerModule } from 'inversify';
import { LOGGER } from '../../lib/core/logger';
import { EPOCH_STORE } from '../../lib/persistence/epoch-store';
import { FILE_IO, type FileIO } from '../../lib/persistence/file-io';
import type { SnapshotCompression } from '../../lib/persistence/snapshot-names';
import { DATA_PURGER } from '../../lib/persistence/snapshot-purge';
import { SNAPSHOT_STORE } from '../../lib/persistence/snapshot-store';
import { TXN_LOG } from '../../lib/persistence/txn-log';
import { EpochFiles } from './epoch-files';
import { FileTxnLog } from './file-txn-log';
import { nodeFileIO } from './node-file-io';
import { FileSnapshotStore } from './snapshot-file-store';
import { FilePurger } from './snapshot-purge';

export { FileTxnLog, EpochFiles, nodeFileIO, FileSnapshotStore };
export { dumpTxnLog } from './log-dump';
export { dumpSnapshot } from './snapshot-dump';
export { purge } from './snapshot-purge';

/** FileTxnSnapLog.version: both directories keep their files in a version-2 subdirectory. */
export const VERSION_DIR = 'version-2';

export interface StorageFileOptions {
  /** Where the txn log goes (zoo.cfg dataLogDir); files land in <dataLogDir>/version-2. */
  dataLogDir: string;
  /** Snapshots and epoch files (zoo.cfg dataDir); defaults to dataLogDir. */
  dataDir?: string;
  /** Bytes preallocated per step; default 64 MiB (zookeeper.preAllocSize, in KiB there). */
  preAllocSize?: number;
  /** false skips fsync (zookeeper.forceSync=no); default true. */
  forceSync?: boolean;
  /** The file system; bind FILE_IO in a parent container to give a simulator's instead. */
  io?: FileIO;
  /** zookeeper.snapshot.compression.method for new snapshots (default none). */
  snapshotCompression?: SnapshotCompression;
  /**
   * Periodic snapshots of a standalone server written by a worker thread from the files
   * (FileSnapshotStore.saveFromLog); default false (zoo.cfg zoolab.snapshotWorker=yes). It
   * pays on a machine with a core to spare: the worker replays the log into a second
   * copy of the tree, which on two cores costs the server more than it saves.
   */
  snapshotWorker?: boolean;
}

/**
 * Binds TXN_LOG to a FileTxnLog over <dataLogDir>/version-2, EPOCH_STORE to the epoch
 * files and SNAPSHOT_STORE to the snapshot files in <dataDir>/version-2, and DATA_PURGER
 * to PurgeTxnLog over both. Opening the log scans its newest file, so TXN_LOG is
 * an async binding: resolve it with `await container.getAsync(TXN_LOG)`.
 */
export function storageFileModule(opts: StorageFileOptions): ContainerModule {
  return new ContainerModule(({ bind, isBound }) => {
    if (!isBound(FILE_IO)) bind(FILE_IO).toConstantValue(opts.io ?? nodeFileIO);
    bind(TXN_LOG).toDynamicValue(async (ctx) =>
      FileTxnLog.open({
        dir: join(opts.dataLogDir, VERSION_DIR),
        io: opts.io ?? ctx.get(FILE_IO),
        preAllocSize: opts.preAllocSize,
        forceSync: opts.forceSync,
        logger: ctx.get(LOGGER, { optional: true }),
      }),
    ).inSingletonScope();
    bind(EPOCH_STORE)
      .toDynamicValue((ctx) => new EpochFiles(join(opts.dataDir ?? opts.dataLogDir, VERSION_DIR), opts.io ?? ctx.get(FILE_IO)))
      .inSingletonScope();
    bind(SNAPSHOT_STORE)
      .toDynamicValue(
        (ctx) =>
          new FileSnapshotStore({
            dir: join(opts.dataDir ?? opts.dataLogDir, VERSION_DIR),
            io: opts.io ?? ctx.get(FILE_IO),
            compression: opts.snapshotCompression,
            forceSync: opts.forceSync,
            logDir: join(opts.dataLogDir, VERSION_DIR),
            worker: opts.snapshotWorker,
            logger: ctx.get(LOGGER, { optional: true }),
          }),
      )
      .inSingletonScope();
    bind(DATA_PURGER)
      .toDynamicValue((ctx) => {
        const store = ctx.get(SNAPSHOT_STORE);
        return new FilePurger(opts.dataDir ?? opts.dataLogDir, opts.dataLogDir, {
          io: opts.io ?? ctx.get(FILE_IO),
          beforePurge: store instanceof FileSnapshotStore ? () => store.syncPending() : undefined,
        });
      })
      .inSingletonScope();
  });
}
