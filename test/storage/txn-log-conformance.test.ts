import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTxnLog } from '../../plugins/storage-file/file-txn-log';
import { MemoryTxnLog } from '../../plugins/storage-memory/memory-txn-log';
import { runTxnLogConformance } from './txn-log-conformance';

runTxnLogConformance('storage-file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zoolab-txnlog-'));
  return {
    open: () => FileTxnLog.open({ dir, preAllocSize: 64 * 1024, forceSync: false }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

runTxnLogConformance('storage-file with fsync and the default 64 MiB preallocation', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zoolab-txnlog-'));
  return {
    open: () => FileTxnLog.open({ dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

runTxnLogConformance('storage-memory', async () => {
  const log = new MemoryTxnLog();
  return { open: async () => log.reopen(), cleanup: async () => undefined };
});
