import type { ACL } from '../jute/records/data';
import type { ReferenceCountedACLCache } from './acl-cache';
import type { DataNode } from './data-node';
import type { DataTreeEphemerals } from './data-tree-ephemerals';
import type { DataTreeQuotas } from './data-tree-quota';
import type { NodeHashMap } from './node-hash-map';

/** A snapshot whose nodes do not form a tree. */
export class InvalidSnapshotError extends Error {
  override name = 'InvalidSnapshotError';
}

/**
 * The nodes in snapshot order (Java's serializeNode): the root as "", then depth first
 * in each node's child order. A snapshot writes each (path, node) and then "/" as the
 * end marker.
 */
export function* nodesInTreeOrder(getNode: (path: string) => DataNode | undefined): Generator<[string, DataNode]> {
  const stack: string[] = [''];
  while (stack.length > 0) {
    const path = stack.pop()!;
    const node = getNode(path);
    if (node === undefined) continue;
    yield [path, node];
    const kids = [...node.children];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(`${path}/${kids[i]}`);
  }
}

/** The parts of a DataTree that loading a snapshot rebuilds. */
export interface RestoreTarget {
  nodes: NodeHashMap;
  aclCache: ReferenceCountedACLCache;
  ephemerals: DataTreeEphemerals;
  quotas: DataTreeQuotas;
}

/**
 * DataTree.deserialize, a node at a time: replaces everything with a snapshot's ACL
 * entries and then its nodes (in tree order, the root first as ""), rebuilding children,
 * ephemerals, containers, TTLs and quotas; `finish` then drops ACL entries no node uses.
 * A learner adds each node as it comes off the socket, so rebuilding overlaps reading.
 */
export class TreeRestorer {
  private root: DataNode | undefined;
  /**
   * The last parent looked up: siblings come one after another (a snapshot is in creation
   * order), and a lookup in a big node map is a cache miss or two, and a new string.
   */
  private parentPath = '';
  private parent: DataNode | undefined;
  private replaced = false;

  /** `onFinish`: what the tree derives from the restored nodes (its data size). */
  constructor(
    private readonly t: RestoreTarget,
    aclEntries: Iterable<readonly [bigint, ACL[]]>,
    private readonly onFinish: () => void = () => undefined,
  ) {
    t.aclCache.restore(aclEntries);
    t.nodes.clear();
    t.quotas.clear();
    t.ephemerals.clear();
  }

  add(path: string, node: DataNode): void {
    const t = this.t;
    if (!t.nodes.putRestored(path, node)) {
      // A path twice (no sound snapshot has one): the last node wins, as in Java's put.
      this.replaced = true;
      this.parent = undefined;
    }
    t.aclCache.addUsage(node.acl);
    const lastSlash = path.lastIndexOf('/');
    if (lastSlash === -1) {
      this.root = node;
      return;
    }
    let parent = this.parent;
    if (parent === undefined || lastSlash !== this.parentPath.length || !path.startsWith(this.parentPath)) {
      const parentPath = path.substring(0, lastSlash);
      parent = t.nodes.get(parentPath);
      if (parent === undefined) {
        throw new InvalidSnapshotError(`Invalid Datatree, unable to find parent ${parentPath} of path ${path}`);
      }
      this.parentPath = parentPath;
      this.parent = parent;
    }
    parent.addChild(path.substring(lastSlash + 1));
    t.ephemerals.add(path, node.stat.ephemeralOwner);
  }

  finish(): void {
    const t = this.t;
    if (this.root === undefined) throw new InvalidSnapshotError('Invalid Datatree, no root node');
    if (this.replaced) t.nodes.recomputeDigest();
    // The root's digest is counted under "" only.
    t.nodes.putWithoutDigest('/', this.root);
    t.quotas.setupQuota();
    t.aclCache.purgeUnused();
    this.onFinish();
  }
}
