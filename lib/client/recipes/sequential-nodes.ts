import { firstValueFrom } from 'rxjs';
import { Code } from '../../protocol/keeper-exception';
import { CreateMode, EventType } from '../../protocol/zoo-defs';
import type { ClientKeeperException } from '../errors';
import { nodeEvents } from '../watch-stream';
import type { ZooKeeper } from '../zookeeper';

/** The sequence number ZooKeeper appended to a sequential node's name (its last 10 digits). */
export function sequenceOf(name: string): number {
  return Number(name.slice(-10));
}

/** Children sorted by their sequence number, whatever prefix they carry. */
export function sortBySequence(children: string[]): string[] {
  return [...children].sort((a, b) => sequenceOf(a) - sequenceOf(b));
}

/** Creates `path` and any missing parents as persistent nodes (an existing node is fine). */
export async function ensurePath(zk: ZooKeeper, path: string): Promise<void> {
  let at = '';
  for (const part of path.split('/').filter(Boolean)) {
    at += `/${part}`;
    try {
      await zk.create(at);
    } catch (e) {
      if ((e as ClientKeeperException).code !== Code.NODEEXISTS) throw e;
    }
  }
}

/**
 * Creates an ephemeral-sequential node under `dir` whose name starts with `prefix` (unique to
 * this participant). If the connection is lost mid-create the node may exist anyway; as in
 * ZooKeeper's lock recipe, the participant then finds it by its prefix instead of making a
 * second one.
 */
export async function createOwnNode(zk: ZooKeeper, dir: string, prefix: string, data: Buffer | null = null): Promise<string> {
  for (;;) {
    try {
      const path = await zk.create(`${dir}/${prefix}`, data, { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
      return path.substring(dir.length + 1);
    } catch (e) {
      const code = (e as ClientKeeperException).code;
      if (code === Code.NONODE) {
        await ensurePath(zk, dir);
        continue;
      }
      if (code !== Code.CONNECTIONLOSS) throw e;
      await zk.waitForConnected();
      const mine = (await zk.getChildren(dir)).find((c) => c.startsWith(prefix));
      if (mine) return mine;
    }
  }
}

/**
 * Resolves when `path` is gone: an exists watch, so a node deleted before the watch was set
 * is seen at once. Only this one node is watched — no herd when others come and go.
 */
export async function waitForDeletion(zk: ZooKeeper, path: string): Promise<void> {
  const { stat, watch } = await zk.exists(path, { watch: true });
  if (stat === null) return;
  // null: the session ended first; the caller's next request will say how.
  const e = await firstValueFrom(watch.pipe(nodeEvents()), { defaultValue: null });
  if (e === null || e.type === EventType.NodeDeleted) return;
  return waitForDeletion(zk, path); // changed, not deleted: watch again
}
