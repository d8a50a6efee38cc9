/**
 * The iteration order of a java.util.HashMap / HashSet filled in a given order, so a
 * snapshot dump lists children and sessions in the order Java's SnapshotFormatter does.
 * Within a bucket HashMap keeps insertion order (a resize splits buckets without
 * reordering), so the order is the insertion order stably sorted by bucket index at the
 * final table size. Only a bucket that turned into a tree (eight collisions in a table of
 * 64 or more) is out of reach; its keys keep insertion order here.
 */

/** String.hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Long.hashCode: (int) (value ^ (value >>> 32)). */
export function javaLongHash(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  return Number(BigInt.asIntN(32, u ^ (u >> 32n)));
}

/** HashMap.hash: spreads the high bits down. */
function spread(h: number): number {
  return (h ^ (h >>> 16)) | 0;
}

/** HashMap.tableSizeFor */
function tableSizeFor(cap: number): number {
  let n = 1;
  while (n < cap) n *= 2;
  return n;
}

const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/**
 * Keys in the order a HashMap(initialCapacity) iterates them after `keys` were put in
 * order (a repeated key keeps its first position, as put does).
 */
export function javaHashOrder<K>(keys: readonly K[], hash: (k: K) => number, initialCapacity = 16): K[] {
  let cap = tableSizeFor(Math.max(initialCapacity, 1));
  let threshold = Math.floor(cap * 0.75);
  const seen = new Set<K>();
  const entries: Array<{ key: K; h: number }> = [];
  // Per-bucket counts are enough to replay the resizes a long bucket forces.
  let bins = new Map<number, number>();
  const resize = (): void => {
    cap *= 2;
    threshold = Math.floor(cap * 0.75);
    bins = new Map();
    for (const e of entries) bins.set(e.h & (cap - 1), (bins.get(e.h & (cap - 1)) ?? 0) + 1);
  };
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    const h = spread(hash(key));
    const b = h & (cap - 1);
    const before = bins.get(b) ?? 0;
    entries.push({ key, h });
    bins.set(b, before + 1);
    if (before >= TREEIFY_THRESHOLD && cap < MIN_TREEIFY_CAPACITY) resize();
    if (entries.length > threshold) resize();
  }
  const mask = cap - 1;
  return entries
    .map((e, i) => ({ e, i, b: e.h & mask }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.e.key);
}
