import type { BinaryInputArchive } from '../jute/binary-input-archive';
import { Code } from '../protocol/keeper-exception';
import { OpCode } from '../protocol/op-code';
import type { Watcher } from './watch-stream';
import type { WatchKind, ZKWatchManager } from './zk-watch-manager';

/**
 * Turns a reply body into the value a request's promise resolves with. `ia` is null when
 * the reply carried an accepted error (exists → NoNode). A decoder may throw a
 * KeeperException (a failed multi); anything else it throws means the bytes were bad.
 */
export type Decoder = (ia: BinaryInputArchive | null, packet: Packet, chrootPath: string | null) => unknown;

/**
 * WatchRegistration and its subclasses: what a read adds to the watch manager once its
 * reply is in. Exists and addWatch register on NoNode too; exists then waits for creation.
 */
export class WatchRegistration {
  constructor(
    readonly kind: WatchKind | 'exists',
    readonly watcher: Watcher,
    readonly clientPath: string,
  ) {}

  register(rc: number, manager: ZKWatchManager): void {
    const lenient = this.kind === 'exists' || this.kind === 'persistent' || this.kind === 'persistentRecursive';
    if (!(rc === Code.OK || (lenient && rc === Code.NONODE))) return;
    const kind: WatchKind = this.kind === 'exists' ? (rc === Code.OK ? 'data' : 'exist') : this.kind;
    manager.add(kind, this.clientPath, this.watcher);
  }
}

/** WatchDeregistration: removeWatches' local half, run when the server's answer is in. */
export class WatchDeregistration {
  constructor(
    readonly clientPath: string,
    readonly watcher: Watcher | null,
    readonly watcherType: number,
    readonly local: boolean,
  ) {}
}

/**
 * One request on its way: the encoded frame (its xid patched in when it is written, as
 * Java assigns xids at send time), the promise to settle, and the watch work to do when the
 * reply arrives.
 */
export class Packet {
  xid = 0;
  /** Clock time the request went out (for the request timeout). */
  sentAt = 0;
  resolve: (value: unknown) => void = noop;
  reject: (error: unknown) => void = noop;

  constructor(
    readonly type: number,
    readonly frame: Buffer,
    /** The path an error names (Java's clientPath); null for multi, getEphemerals … */
    readonly clientPath: string | null,
    readonly decode: Decoder | null,
    /** An error code that still resolves (exists: NoNode → null). */
    readonly okErr: number = Code.OK,
    readonly watchRegistration: WatchRegistration | null = null,
    readonly watchDeregistration: WatchDeregistration | null = null,
  ) {}
}

function noop(): void {}

/** An addAuth whose server answer is awaited; re-sent after every reconnect, as Java does. */
export interface AuthData {
  scheme: string;
  auth: Buffer;
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

/** An auth packet: answered with xid -4 outside the pending queue, never failed on loss. */
export class PendingAuth extends Packet {
  constructor(
    readonly auth: AuthData,
    frame: Buffer,
  ) {
    super(OpCode.auth, frame, null, null);
  }
}

/** A FIFO queue with O(1) shift (Array.shift is O(n) on a long backlog). */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Empties the queue, returning what it held in order. */
  drain(): T[] {
    const out = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return out;
  }
}
