import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { SnapshotCheckpointMismatchError, type SavedSnapshot, type SnapshotCheckpoint } from '../../lib/persistence/snapshot-store';
import type { SnapshotWorkerConfig, SnapshotWorkerReply } from './snapshot-worker-protocol';

/**
 * The compiled worker script: next to this file in the build, or the build's copy when
 * this file runs from its TypeScript source (tests); null when neither exists.
 */
export function snapshotWorkerScript(): string | null {
  const beside = join(__dirname, 'snapshot-worker.js');
  if (existsSync(beside)) return beside;
  const built = join(__dirname, '..', '..', 'dist', 'plugins', 'storage-file', 'snapshot-worker.js');
  return existsSync(built) ? built : null;
}

interface Waiting {
  resolve(saved: SavedSnapshot): void;
  reject(err: Error): void;
}

/**
 * The server's side of the snapshot worker: started at the first request, kept (with its
 * tree) for the next, started again if it dies. It holds the process open only while a
 * snapshot is being written.
 */
export class SnapshotWorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(
    private readonly script: string,
    private readonly cfg: SnapshotWorkerConfig,
  ) {}

  save(at: SnapshotCheckpoint): Promise<SavedSnapshot> {
    const w = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<SavedSnapshot>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ id, at });
    });
  }

  private start(): Worker {
    // The worker holds a whole tree too: give it the heap the server has.
    const heapMb = Math.ceil(getHeapStatistics().heap_size_limit / (1024 * 1024));
    const w = new Worker(this.script, { workerData: this.cfg, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    w.unref();
    w.on('message', (m: SnapshotWorkerReply) => {
      const p = this.waiting.get(m.id);
      if (!p) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) w.unref();
      if (m.ok) p.resolve(m.saved);
      else p.reject(m.mismatch ? new SnapshotCheckpointMismatchError(m.message) : new Error(`snapshot worker: ${m.message}`));
    });
    w.on('error', (err) => this.failAll(w, err));
    w.on('exit', (code) => this.failAll(w, new Error(`snapshot worker exited (code ${code})`)));
    this.worker = w;
    return w;
  }

  private failAll(w: Worker, err: Error): void {
    if (this.worker === w) this.worker = null;
    for (const p of this.waiting.values()) p.reject(err);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
