import { validatePath } from '../../data/path-utils';
import { Code } from '../../protocol/keeper-exception';
import { IllegalArgumentError, type ClientKeeperException } from '../errors';
import type { ZooKeeper } from '../zookeeper';
import { ensurePath } from './sequential-nodes';

/** Curator's AtomicValue: whether the change was made, and the value before and after. */
export interface AtomicValue<T> {
  readonly succeeded: boolean;
  readonly preValue: T;
  readonly postValue: T;
}

const MIN = -(1n << 63n);
const MAX = (1n << 63n) - 1n;

/** Curator's DistributedAtomicLong bytes: an 8-byte big-endian signed long. */
export function encodeLong(v: bigint): Buffer {
  if (typeof v !== 'bigint' || v < MIN || v > MAX) throw new IllegalArgumentError(`value must be a 64-bit signed bigint, got ${String(v)}`);
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(v);
  return b;
}

export function decodeLong(data: Buffer | null, path: string): bigint {
  if (data === null || data.length === 0) return 0n;
  if (data.length !== 8) throw new IllegalArgumentError(`${path} holds ${data.length} bytes, not an 8-byte long`);
  return data.readBigInt64BE(0);
}

export interface AtomicLongOptions {
  /** Optimistic attempts before an update reports succeeded: false. Default 10. */
  maxTries?: number;
}

/**
 * A 64-bit counter updated by optimistic compare-and-set on the node's version (Curator's
 * DistributedAtomicLong without the mutex promotion). A missing node reads as 0 and is
 * created by the first update. Every update says whether it happened: under heavy
 * contention it may not within maxTries, and then nothing was changed.
 */
export class DistributedAtomicLong {
  private readonly maxTries: number;

  constructor(
    private readonly zk: ZooKeeper,
    readonly path: string,
    opts: AtomicLongOptions = {},
  ) {
    validatePath(path);
    this.maxTries = opts.maxTries ?? 10;
    if (!Number.isInteger(this.maxTries) || this.maxTries < 1) throw new IllegalArgumentError(`maxTries must be a positive integer, got ${opts.maxTries}`);
  }

  async get(): Promise<AtomicValue<bigint>> {
    const { value } = await this.read();
    return { succeeded: true, preValue: value, postValue: value };
  }

  /** Creates the node with `value` if it does not exist; false if it already did. */
  async initialize(value: bigint): Promise<boolean> {
    const bytes = encodeLong(value);
    try {
      await this.createWith(bytes);
      return true;
    } catch (e) {
      if ((e as ClientKeeperException).code === Code.NODEEXISTS) return false;
      throw e;
    }
  }

  /** One attempt: sets `newValue` only if the value is `expected` now. */
  async compareAndSet(expected: bigint, newValue: bigint): Promise<AtomicValue<bigint>> {
    const bytes = encodeLong(newValue);
    const cur = await this.read();
    if (cur.value !== expected) return { succeeded: false, preValue: cur.value, postValue: cur.value };
    const ok = await this.tryWrite(cur.version, bytes);
    return { succeeded: ok, preValue: cur.value, postValue: ok ? newValue : cur.value };
  }

  /** Sets the value whatever it is (within maxTries attempts). */
  async trySet(newValue: bigint): Promise<AtomicValue<bigint>> {
    encodeLong(newValue);
    return this.update(() => newValue);
  }

  /** Sets the value unconditionally. */
  async forceSet(newValue: bigint): Promise<void> {
    const bytes = encodeLong(newValue);
    try {
      await this.zk.setData(this.path, bytes);
    } catch (e) {
      if ((e as ClientKeeperException).code !== Code.NONODE) throw e;
      await this.createWith(bytes).catch((err) => {
        if ((err as ClientKeeperException).code !== Code.NODEEXISTS) throw err;
        return this.zk.setData(this.path, bytes);
      });
    }
  }

  increment(): Promise<AtomicValue<bigint>> {
    return this.add(1n);
  }
  decrement(): Promise<AtomicValue<bigint>> {
    return this.add(-1n);
  }
  subtract(delta: bigint): Promise<AtomicValue<bigint>> {
    return this.add(-delta);
  }
  add(delta: bigint): Promise<AtomicValue<bigint>> {
    if (typeof delta !== 'bigint') return Promise.reject(new IllegalArgumentError(`delta must be a bigint, got ${typeof delta}`));
    return this.update((v) => BigInt.asIntN(64, v + delta));
  }

  private async update(next: (v: bigint) => bigint): Promise<AtomicValue<bigint>> {
    let last = 0n;
    for (let i = 0; i < this.maxTries; i++) {
      const cur = await this.read();
      last = cur.value;
      const v = next(cur.value);
      if (await this.tryWrite(cur.version, encodeLong(v))) return { succeeded: true, preValue: cur.value, postValue: v };
    }
    return { succeeded: false, preValue: last, postValue: last };
  }

  /** version -1 means "missing": then the write is a create. */
  private async read(): Promise<{ value: bigint; version: number }> {
    try {
      const { data, stat } = await this.zk.getData(this.path);
      return { value: decodeLong(data, this.path), version: stat.version };
    } catch (e) {
      if ((e as ClientKeeperException).code === Code.NONODE) return { value: 0n, version: -1 };
      throw e;
    }
  }

  private async tryWrite(version: number, bytes: Buffer): Promise<boolean> {
    try {
      if (version < 0) await this.createWith(bytes);
      else await this.zk.setData(this.path, bytes, version);
      return true;
    } catch (e) {
      const code = (e as ClientKeeperException).code;
      if (code === Code.BADVERSION || code === Code.NODEEXISTS || code === Code.NONODE) return false;
      throw e;
    }
  }

  private async createWith(bytes: Buffer): Promise<void> {
    try {
      await this.zk.create(this.path, bytes);
    } catch (e) {
      if ((e as ClientKeeperException).code !== Code.NONODE) throw e;
      await ensurePath(this.zk, this.path.substring(0, this.path.lastIndexOf('/')));
      await this.zk.create(this.path, bytes);
    }
  }
}
