import type { JuteRecord } from '../jute/types';
import { SetWatches, SetWatches2 } from '../jute/records/proto';
import { OpCode } from '../protocol/op-code';
import type { ZKWatchManager } from './zk-watch-manager';

/** Java's SET_WATCHES_MAX_LENGTH: a batch closes once its paths reach 128 KiB of chars. */
export const SET_WATCHES_MAX_LENGTH = 128 * 1024;

export interface SetWatchesBatch {
  type: number;
  record: JuteRecord;
}

/** Client path → server path (prependChroot). */
export function prependChroot(chrootPath: string | null, clientPath: string): string {
  if (chrootPath === null) return clientPath;
  return clientPath.length === 1 ? chrootPath : chrootPath + clientPath;
}

/**
 * primeConnection's watch re-registration: every watch the client holds, sent with the
 * last zxid it saw so the server fires at once whatever changed while it was away. Split
 * into batches as Java does so no packet nears jute.maxbuffer; a batch without persistent
 * watches uses the old SetWatches (opcode 101), which every server understands.
 */
export function setWatchesBatches(
  manager: ZKWatchManager,
  chrootPath: string | null,
  lastZxid: bigint,
  maxLength = SET_WATCHES_MAX_LENGTH,
): SetWatchesBatch[] {
  if (manager.isEmpty()) return [];
  const lists = [
    manager.dataWatches,
    manager.existWatches,
    manager.childWatches,
    manager.persistentWatches,
    manager.persistentRecursiveWatches,
  ].map((m) => [...m.keys()].map((p) => prependChroot(chrootPath, p)));
  const at = [0, 0, 0, 0, 0];
  const left = () => at.some((i, k) => i < lists[k].length);
  const batches: SetWatchesBatch[] = [];
  while (left()) {
    const batch: string[][] = [[], [], [], [], []];
    let batchLength = 0;
    // Like Java, the last path may take a batch a little over the limit.
    while (batchLength < maxLength) {
      const k = at.findIndex((i, j) => i < lists[j].length);
      if (k < 0) break;
      const path = lists[k][at[k]++];
      batch[k].push(path);
      batchLength += path.length;
    }
    const [data, exist, child, persistent, recursive] = batch;
    if (persistent.length === 0 && recursive.length === 0) {
      batches.push({
        type: OpCode.setWatches,
        record: new SetWatches({ relativeZxid: lastZxid, dataWatches: data, existWatches: exist, childWatches: child }),
      });
    } else {
      batches.push({
        type: OpCode.setWatches2,
        record: new SetWatches2({
          relativeZxid: lastZxid,
          dataWatches: data,
          existWatches: exist,
          childWatches: child,
          persistentWatches: persistent,
          persistentRecursiveWatches: recursive,
        }),
      });
    }
  }
  return batches;
}
