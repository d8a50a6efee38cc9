import type { SnapshotCompression } from '../../lib/persistence/snapshot-names';
import type { SavedSnapshot, SnapshotCheckpoint } from '../../lib/persistence/snapshot-store';

/** What the snapshot worker is started with (workerData). */
export interface SnapshotWorkerConfig {
  snapDir: string;
  logDir: string;
  compression: SnapshotCompression;
  forceSync: boolean;
  maxBuffer?: number;
  chunkSize?: number;
  maxEntrySize?: number;
}

export interface SnapshotWorkerRequest {
  id: number;
  at: SnapshotCheckpoint;
}

export type SnapshotWorkerReply =
  | { id: number; ok: true; saved: SavedSnapshot }
  | { id: number; ok: false; message: string; mismatch: boolean };
