import { join } from 'node:path';
import type { Logger } from '../../lib/core/logger';
import { silentLogger } from '../../lib/core/logger';
import type { FileIO } from '../../lib/persistence/file-io';
import { checkRetainCount, namesToPurge, type DataPurger, type PurgeResult } from '../../lib/persistence/snapshot-purge';
import { nodeFileIO } from './node-file-io';
import { FileSnapshotStore } from './snapshot-file-store';

/** FileTxnSnapLog.version: files live in a version-2 subdirectory of each directory. */
const VERSION_DIR = 'version-2';

export interface PurgeOptions {
  io?: FileIO;
  logger?: Logger;
  /**
   * Runs before anything is looked at: the server's snapshot store makes the snapshots
   * it has not yet fsynced durable (FileSnapshotStore.syncPending), so the older ones
   * they replace are never deleted while a crash could still tear them.
   */
  beforePurge?: () => Promise<void>;
}

/**
 * PurgeTxnLog.purge (`zoolab purge`, autopurge): in <dataDir>/version-2 keeps the newest
 * `retainCount` (≥ 3) snapshots that look valid and deletes older snapshots; in
 * <dataLogDir>/version-2 deletes the logs no retained snapshot needs. Both directories
 * are the zoo.cfg ones (version-2 is added here); dataLogDir defaults to dataDir.
 * Nothing is deleted while no snapshot looks valid.
 */
export async function purge(dataDir: string, dataLogDir: string | null | undefined, retainCount: number, opts: PurgeOptions = {}): Promise<PurgeResult> {
  checkRetainCount(retainCount);
  await opts.beforePurge?.();
  const io = opts.io ?? nodeFileIO;
  const log = opts.logger ?? silentLogger;
  const snapDir = join(dataDir, VERSION_DIR);
  const logDir = join(dataLogDir ?? dataDir, VERSION_DIR);
  const store = new FileSnapshotStore({ dir: snapDir, io });

  // FileSnap.findNValidSnapshots: newest first, skipping ones that look torn.
  const retained: string[] = [];
  let least = -1n;
  for (const info of await store.list()) {
    if (retained.length === retainCount) break;
    let valid = false;
    try {
      valid = await store.looksValid(info);
    } catch (e) {
      log.warn({ err: e }, `invalid snapshot ${info.name}`);
    }
    if (!valid) continue;
    retained.push(info.name);
    least = info.zxid;
  }
  const result: PurgeResult = { retainedSnapshots: retained, leastRetainedZxid: least, removed: [], failed: [] };
  if (retained.length === 0) return result;

  const list = async (dir: string) => ((await io.exists(dir)) ? io.list(dir) : []);
  const logNames = await list(logDir);
  const snapNames = logDir === snapDir ? logNames : await list(snapDir);
  const doomed = namesToPurge(least, logNames, snapNames);
  const paths = [...doomed.logs.map((n) => join(logDir, n)), ...doomed.snapshots.map((n) => join(snapDir, n))];
  for (const path of paths) {
    log.info(`Removing file: ${path}`);
    try {
      await io.unlink(path);
      result.removed.push(path);
    } catch (e) {
      result.failed.push({ path, error: (e as Error).message });
    }
  }
  return result;
}

/** The DataPurger storage-file binds: purge over its own two directories. */
export class FilePurger implements DataPurger {
  constructor(
    private readonly dataDir: string,
    private readonly dataLogDir: string,
    private readonly opts: PurgeOptions = {},
  ) {}

  purge(retainCount: number): Promise<PurgeResult> {
    return purge(this.dataDir, this.dataLogDir, retainCount, this.opts);
  }
}
