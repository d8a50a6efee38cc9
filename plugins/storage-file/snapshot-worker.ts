/**
 * The snapshot worker thread (see LogCheckpointer): takes checkpoints from the server's
 * thread, rebuilds the tree at each from the snapshots and the log on disk, and writes
 * the snapshot file, so the server's event loop never serializes one.
 */
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { SnapshotCheckpointMismatchError } from '../../lib/persistence/snapshot-store';
import { LogCheckpointer } from './log-checkpointer';
import { nodeFileIO } from './node-file-io';
import { FileSnapshotStore } from './snapshot-file-store';
import type { SnapshotWorkerConfig, SnapshotWorkerReply, SnapshotWorkerRequest } from './snapshot-worker-protocol';

const cfg = workerData as SnapshotWorkerConfig;
const store = new FileSnapshotStore({
  dir: cfg.snapDir,
  compression: cfg.compression,
  forceSync: cfg.forceSync,
  maxBuffer: cfg.maxBuffer,
  chunkSize: cfg.chunkSize,
});
const checkpointer = new LogCheckpointer(store, nodeFileIO, cfg.logDir, cfg.maxEntrySize);

// One request at a time: the server's store chains them.
parentPort!.on('message', (req: SnapshotWorkerRequest) => {
  checkpointer.save(req.at).then(
    (saved) => parentPort!.postMessage({ id: req.id, ok: true, saved } satisfies SnapshotWorkerReply),
    (err: unknown) =>
      parentPort!.postMessage({
        id: req.id,
        ok: false,
        message: err instanceof Error ? err.message : String(err),
        mismatch: err instanceof SnapshotCheckpointMismatchError,
      } satisfies SnapshotWorkerReply),
  );
});
