import { Subject, type Observable, type Subscription } from 'rxjs';
import { after } from '../../core/clock';
import { validatePath } from '../../data/path-utils';
import { Code } from '../../protocol/keeper-exception';
import { hex } from '../client-cnxn';
import { IllegalArgumentError, createKeeperException, type ClientKeeperException } from '../errors';
import type { ZooKeeper } from '../zookeeper';
import { connectionStates, type LostReason } from './connection-state';
import { createOwnNode, deleteGuaranteed, sortBySequence, untilConnected, waitForDeletion } from './sequential-nodes';

let instances = 0;

/** Why a held lock was lost: the session's end, a suspension as long as the session timeout, or the node removed by someone else. */
export type LockLostReason = LostReason | 'deleted';

/**
 * What happens to a lock, Curator's ConnectionStateListener folded in:
 * acquired → (suspended → reconnected)* → released | lost.
 */
export type LockEvent =
  | { readonly type: 'acquired'; readonly node: string }
  | { readonly type: 'suspended' }
  | { readonly type: 'reconnected' }
  | { readonly type: 'lost'; readonly reason: LockLostReason }
  | { readonly type: 'released' };

export interface AcquireOptions {
  /** Give up (resolve false, withdrawing the node) if not held within this many ms. */
  timeoutMs?: number;
  /** Give up (reject with the signal's reason) when aborted. */
  signal?: AbortSignal;
}

export interface LockOptions {
  /**
   * How long a holder may be suspended before it gives the lock up unasked (default: the
   * session timeout, when the server may already have handed it to someone else).
   */
  lostAfterMs?: number;
  /** Stored in the node (a LeaderSelector's participant id). */
  data?: Buffer | null;
}

/**
 * Decides from the sorted children whether `ours` holds the lock: null if it does, else
 * the one node to watch (the herd-free part: one watcher per node that goes away).
 */
export type LockPredicate = (sorted: string[], ours: string) => string | null;

/** The mutex rule: the lowest node holds; everyone else watches the node just before it. */
export const lowestHolds: LockPredicate = (sorted, ours) => {
  const i = sorted.indexOf(ours);
  return i <= 0 ? null : sorted[i - 1];
};

/**
 * The engine under Lock, ReadWriteLock and LeaderSelector (Curator's LockInternals): an
 * ephemeral-sequential node per contender named `<kind>-<session>-<n>-<seq>`, a predicate
 * that says who holds, and the connection-state rules while held:
 * - SUSPENDED: reported; the lock is still ours unless the session expires.
 * - RECONNECTED: our node is checked; gone means lost ('deleted').
 * - LOST (expired/closed, or suspended a whole session timeout): isHeld is false at once
 *   and 'lost' is reported; if the session comes back after a 'timeout' loss, the stale node
 *   is deleted so nobody waits on it.
 */
export class LockInternals {
  private node: string | null = null;
  private held = false;
  /** Held or being acquired: a second acquire on this instance is a mistake. */
  private busy = false;
  private suspended = false;
  private watching: Subscription | null = null;
  private readonly events = new Subject<LockEvent>();
  private readonly instance = ++instances;

  constructor(
    readonly zk: ZooKeeper,
    readonly path: string,
    /** Node name prefix: 'lock', 'read', 'write' … */
    readonly kind: string,
    private readonly predicate: LockPredicate = lowestHolds,
    private readonly opts: LockOptions = {},
  ) {
    validatePath(path);
    if (!/^[a-zA-Z0-9_]+$/.test(kind)) throw new IllegalArgumentError(`invalid lock node kind ${JSON.stringify(kind)}`);
  }

  get isHeld(): boolean {
    return this.held;
  }
  /** Held, but the connection is down: the session (and so the lock) may be expiring. */
  get isSuspended(): boolean {
    return this.held && this.suspended;
  }
  /** This contender's node name while it holds or waits for the lock. */
  get nodeName(): string | null {
    return this.node;
  }
  get nodePath(): string | null {
    return this.node && `${this.path}/${this.node}`;
  }
  get events$(): Observable<LockEvent> {
    return this.events.asObservable();
  }

