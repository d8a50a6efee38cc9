import { firstValueFrom } from 'rxjs';
import { validatePath } from '../../data/path-utils';
import { Code } from '../../protocol/keeper-exception';
import { CreateMode } from '../../protocol/zoo-defs';
import type { Data } from '../arguments';
import { createKeeperException, type ClientKeeperException } from '../errors';
import { nodeEvents } from '../watch-stream';
import type { ZooKeeper } from '../zookeeper';
import { ensurePath, sortBySequence } from './sequential-nodes';

const PREFIX = 'qn-';

/**
 * A distributed FIFO queue (ZooKeeper's queue recipe): offer creates a persistent
 * sequential child, and consumers take the lowest child by reading then deleting it. Only
 * the consumer whose delete succeeds gets an element, so each is delivered once.
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
      const { children, watch } = await this.zk.getChildren(this.path, { watch: true });
      for (const child of sortBySequence(children.filter((c) => c.startsWith(PREFIX)))) {
        const got = await this.tryRemove(child);
        if (got) return got;
      }
      const e = await firstValueFrom(watch.pipe(nodeEvents()), { defaultValue: null });
      if (e === null) throw createKeeperException(Code.SESSIONEXPIRED); // the session ended
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

  /** Reads then deletes one element; null if another consumer got it first. */
  private async tryRemove(child: string): Promise<Buffer | null> {
    const path = `${this.path}/${child}`;
    try {
      const { data } = await this.zk.getData(path);
      await this.zk.delete(path);
      return data ?? Buffer.alloc(0);
    } catch (e) {
      if ((e as ClientKeeperException).code === Code.NONODE) return null;
      throw e;
    }
  }

  private ensure(): Promise<void> {
    this.ready ??= ensurePath(this.zk, this.path).catch((e) => {
      this.ready = null;
      throw e;
    });
    return this.ready;
  }
}
