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
 * DataTree.deserialize: replaces everything with a snapshot's ACL entries and nodes (in
 * tree order, the root first as ""), rebuilding children, ephemerals, containers, TTLs and
 * quotas, then dropping ACL entries no node uses.
 */
export function restoreTree(
  t: RestoreTarget,
  aclEntries: Iterable<readonly [bigint, ACL[]]>,
  nodes: Iterable<readonly [string, DataNode]>,
): void {
  t.aclCache.restore(aclEntries);
  t.nodes.clear();
  t.quotas.clear();
  t.ephemerals.clear();
  let root: DataNode | undefined;
  for (const [path, node] of nodes) {
    t.nodes.put(path, node);
    t.aclCache.addUsage(node.acl);
    const lastSlash = path.lastIndexOf('/');
    if (lastSlash === -1) {
      root = node;
      continue;
    }
    const parentPath = path.substring(0, lastSlash);
    const parent = t.nodes.get(parentPath);
    if (parent === undefined) {
      throw new InvalidSnapshotError(`Invalid Datatree, unable to find parent ${parentPath} of path ${path}`);
    }
    parent.addChild(path.substring(lastSlash + 1));
    t.ephemerals.add(path, node.stat.ephemeralOwner);
  }
  if (root === undefined) throw new InvalidSnapshotError('Invalid Datatree, no root node');
  // The root's digest is counted under "" only.
  t.nodes.putWithoutDigest('/', root);
  t.quotas.setupQuota();
  t.aclCache.purgeUnused();
}
