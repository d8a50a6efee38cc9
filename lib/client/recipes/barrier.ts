import { filter, firstValueFrom } from 'rxjs';
import { validatePath } from '../../data/path-utils';
import { Code } from '../../protocol/keeper-exception';
import { CreateMode, EventType } from '../../protocol/zoo-defs';
import { IllegalArgumentError, createKeeperException, type ClientKeeperException } from '../errors';
import type { ZooKeeper } from '../zookeeper';
import { ensurePath, untilConnected, waitForDeletion } from './sequential-nodes';

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

  /**
   * Resolves once the barrier is down (at once if it is not up). Waits across a lost
   * connection; rejects with SessionExpired if the session ends first.
   */
  async waitOnBarrier(): Promise<void> {
    for (;;) {
      try {
        if (await waitForDeletion(this.zk, this.path)) return;
        throw createKeeperException(Code.SESSIONEXPIRED, this.path);
      } catch (e) {
        if ((e as ClientKeeperException).code !== Code.CONNECTIONLOSS) throw e;
        if (!(await untilConnected(this.zk))) throw createKeeperException(Code.SESSIONEXPIRED, this.path);
      }
    }
  }
}

/**
 * A double barrier (ZooKeeper's recipe): `size` participants enter, and none proceeds until
 * all have; then each leaves, and none finishes leaving until all have. Entering creates an
 * ephemeral node per participant; the last to arrive creates "ready", which every waiter
 * watches. Leaving follows the recipe: the lowest node waits for the highest, everyone
 * else deletes its node and waits for the lowest.
 *
 * A lost connection fails enter/leave with ConnectionLoss (call again: entering finds its
 * node, leaving carries on). If the session ends, this participant's node goes with it and
 * a waiting enter/leave rejects with SessionExpired — it is never let through.
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
    const mine = `${this.path}/${this.name}`;
    try {
      await this.zk.create(mine, null, { mode: CreateMode.EPHEMERAL });
    } catch (e) {
      // Ours already when this is a retry after a lost connection; anyone else's is a clash.
      if ((e as ClientKeeperException).code !== Code.NODEEXISTS || (await this.zk.exists(mine))?.ephemeralOwner !== this.zk.sessionId) throw e;
    }
    if (ready.stat !== null) return;
    const here = (await this.zk.getChildren(this.path)).filter((c) => c !== DoubleBarrier.READY);
    if (here.length < this.size) {
      const created = await firstValueFrom(ready.watch.pipe(filter((e) => e.type === EventType.NodeCreated)), { defaultValue: null });
      if (created === null) throw createKeeperException(Code.SESSIONEXPIRED, readyPath); // the session ended while waiting
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
