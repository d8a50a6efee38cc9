import { firstValueFrom } from 'rxjs';
import { validatePath } from '../../data/path-utils';
import { Code } from '../../protocol/keeper-exception';
import { CreateMode } from '../../protocol/zoo-defs';
import type { Data } from '../arguments';
import { Op } from '../op';
import { createKeeperException, type ClientKeeperException } from '../errors';
import { nodeEvents } from '../watch-stream';
import type { ZooKeeper } from '../zookeeper';
import { ensurePath, sortBySequence, untilConnected } from './sequential-nodes';

const PREFIX = 'qn-';
/** An ephemeral marker of who took an element (see tryRemove). */
const CLAIM = 'claim-';

/**
 * A distributed FIFO queue (ZooKeeper's queue recipe): offer creates a persistent
 * sequential child, and consumers take the lowest child by reading then deleting it. Only
 * the consumer whose delete succeeds gets an element, so each is delivered once — also
 * when the delete's reply is lost with the connection (see tryRemove). An element taken
 * in the instant the session expires may be lost: across expiry, delivery is at most once.
 */
export class DistributedQueue {
  private ready: Promise<void> | null = null;

  constructor(
    private readonly zk: ZooKeeper,
    readonly path: string,
  ) {
    validatePath(path);
  }

  /** Adds an element; resolves with its node name. */
  async offer(data: Data): Promise<string> {
    await this.ensure();
    const path = await this.zk.create(`${this.path}/${PREFIX}`, data, { mode: CreateMode.PERSISTENT_SEQUENTIAL });
    return path.substring(this.path.length + 1);
  }

  /** The head's data without removing it, or null when empty. */
  async peek(): Promise<Buffer | null> {
    for (const child of await this.ordered()) {
      try {
        return (await this.zk.getData(`${this.path}/${child}`)).data ?? Buffer.alloc(0);
      } catch (e) {
        if ((e as ClientKeeperException).code !== Code.NONODE) throw e;
      }
    }
    return null;
  }

  /** Removes and returns the head, or null when empty. */
  async poll(): Promise<Buffer | null> {
    for (const child of await this.ordered()) {
      const got = await this.tryRemove(child);
      if (got) return got;
    }
    return null;
  }

  /** Removes and returns the head, waiting for one if the queue is empty. */
  async take(): Promise<Buffer> {
    await this.ensure();
    for (;;) {
      try {
        const { children, watch } = await this.zk.getChildren(this.path, { watch: true });
        for (const child of sortBySequence(children.filter((c) => c.startsWith(PREFIX)))) {
          const got = await this.tryRemove(child);
          if (got) return got;
        }
        const e = await firstValueFrom(watch.pipe(nodeEvents()), { defaultValue: null });
        if (e === null) throw createKeeperException(Code.SESSIONEXPIRED, this.path); // the session ended
      } catch (e) {
        // The session survives a lost connection: wait for it and look again.
        if ((e as ClientKeeperException).code !== Code.CONNECTIONLOSS) throw e;
        if (!(await untilConnected(this.zk))) throw createKeeperException(Code.SESSIONEXPIRED, this.path);
      }
    }
  }

  /** How many elements are waiting. */
  async size(): Promise<number> {
    return (await this.ordered()).length;
  }

  private async ordered(): Promise<string[]> {
    try {
      return sortBySequence((await this.zk.getChildren(this.path)).filter((c) => c.startsWith(PREFIX)));
    } catch (e) {
      if ((e as ClientKeeperException).code === Code.NONODE) return [];
      throw e;
    }
  }

  /**
   * Reads then removes one element; null if another consumer got it first. The delete goes
   * with the create of an ephemeral claim node in one multi, so that when the reply is
   * lost with the connection, the claim's owner says whether the element is ours.
   */
  private async tryRemove(child: string): Promise<Buffer | null> {
    const path = `${this.path}/${child}`;
    const claim = `${this.path}/${CLAIM}${child}`;
    let data: Buffer | null;
    try {
      data = (await this.zk.getData(path)).data;
    } catch (e) {
      if ((e as ClientKeeperException).code === Code.NONODE) return null;
      throw e;
    }
    let unsure = false;
    for (;;) {
      try {
        if (unsure) {
          const stat = await this.zk.exists(claim);
          if (stat && stat.ephemeralOwner === this.zk.sessionId) break;
          if (!(await this.zk.exists(path))) return null;
          unsure = false;
        }
        await this.zk.multi([Op.delete(path), Op.create(claim, null, { mode: CreateMode.EPHEMERAL })]);
        break;
      } catch (e) {
        const code = (e as ClientKeeperException).code;
        if (code === Code.NONODE || code === Code.NODEEXISTS) return null;
        if (code !== Code.CONNECTIONLOSS) throw e;
        unsure = true;
        if (!(await untilConnected(this.zk))) throw createKeeperException(Code.SESSIONEXPIRED, path);
      }
    }
    // The claim has done its job; the session's end would remove it anyway.
    this.zk.delete(claim).catch(() => undefined);
    return data ?? Buffer.alloc(0);
  }

  private ensure(): Promise<void> {
    this.ready ??= ensurePath(this.zk, this.path).catch((e) => {
      this.ready = null;
      throw e;
    });
    return this.ready;
  }
}
