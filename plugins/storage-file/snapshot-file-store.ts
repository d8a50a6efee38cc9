import type { MutableMap } from '../../lib/core/renewing-collections';
import { join } from 'node:path';
import type { Logger } from '../../lib/core/logger';
import { silentLogger } from '../../lib/core/logger';
import type { DataTree } from '../../lib/data/data-tree';
import type { FileIO, StoredFile } from '../../lib/persistence/file-io';
import { DEFAULT_SNAPSHOT_MAX_BUFFER, parseSnapshot, SnapshotFormatError, type ParsedSnapshot } from '../../lib/persistence/snapshot-format';
import { applySnapshot } from '../../lib/persistence/snapshot-load';
import {
  makeSnapshotName,
  parseSnapshotName,
  SNAPSHOT_TMP_EXTENSION,
  type SnapshotCompression,
} from '../../lib/persistence/snapshot-names';
import { serializeSnapshotBody, type SnapshotBodyWriter } from '../../lib/persistence/snapshot-serializer';
import { Adler32 } from '../../lib/persistence/snapshot-checksum';
import {
  compareNewestFirst,
  SnapshotStoreClosedError,
  type LoadedSnapshot,
  type SavedSnapshot,
  type SaveOptions,
  type SnapshotCheckpoint,
  type SnapshotInfo,
  type SnapshotStore,
} from '../../lib/persistence/snapshot-store';
import { nodeFileIO } from './node-file-io';
import { dirSizeSync } from './dir-size';
import { createCompressor, decompress, looksComplete } from './snapshot-compression';
import { SnapshotWorkerClient, snapshotWorkerScript } from './snapshot-worker-client';

const DEFAULT_FILE_SNAPSHOT_CHUNK = 256 * 1024;

export interface FileSnapshotStoreOptions {
  /** The directory holding snapshot.* files (ZooKeeper's <dataDir>/version-2). */
  dir: string;
  io?: FileIO;
  /** zookeeper.snapshot.compression.method for new snapshots; reading follows each file's name. */
  compression?: SnapshotCompression;
  /**
   * Make each snapshot durable before anything relies on it (default true): before
   * `syncPending` returns — which purge calls before deleting older snapshots a torn
   * newest one would fall back to — before `close` does, and before a save that starts
   * `lazySyncMs` or more after it (by then the kernel has written it back, so that fsync
   * is short). Java fsyncs only when asked (syncSnap). A save asked to sync is fsynced at
   * once either way. Deferring it keeps a large snapshot's writeback from stalling the txn
   * log's synced writes behind it (~150 ms for a 280 MB snapshot, measured).
   */
  forceSync?: boolean;
  /** See forceSync (default 60 s: Linux writes back pages dirty for 30 s, checking every 5 s). */
  lazySyncMs?: number;
  /** The clock lazySyncMs is measured on (default Date.now). */
  now?: () => number;
  /** Largest buffer or string a snapshot may hold (jute.maxbuffer + extrasize). */
  maxBuffer?: number;
  /** Uncompressed bytes per write; between writes other work runs (default 256 KiB). */
  chunkSize?: number;
  /**
   * The txn log's directory: with it (on the real file system) `saveFromLog` writes
   * snapshots in a worker thread from the snapshots and log on disk (see LogCheckpointer).
   */
  logDir?: string;
  /** Largest log entry the worker reads (the log's maxEntrySize). */
  maxEntrySize?: number;
  /** With logDir: offer saveFromLog (zoolab.snapshotWorker=yes); default false. */
  worker?: boolean;
  logger?: Logger;
}

/**
 * ZooKeeper 3.8's FileSnap: snapshot.<hex zxid>[.gz|.snappy] files in ZooKeeper's exact
 * format, which a Java server loads and which this store loads from a Java server. A
 * snapshot is written to <name>.tmp, chunk by chunk — the event loop runs between chunks,
 * so requests keep being served and the snapshot is fuzzy as Java's is — then fsynced and
 * renamed into place, so a crash leaves either no snapshot or a whole one.
 */
export class FileSnapshotStore implements SnapshotStore {
  readonly dir: string;
  readonly io: FileIO;
  readonly compression: SnapshotCompression;
  readonly forceSync: boolean;
  private readonly maxBuffer: number;
  private readonly chunkSize?: number;
  private readonly log: Logger;
  private last: SnapshotInfo | null = null;
  /** Snapshots written (renamed into place) but not yet fsynced, with when. */
  private readonly unsynced = new Map<string, number>();
  private readonly lazySyncMs: number;
  private readonly now: () => number;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Counters for tests and monitoring; fromLog counts the snapshots the worker wrote. */
  readonly stats = { saves: 0, writes: 0, fsyncs: 0, fromLog: 0 };
  private readonly worker: SnapshotWorkerClient | null = null;
  readonly saveFromLog?: (at: SnapshotCheckpoint) => Promise<SavedSnapshot>;

