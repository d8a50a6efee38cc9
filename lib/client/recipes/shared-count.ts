import { BehaviorSubject, filter, map, type Observable, type Subscription } from 'rxjs';
import { validatePath } from '../../data/path-utils';
import type { Stat } from '../../jute/records/data';
import { Code } from '../../protocol/keeper-exception';
import { EventType } from '../../protocol/zoo-defs';
import { IllegalArgumentError, createKeeperException, type ClientKeeperException } from '../errors';
import type { WatchedEvent } from '../watch-stream';
import type { ZooKeeper } from '../zookeeper';
import { connectionStates } from './connection-state';
import { ensurePath } from './sequential-nodes';

/** A value with the znode version it was read at (Curator's VersionedValue). */
export interface VersionedValue<T> {
  readonly version: number;
  readonly value: T;
}

/** Curator's SharedCount bytes: a 4-byte big-endian signed int. */
export function encodeCount(n: number): Buffer {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new IllegalArgumentError(`count must be a 32-bit integer, got ${n}`);
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

export function decodeCount(data: Buffer | null, path: string): number {
  if (!data || data.length !== 4) throw new IllegalArgumentError(`${path} holds ${data?.length ?? 0} bytes, not a 4-byte count`);
  return data.readInt32BE(0);
}

type Phase = 'LATENT' | 'STARTED' | 'CLOSED';

/**
 * A counter shared by every client (Curator's SharedCount): the count is the node's data,
 * and changes are compare-and-set on the node's version, so concurrent writers cannot
 * overwrite each other unseen. Every client keeps the latest value it has seen, refreshed
 * by a data watch (quick successive changes may be seen as one) and re-read after a
 * reconnect, since changes made while disconnected may have been missed.
 *
 * count$ emits the value now and on every change seen; it completes on close() and
 * errors with SessionExpired when the session ends under it.
 *
 *     const c = new SharedCount(zk, '/counters/jobs', 0);
 *     await c.start();
 *     for (;;) { const v = c.versionedValue; if (await c.trySetCount(v, v.value + 1)) break; }
 */
export class SharedCount {
  private phase: Phase = 'LATENT';
  private readonly current = new BehaviorSubject<VersionedValue<number>>({ version: -1, value: 0 });
  private stateSub: Subscription | null = null;
  /** Bumped on every read, so an older read never overwrites a newer one. */
  private readSeq = 0;
  private appliedSeq = 0;
  /** One watcher object for every read: the client keeps it once per path, so re-reads do not pile up watches. */
  private readonly watcher = (e: WatchedEvent): void => {
    if (this.phase !== 'STARTED') return;
    if (e.type === EventType.NodeDataChanged || e.type === EventType.NodeCreated) void this.read().catch(() => undefined);
  };

  constructor(
    private readonly zk: ZooKeeper,
    readonly path: string,
    /** The value the node is created with if it does not exist. */
    readonly seedValue: number,
  ) {
    validatePath(path);
    encodeCount(seedValue);
  }

  /** The latest count this client has seen. */
  get count(): number {
    return this.current.value.value;
  }

  /** The latest count with its version: the `previous` argument of trySetCount. */
  get versionedValue(): VersionedValue<number> {
    return this.current.value;
  }

  get versioned$(): Observable<VersionedValue<number>> {
    return this.current.pipe(filter((v) => v.version >= 0));
  }

  get count$(): Observable<number> {
    return this.versioned$.pipe(map((v) => v.value));
  }

  /** Creates the node with the seed if missing, reads it and starts watching. */
  async start(): Promise<void> {
    if (this.phase !== 'LATENT') throw new IllegalArgumentError('SharedCount can be started once');
    this.phase = 'STARTED';
    const parent = this.path.substring(0, this.path.lastIndexOf('/'));
    if (parent) await ensurePath(this.zk, parent);
    try {
      await this.zk.create(this.path, encodeCount(this.seedValue));
    } catch (e) {
      if ((e as ClientKeeperException).code !== Code.NODEEXISTS) throw e;
    }
    await this.read();
    this.stateSub = connectionStates(this.zk).subscribe((c) => {
      if (c.state === 'RECONNECTED') void this.read().catch(() => undefined);
      else if (c.state === 'LOST' && c.reason !== 'timeout') this.end(c.reason === 'closed' ? null : createKeeperException(Code.SESSIONEXPIRED, this.path));
    });
  }

  /** Sets the count whatever it is now. */
  async setCount(n: number): Promise<void> {
    this.assertStarted();
    const stat = await this.zk.setData(this.path, encodeCount(n));
    this.apply(stat, n, ++this.readSeq);
  }

  /**
   * Sets the count only if it is still `previous` (same version and value as this client
   * last saw). True if set; false if someone changed it first — this client's value is
   * then brought up to date, so the caller can retry with versionedValue.
   */
  async trySetCount(previous: VersionedValue<number>, n: number): Promise<boolean> {
    this.assertStarted();
    const bytes = encodeCount(n);
    const seen = this.current.value;
    if (previous.version !== seen.version || previous.value !== seen.value) return false;
    try {
      const stat = await this.zk.setData(this.path, bytes, previous.version);
      this.apply(stat, n, ++this.readSeq);
      return true;
    } catch (e) {
      if ((e as ClientKeeperException).code !== Code.BADVERSION) throw e;
    }
    await this.read();
    return false;
  }

  /** Stops watching; count$ completes. */
  async close(): Promise<void> {
    this.end(null);
  }

  private end(err: Error | null): void {
    if (this.phase === 'CLOSED') return;
    this.phase = 'CLOSED';
    this.stateSub?.unsubscribe();
    if (err) this.current.error(err);
    else this.current.complete();
  }

  private assertStarted(): void {
    if (this.phase !== 'STARTED') throw new IllegalArgumentError(`SharedCount ${this.path} is not started`);
  }

  /** Reads the value and sets a watch that reads it again on change. */
  private async read(): Promise<void> {
    const seq = ++this.readSeq;
    const { data, stat } = await this.zk.getData(this.path, { watch: this.watcher });
    this.apply(stat, decodeCount(data, this.path), seq);
  }

  private apply(stat: Stat, value: number, seq: number): void {
    // Versions only grow while the node lives: ignore a reply that is older than one applied.
    if (this.phase !== 'STARTED' || seq < this.appliedSeq || stat.version < this.current.value.version) return;
    this.appliedSeq = seq;
    if (stat.version === this.current.value.version) return;
    this.current.next({ version: stat.version, value });
  }
}
