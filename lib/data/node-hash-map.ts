import type { DataNode } from './data-node';
import { digestLong, nodeDigest, ZOOKEEPER_NODE_SUBTREE } from './digest-calculator';
import { carryHi, sumLo } from './digest-sum';

/**
 * Paths NodeHashMap.recent holds before it starts over. Writes over a hot set of up to
 * ~16k paths keep finding their nodes there: with 4096 a uniform 10k-key set (the bench
 * suite's default) hit 22% of the time, with 16384 97%, saving ~200 ns a lookup beside a
 * 400k-znode map (measured in isolation; more in the server, where the cache is busier).
 */
const RECENT_MAX = 16384;

/**
 * NodeHashMap: path → DataNode, keeping the tree digest (AdHash: a 64-bit wrapping sum of
 * node digests) up to date. Callers bracket every change of a node's data or stat with
 * preChange / postChange so the old digest leaves the sum and the new one enters it.
 */
export class NodeHashMap {
  /**
   * In insertion order, which is parents first: a node is created after its parent, a
   * parent cannot be deleted (and re-inserted at the end) while it has children, and a
   * restore inserts in the snapshot file's order, which is this order again. The
   * snapshot writer walks this order instead of the tree (snapshot-serializer's
   * serializeSnapshotBody); replacing a node in place keeps its position. Keep it so.
   */
  private readonly nodes = new Map<string, DataNode>();
  /**
   * Nodes prep looked up lately (getForChange), a small map the CPU cache holds: a write's
   * node is found in prep and found again when its txn is applied, and in a big tree the
   * second lookup in `nodes` missed the cache at every step (~0.7 µs). Plain lookups (the
   * apply, reads, a learner's apply, which has no prep) only read it: remembering those
   * cost a learner or a read a second lookup and an insert for nothing. Kept exact: every
   * change of `nodes` goes through this class, which drops or replaces the path here too.
   */
  private recent = new Map<string, DataNode>();
  /** The tree digest's halves (digest-sum.ts says why not a bigint). */
  private hashHi = 0;
  private hashLo = 0;

  constructor(readonly digestEnabled = true) {}

  put(path: string, node: DataNode): DataNode | undefined {
    const old = this.nodes.get(path);
    this.nodes.set(path, node);
    this.recent.delete(path);
    this.addDigest(path, node);
    if (old !== undefined) this.removeDigest(path, old);
    return old;
  }

  /**
   * put, for a restore: one lookup of the new path instead of two. False when the path was
   * there already (no sound snapshot has a path twice): it is replaced, but the old node's
   * digest stays in the sum until recomputeDigest.
   */
  putRestored(path: string, node: DataNode): boolean {
    const size = this.nodes.size;
    this.nodes.set(path, node);
    this.recent.delete(path);
    this.addDigest(path, node);
    return this.nodes.size !== size;
  }

  /** The tree digest summed again over the nodes (after putRestored replaced one). */
  recomputeDigest(): void {
    this.hashHi = 0;
    this.hashLo = 0;
    // "/" aliases the root, whose digest is counted under "" (putWithoutDigest).
    for (const [path, node] of this.nodes) if (path !== '/') this.addDigest(path, node);
  }

  /** put for a path the caller has just found absent: no second lookup. `digest`: as for postChange. */
  insert(path: string, node: DataNode, digest?: number): void {
    this.nodes.set(path, node);
    this.recent.delete(path);
    setDigest(node, digest);
    this.addDigest(path, node);
  }

  /** For the "/" alias of the root, whose digest is already counted under "". */
  putWithoutDigest(path: string, node: DataNode): DataNode | undefined {
    const old = this.nodes.get(path);
    this.nodes.set(path, node);
    this.recent.delete(path);
    return old;
  }

  get(path: string): DataNode | undefined {
    return this.recent.get(path) ?? this.nodes.get(path);
  }

  /** get for a node a txn is about to change: its apply will find it in `recent`. */
  getForChange(path: string): DataNode | undefined {
    const hot = this.recent.get(path);
    if (hot !== undefined) return hot;
    const n = this.nodes.get(path);
    if (n !== undefined) {
      if (this.recent.size >= RECENT_MAX) this.recent = new Map();
      this.recent.set(path, n);
    }
    return n;
  }

  has(path: string): boolean {
    return this.nodes.has(path);
  }

  remove(path: string): DataNode | undefined {
    const old = this.nodes.get(path);
    if (old !== undefined) {
      this.nodes.delete(path);
      this.recent.delete(path);
      this.removeDigest(path, old);
    }
    return old;
  }

  entries(): IterableIterator<[string, DataNode]> {
    return this.nodes.entries();
  }

  keys(): IterableIterator<string> {
    return this.nodes.keys();
  }

  clear(): void {
    this.nodes.clear();
    this.recent = new Map();
    this.hashHi = 0;
    this.hashLo = 0;
  }

  /** Entries including the "" alias of the root, as Java counts them. */
  size(): number {
    return this.nodes.size;
  }

  preChange(path: string, node: DataNode): void {
    this.removeDigest(path, node);
  }

  /** `digest`: the node's new digest when the caller has it (prep's, see takePrecalculatedDigest). */
  postChange(path: string, node: DataNode, digest?: number): void {
    setDigest(node, digest);
    this.addDigest(path, node);
  }

  /** The tree digest as Java's signed long. */
  getDigest(): bigint {
    return digestLong(this.hashHi, this.hashLo);
  }

  /** The tree digest's high half, for prep's sums (digest-sum.ts). */
  get digestHi(): number {
    return this.hashHi;
  }

  /** The tree digest's low half. */
  get digestLo(): number {
    return this.hashLo;
  }

  private addDigest(path: string, node: DataNode): void {
    if (!this.digestEnabled || path.startsWith(ZOOKEEPER_NODE_SUBTREE)) return;
    this.step(0, nodeDigest(path, node));
  }

  private removeDigest(path: string, node: DataNode): void {
    if (!this.digestEnabled || path.startsWith(ZOOKEEPER_NODE_SUBTREE)) return;
    this.step(nodeDigest(path, node), 0);
  }

  private step(prev: number, next: number): void {
    const raw = this.hashLo - prev + next;
    this.hashHi = carryHi(raw, this.hashHi);
    this.hashLo = sumLo(raw);
  }
}

/** The node's digest as the caller has it, or marked stale so nodeDigest computes it. */
function setDigest(node: DataNode, digest: number | undefined): void {
  if (digest === undefined) {
    node.digestCached = false;
  } else {
    node.digest = digest | 0;
    node.digestCached = true;
  }
}
