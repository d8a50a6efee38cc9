import { filter, firstValueFrom } from 'rxjs';
import { validatePath } from '../../data/path-utils';
import { Code } from '../../protocol/keeper-exception';
import { CreateMode, EventType } from '../../protocol/zoo-defs';
import { IllegalArgumentError, type ClientKeeperException } from '../errors';
import type { ZooKeeper } from '../zookeeper';
import { ensurePath, waitForDeletion } from './sequential-nodes';

function ignore(code: number) {
  return (e: unknown) => {
    if ((e as ClientKeeperException).code !== code) throw e;
  };
}

/**
 * A barrier (ZooKeeper's recipe, Curator's DistributedBarrier): while the barrier node
 * exists, waitOnBarrier blocks; removing the node lets every waiter through at once.
 */
export class Barrier {
  constructor(
    private readonly zk: ZooKeeper,
    readonly path: string,
  ) {
    validatePath(path);
  }

  /** Raises the barrier (creating missing parents); raising it twice is fine. */
  async setBarrier(): Promise<void> {
    const parent = this.path.substring(0, this.path.lastIndexOf('/'));
    if (parent) await ensurePath(this.zk, parent);
    await this.zk.create(this.path).catch(ignore(Code.NODEEXISTS));
  }

  async removeBarrier(): Promise<void> {
    await this.zk.delete(this.path).catch(ignore(Code.NONODE));
  }

  /** Resolves once the barrier is down (at once if it is not up). */
  waitOnBarrier(): Promise<void> {
    return waitForDeletion(this.zk, this.path);
  }
}

/**
 * A double barrier (ZooKeeper's recipe): `size` participants enter, and none proceeds until
 * all have; then each leaves, and none finishes leaving until all have. Entering creates an
 * ephemeral node per participant; the last to arrive creates "ready", which every waiter
 * watches. Leaving follows the recipe: the lowest node waits for the highest, everyone
 * else deletes its node and waits for the lowest.
 */
export class DoubleBarrier {
  private static readonly READY = 'ready';

  constructor(
    private readonly zk: ZooKeeper,
    readonly path: string,
    readonly size: number,
    /** This participant's node name (unique among participants). */
    readonly name: string,
  ) {
    validatePath(path);
    if (!Number.isInteger(size) || size < 1) throw new IllegalArgumentError(`barrier size must be a positive integer, got ${size}`);
    if (!name || name.includes('/') || name === DoubleBarrier.READY) throw new IllegalArgumentError(`invalid participant name ${JSON.stringify(name)}`);
  }

  async enter(): Promise<void> {
    await ensurePath(this.zk, this.path);
    const readyPath = `${this.path}/${DoubleBarrier.READY}`;
    const ready = await this.zk.exists(readyPath, { watch: true });
    await this.zk.create(`${this.path}/${this.name}`, null, { mode: CreateMode.EPHEMERAL });
    if (ready.stat !== null) return;
    const here = (await this.zk.getChildren(this.path)).filter((c) => c !== DoubleBarrier.READY);
    if (here.length < this.size) {
      await firstValueFrom(ready.watch.pipe(filter((e) => e.type === EventType.NodeCreated)), { defaultValue: null });
    } else {
      await this.zk.create(readyPath).catch(ignore(Code.NODEEXISTS));
    }
  }

  async leave(): Promise<void> {
    const me = this.name;
    for (;;) {
      const nodes = (await this.zk.getChildren(this.path)).filter((c) => c !== DoubleBarrier.READY).sort();
      if (nodes.length === 0) break;
      if (nodes.length === 1 && nodes[0] === me) {
        await this.zk.delete(`${this.path}/${me}`).catch(ignore(Code.NONODE));
        break;
      }
      if (nodes[0] === me) {
        await waitForDeletion(this.zk, `${this.path}/${nodes[nodes.length - 1]}`);
      } else {
        if (nodes.includes(me)) await this.zk.delete(`${this.path}/${me}`).catch(ignore(Code.NONODE));
        await waitForDeletion(this.zk, `${this.path}/${nodes[0]}`);
      }
    }
    // The last one out takes the ready flag down, so the barrier can be used again.
    await this.zk.delete(`${this.path}/${DoubleBarrier.READY}`).catch(ignore(Code.NONODE));
  }
}
