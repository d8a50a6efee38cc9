import { after } from '../../core/clock';
import { validatePath } from '../../data/path-utils';
import { Code } from '../../protocol/keeper-exception';
import { hex } from '../client-cnxn';
import { IllegalArgumentError, createKeeperException, type ClientKeeperException } from '../errors';
import type { ZooKeeper } from '../zookeeper';
import { createOwnNode, sortBySequence, waitForDeletion } from './sequential-nodes';

let instances = 0;

/**
 * A distributed mutex, ZooKeeper's lock recipe: each contender creates an ephemeral
 * sequential node under the lock path; the lowest sequence holds the lock; every other
 * contender watches only the node just before its own, so a release wakes one waiter, not
 * the herd. Not reentrant. The session's end releases the lock (the node is ephemeral).
 *
 *     const lock = new Lock(zk, '/locks/orders');
 *     await lock.acquire();
 *     try { … } finally { await lock.release(); }
 */
export class Lock {
  private node: string | null = null;
  private held = false;
  /** Names this contender's node, so it can find it again after a lost create reply. */
  private readonly prefix: string;

  constructor(
    private readonly zk: ZooKeeper,
    readonly path: string,
  ) {
    validatePath(path);
    this.prefix = `lock-${hex(zk.sessionId)}-${++instances}-`;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** The full path of this contender's node while it holds or waits for the lock. */
  get nodePath(): string | null {
    return this.node && `${this.path}/${this.node}`;
  }

  /**
   * Waits for the lock. With a timeout, resolves false (and withdraws) if it is not held in
   * time; without one, resolves true once held.
   */
  async acquire(opts: { timeoutMs?: number } = {}): Promise<boolean> {
    if (this.node) throw new IllegalArgumentError(`lock ${this.path} is already held or being acquired by this Lock`);
    this.node = await createOwnNode(this.zk, this.path, this.prefix);
    let timedOut = false;
    let wake = () => {};
    const timeout = new Promise<void>((resolve) => (wake = resolve));
    const timer =
      opts.timeoutMs === undefined
        ? null
        : after(this.zk.clock, opts.timeoutMs, () => {
            timedOut = true;
            wake();
          });
    try {
      for (;;) {
        try {
          const children = sortBySequence(await this.zk.getChildren(this.path));
          const i = children.indexOf(this.node);
          if (i < 0) throw createKeeperException(Code.NONODE, `${this.path}/${this.node}`); // the session ended
          if (i === 0) {
            this.held = true;
            return true;
          }
          const gone = waitForDeletion(this.zk, `${this.path}/${children[i - 1]}`);
          await (timer ? Promise.race([gone, timeout]) : gone);
        } catch (e) {
          // A lost connection keeps the session and our node: look again once reconnected.
          if ((e as ClientKeeperException).code !== Code.CONNECTIONLOSS) throw e;
          await (timer ? Promise.race([this.zk.waitForConnected(), timeout]) : this.zk.waitForConnected());
        }
        if (timedOut) {
          await this.withdraw();
          return false;
        }
      }
    } catch (e) {
      await this.withdraw().catch(() => undefined);
      throw e;
    } finally {
      timer?.unsubscribe();
    }
  }

  /** Gives the lock up (or stops waiting for it). */
  async release(): Promise<void> {
    if (!this.node) return;
    await this.withdraw();
  }

  private async withdraw(): Promise<void> {
    const node = this.node;
    this.node = null;
    this.held = false;
    if (!node) return;
    try {
      await this.zk.delete(`${this.path}/${node}`);
    } catch (e) {
      if ((e as ClientKeeperException).code !== Code.NONODE) throw e;
    }
  }
}