  /** Waits for the lock; false on timeout. Rejects on abort or when the session ends. */
  async acquire(opts: AcquireOptions = {}): Promise<boolean> {
    if (this.busy) throw new IllegalArgumentError(`lock ${this.path} is already held or being acquired by this instance`);
    opts.signal?.throwIfAborted();
    this.busy = true;
    // The session is part of the name so that after a lost create reply we find our node.
    const prefix = `${this.kind}-${hex(this.zk.sessionId)}-${this.instance}-`;
    let stop: (why: 'timeout' | 'abort') => void = () => undefined;
    let stopped: 'timeout' | 'abort' | null = null;
    const interrupted = new Promise<void>((resolve) => {
      stop = (why) => {
        stopped ??= why;
        resolve();
      };
    });
    const timer = opts.timeoutMs === undefined ? null : after(this.zk.clock, opts.timeoutMs, () => stop('timeout'));
    const onAbort = () => stop('abort');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.node = await createOwnNode(this.zk, this.path, prefix, this.opts.data ?? null);
      for (;;) {
        if (stopped) break;
        try {
          const children = sortBySequence(await this.zk.getChildren(this.path));
          if (!children.includes(this.node)) throw createKeeperException(Code.NONODE, this.nodePath!); // removed under us
          const watch = this.predicate(children, this.node);
          if (watch === null) {
            this.becomeHeld();
            return true;
          }
          await Promise.race([waitForDeletion(this.zk, `${this.path}/${watch}`), interrupted]);
        } catch (e) {
          // A lost connection keeps the session and our node: look again once reconnected.
          if ((e as ClientKeeperException).code !== Code.CONNECTIONLOSS) throw e;
          const back = await Promise.race([untilConnected(this.zk), interrupted.then(() => true)]);
          if (!back) throw createKeeperException(Code.SESSIONEXPIRED, this.nodePath ?? undefined);
        }
      }
      await this.withdraw();
      if (stopped === 'abort') throw opts.signal!.reason;
      return false;
    } catch (e) {
      await this.withdraw().catch(() => undefined);
      throw e;
    } finally {
      timer?.unsubscribe();
      opts.signal?.removeEventListener('abort', onAbort);
      this.busy = this.held;
    }
  }

  /**
   * Gives the lock up (or stops waiting for it). Resolves when the node is gone; across a
   * lost connection the delete is retried until it succeeds or the session ends.
   */
  async release(): Promise<void> {
    const wasHeld = this.held;
    await this.withdraw();
    if (wasHeld) this.events.next({ type: 'released' });
  }

  private becomeHeld(): void {
    this.held = true;
    this.suspended = false;
    this.events.next({ type: 'acquired', node: this.node! });
    this.watching = connectionStates(this.zk, { lostAfterMs: this.opts.lostAfterMs }).subscribe((c) => {
      if (!this.held) return;
      if (c.state === 'SUSPENDED' || c.state === 'READ_ONLY') {
        if (this.suspended) return;
        this.suspended = true;
        this.events.next({ type: 'suspended' });
      } else if (c.state === 'RECONNECTED') {
        this.suspended = false;
        void this.verifyNode();
      } else if (c.state === 'LOST') {
        this.lose(c.reason ?? 'expired');
      }
    });
  }

  /** After a reconnect: is our node still there (and ours)? */
  private async verifyNode(): Promise<void> {
    const path = this.nodePath;
    if (!path) return;
    try {
      const stat = await this.zk.exists(path);
      if (this.nodePath !== path || !this.held) return;
      if (!stat || stat.ephemeralOwner !== this.zk.sessionId) this.lose('deleted');
      else this.events.next({ type: 'reconnected' });
    } catch {
      // Lost again before the answer: the next state change decides.
    }
  }

  private lose(reason: LockLostReason): void {
    const path = this.nodePath;
    this.stopWatching();
    this.held = false;
    this.suspended = false;
    this.node = null;
    this.busy = false;
    this.events.next({ type: 'lost', reason });
    // Given up while the session may live on: delete the stale node once we can, so it
    // does not block the next contender until the session finally expires.
    if (path && reason !== 'expired' && reason !== 'closed' && reason !== 'auth-failed') {
      void deleteGuaranteed(this.zk, path).catch(() => undefined);
    }
  }

  private stopWatching(): void {
    this.watching?.unsubscribe();
    this.watching = null;
  }

  private async withdraw(): Promise<void> {
    const path = this.nodePath;
    this.stopWatching();
    this.node = null;
    this.held = false;
    this.busy = false;
    this.suspended = false;
    if (path) await deleteGuaranteed(this.zk, path);
  }
}