  constructor(opts: FileSnapshotStoreOptions) {
    this.dir = opts.dir;
    this.io = opts.io ?? nodeFileIO;
    this.compression = opts.compression ?? 'none';
    this.forceSync = opts.forceSync ?? true;
    this.maxBuffer = opts.maxBuffer ?? DEFAULT_SNAPSHOT_MAX_BUFFER;
    // 256 KiB a chunk: a quarter of the write round trips of the serializer's 64 KiB, for
    // well under a millisecond of serializing between turns of the event loop.
    this.chunkSize = opts.chunkSize ?? DEFAULT_FILE_SNAPSHOT_CHUNK;
    this.log = opts.logger ?? silentLogger;
    this.lazySyncMs = opts.lazySyncMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    const script = opts.logDir !== undefined && this.io === nodeFileIO && opts.worker === true ? snapshotWorkerScript() : null;
    if (script !== null) {
      const worker = new SnapshotWorkerClient(script, {
        snapDir: this.dir,
        logDir: opts.logDir!,
        compression: this.compression,
        // Deferred syncs are this store's to do (syncPending), whoever wrote the file.
        forceSync: false,
        maxBuffer: this.maxBuffer,
        chunkSize: this.chunkSize,
        maxEntrySize: opts.maxEntrySize,
      });
      this.worker = worker;
      this.saveFromLog = (at) => this.inLine(() => worker.save(at)).then((saved) => {
        this.last = { zxid: saved.zxid, name: saved.name, compression: saved.compression };
        if (this.forceSync && at.sync !== true) this.unsynced.set(join(this.dir, saved.name), this.now());
        this.stats.fromLog++;
        return saved;
      });
    }
  }

