import type { Watcher } from '../client/watch-stream';
import type { ZooKeeper } from '../client/zookeeper';
import { Op } from '../client/op';
import { validatePath } from '../data/path-utils';
import { Code, KeeperException } from '../protocol/keeper-exception';

/**
 * ZKUtil's tree walks as zkCli uses them (ls -R, setAcl -R, deleteall, setquota's checks),
 * with the same visiting order and the same tolerance of nodes vanishing mid-walk.
 */

const childPath = (parent: string, child: string) => (parent === '/' ? '' : parent) + '/' + child;

/**
 * visitSubTreeDFS: the root (which must exist), then each node's sorted children before
 * descending into them. A `watcher` sets a data watch on the root and child watches on
 * every node visited.
 */
export async function visitSubTreeDFS(
  zk: ZooKeeper,
  path: string,
  watcher: Watcher | null,
  visit: (path: string) => Promise<void> | void,
): Promise<void> {
  validatePath(path);
  await zk.getData(path, { watch: watcher ?? false });
  await visit(path);
  await visitChildren(zk, path, watcher, visit);
}

async function visitChildren(zk: ZooKeeper, path: string, watcher: Watcher | null, visit: (path: string) => Promise<void> | void): Promise<void> {
  let children: string[];
  try {
    children = (await zk.getChildren(path, { watch: watcher ?? false })).sort();
  } catch (e) {
    // Listed by the parent, deleted before we got here.
    if (e instanceof KeeperException && e.code === Code.NONODE) return;
    throw e;
  }
  for (const child of children) await visit(childPath(path, child));
  for (const child of children) await visitChildren(zk, childPath(path, child), watcher, visit);
}

/** listSubTreeBFS: the root and every descendant, breadth first, in the server's child order. */
export async function listSubTreeBFS(zk: ZooKeeper, root: string): Promise<string[]> {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const child of await zk.getChildren(tree[i])) tree.push(childPath(tree[i], child));
  }
  return tree;
}

/** How many delete multis deleteRecursive keeps in flight (ZKUtil's rateLimit). */
const IN_FLIGHT = 10;

/**
 * deleteRecursive(zk, root, batchSize): deletes the subtree leaves first, batchSize
 * deletes per multi, and stops sending batches once one has failed. False when some
 * batch failed (the tree may be partly deleted); throws if the tree cannot be listed.
 */
export async function deleteRecursive(zk: ZooKeeper, root: string, batchSize: number): Promise<boolean> {
  validatePath(root);
  const tree = await listSubTreeBFS(zk, root);
  let success = true;
  const inFlight: Promise<void>[] = [];
  let ops: Op[] = [];
  for (let i = tree.length - 1; i >= 0; --i) {
    ops.push(Op.delete(tree[i], -1));
    if (ops.length === batchSize || i === 0) {
      if (!success) break;
      if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
      inFlight.push(
        zk.multi(ops).then(
          () => undefined,
          () => {
            success = false;
          },
        ),
      );
      ops = [];
    }
  }
  await Promise.all(inFlight);
  return success;
}