  /**
   * FileSnap.serialize is synchronized: one snapshot is written at a time. Before each,
   * the snapshots saved lazySyncMs ago or earlier are made durable (see forceSync).
   */
  private inLine<T>(write: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new SnapshotStoreClosedError(`snapshot store in ${this.dir} is closed`));
    const done = this.chain.then(async () => {
      await this.syncPending(this.now() - this.lazySyncMs + 1);
      return write();
    });
    this.chain = done.catch(() => undefined);
    return done;
  }

  /** Creates the directory if needed. */
  static async open(opts: FileSnapshotStoreOptions): Promise<FileSnapshotStore> {
    const store = new FileSnapshotStore(opts);
    await store.io.mkdirs(store.dir);
    return store;
  }

  save(tree: DataTree, sessions: ReadonlyMap<bigint, number>, opts: SaveOptions = {}): Promise<SavedSnapshot> {
    if (this.closed) return Promise.reject(new SnapshotStoreClosedError(`snapshot store in ${this.dir} is closed`));
    // The zxid, sessions and ACL cache are taken now; the nodes as the chunks are written.
    // A compressor may hold on to a chunk after push returns; only plain files reuse one buffer.
    const writer = serializeSnapshotBody(tree, sessions, { chunkSize: this.chunkSize, reuseBuffer: this.compression === 'none' });
    return this.inLine(() => this.write(writer, opts.sync === true));
  }

  private async write(writer: SnapshotBodyWriter, sync: boolean): Promise<SavedSnapshot> {
    const name = makeSnapshotName(writer.zxid, this.compression);
    const path = join(this.dir, name);
    const tmp = path + SNAPSHOT_TMP_EXTENSION;
    this.log.info(`Snapshotting: 0x${BigInt.asUintN(64, writer.zxid).toString(16)} to ${path}`);
    const compressor = createCompressor(this.compression);
    await this.io.mkdirs(this.dir);
    const file = await this.io.open(tmp, 'overwrite');
    // The seal's Adler-32, summed on the event loop as each chunk is made (WebAssembly
    // SIMD: ~35 ms per 350 MB). Summing it through zlib in the thread pool cost no event
    // loop time, but its discarded output was a snapshot's worth of new ArrayBuffer
    // memory, and V8 starts a mark-compact of the whole heap every ~64 MB of that.
    const adler = new Adler32();
    let pos = 0;
    let rawSize = 0;
    const put = async (parts: Buffer[]): Promise<void> => {
      for (const p of parts) {
        if (p.length === 0) continue;
        await file.write(pos, p);
        pos += p.length;
        this.stats.writes++;
      }
    };
    let summary;
    try {
      for (;;) {
        const r = writer.chunks.next();
        if (r.done) {
          summary = r.value;
          break;
        }
        rawSize += r.value.length;
        // Done with the chunk before the next one is serialized into its buffer.
        adler.update(r.value);
        await put(await compressor.push(r.value));
      }
      const trailer = summary.trailer(adler.value);
      rawSize += trailer.length;
      await put(await compressor.push(trailer));
      await put(await compressor.finish());
      if (sync) {
        await file.sync();
        this.stats.fsyncs++;
      }
    } catch (e) {
      await file.close().catch(() => undefined);
      await this.io.unlink(tmp).catch(() => undefined);
      throw e;
    }
    await file.close();
    await this.io.rename(tmp, path);
    if (sync) await this.io.syncDir(this.dir);
    else if (this.forceSync) this.unsynced.set(path, this.now());
    this.stats.saves++;
    const info: SnapshotInfo = { zxid: writer.zxid, name, compression: this.compression };
    this.last = info;
    return { ...info, size: pos, rawSize, nodes: summary.nodes, sessions: summary.sessions };
  }

  async list(): Promise<SnapshotInfo[]> {
    const names = (await this.io.exists(this.dir)) ? await this.io.list(this.dir) : [];
    const out: SnapshotInfo[] = [];
    for (const name of names) {
      const p = parseSnapshotName(name);
      if (p) out.push({ zxid: p.zxid, name, compression: p.compression });
    }
    return out.sort(compareNewestFirst);
  }

  /** SnapStream.isValidSnapshot: the quick look at a file's ends that purge relies on. */
  async looksValid(info: SnapshotInfo): Promise<boolean> {
    const file = await this.io.open(join(this.dir, info.name), 'read');
    try {
      const size = await file.size();
      const head = await file.read(0, Math.min(size, 8));
      const tail = size >= 5 ? await file.read(size - 5, 5) : Buffer.alloc(0);
      return looksComplete(info.compression, head, tail, size);
    } finally {
      await file.close();
    }
  }

  /** Reads, decompresses and checks a snapshot without applying it (dumps, tests). */
  async read(info: SnapshotInfo, opts: { digestEnabled?: boolean } = {}): Promise<ParsedSnapshot> {
    return readSnapshotFile(this.io, join(this.dir, info.name), info.compression, { ...opts, maxBuffer: this.maxBuffer });
  }

  async load(info: SnapshotInfo, tree: DataTree, sessions: MutableMap<bigint, number>): Promise<LoadedSnapshot> {
    const parsed = await this.read(info, { digestEnabled: tree.digestEnabled });
    const counts = { nodes: parsed.nodes.length, sessions: parsed.sessions.length };
    const digest = applySnapshot(parsed, info.zxid, tree, sessions, this.log);
    this.last = info;
    return { info, ...counts, digest };
  }

  async remove(info: SnapshotInfo): Promise<void> {
    const path = join(this.dir, info.name);
    this.unsynced.delete(path);
    await this.io.unlink(path);
  }

  /** fsyncs the snapshots saved without it (those saved before `savedBefore`), then the directory (see forceSync). */
  async syncPending(savedBefore = Infinity): Promise<void> {
    const paths = [...this.unsynced].filter(([, at]) => at < savedBefore).map(([path]) => path);
    if (paths.length === 0) return;
    let synced = 0;
    for (const path of paths) {
      const file = await this.io.open(path, 'read').catch(() => null);
      // One removed meanwhile (purge, truncation, a deleted directory) needs nothing.
      if (file === null) continue;
      try {
        await file.sync();
        this.stats.fsyncs++;
        synced++;
      } finally {
        await file.close();
      }
    }
    if (synced > 0) await this.io.syncDir(this.dir);
    for (const path of paths) this.unsynced.delete(path);
  }

  lastSnapshotInfo(): SnapshotInfo | null {
    return this.last;
  }

  /** The directory's bytes on the real file system (a simulated one reports 0, as it has no directory). */
  sizeOnDisk(): number {
    return this.io === nodeFileIO ? dirSizeSync(this.dir) : 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    await this.worker?.close();
    await this.syncPending();
  }
}

/** One snapshot file, read whole, decompressed as its name says, parsed and checksummed. */
export async function readSnapshotFile(
  io: FileIO,
  path: string,
  compression: SnapshotCompression,
  opts: { digestEnabled?: boolean; maxBuffer?: number } = {},
): Promise<ParsedSnapshot> {
  const name = path.substring(path.lastIndexOf('/') + 1);
  const file = await io.open(path, 'read');
  let bytes: Buffer;
  try {
    bytes = await readAll(file);
  } finally {
    await file.close();
  }
  if (!looksComplete(compression, bytes.subarray(0, 8), bytes.subarray(Math.max(0, bytes.length - 5)), bytes.length)) {
    const what = compression === 'none' ? 'does not end in a checksum seal (truncated?)' : `does not start with the ${compression} magic`;
    throw new SnapshotFormatError(`invalid snapshot: ${what}`, 0, name);
  }
  const raw = await decompress(compression, bytes);
  // raw was read (or decompressed) for this parse alone: the tree may keep it (shareValues).
  return parseSnapshot(raw, { digestEnabled: opts.digestEnabled, maxBuffer: opts.maxBuffer, source: name, shareValues: true });
}

async function readAll(file: StoredFile): Promise<Buffer> {
  const size = await file.size();
  return file.read(0, size);
}
