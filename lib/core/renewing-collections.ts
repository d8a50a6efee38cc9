/**
 * Deletes a RenewingMap or RenewingSet takes before it moves to a fresh table, at least:
 * with a handful of live entries that is a copy of a handful every 1024 deletes.
 */
export const RENEW_AFTER_DELETES = 1024;

/*
 * Why these exist. A Map or Set that lives long while entries keep passing through it (a
 * connection per session, a session per connect) is a trap for V8's young generation.
 * Each rehash (every few adds once deletes have filled the table) leaves the old table
 * pointing at its successor and at the entries it held. While the tables die young that
 * costs nothing. But once one of them has lived through two scavenges (the collection
 * was quiet for a few hundred milliseconds: a long session, an idle server) it is in the
 * old generation, and from then on the dead tables, old and never scanned until the next
 * mark-compact, keep every later table and every entry that passes through alive at each
 * scavenge: all of it is copied, then promoted. Session churn after a few seconds of
 * other load promoted ~3.4 KB a connection this way (the Socket, the ServerCnxnImpl and
 * what they hold), with 6–11 ms scavenges; on a fresh server ~0.9 KB.
 *
 * Starting over with a fresh collection (a copy of the live entries, whose table is
 * young) cuts the chain: the old tables stop getting successors, and what they pin is
 * only what they held. These start over once the deletes since the last fresh table
 * reach the larger of RENEW_AFTER_DELETES and the live size, so the copying costs O(1)
 * a delete.
 *
 * They start over on an insertion, never on a delete: code that deletes entries while
 * it iterates (an expiry sweep) sees what a Map would. An insertion while iterating may
 * start over, and then the iteration goes on over the old table and does not see what
 * is added or deleted after that; no caller does both.
 */

/** The one renewal rule both classes follow (see above). */
function renewalDue(deletes: number, size: number): boolean {
  return deletes >= RENEW_AFTER_DELETES && deletes >= size;
}

/** What a Map and a RenewingMap both are, for code that takes either. */
export interface MutableMap<K, V> extends ReadonlyMap<K, V> {
  set(key: K, value: V): unknown;
  delete(key: K): boolean;
  clear(): void;
}

/** A Map that moves to a fresh table after enough deletes (see above). */
export class RenewingMap<K, V> implements MutableMap<K, V> {
  private map: Map<K, V>;
  private deletes = 0;
  /** Fresh tables started (a test's window on the mechanism). */
  renewals = 0;

  constructor(entries?: Iterable<readonly [K, V]>) {
    this.map = new Map(entries);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): this {
    if (renewalDue(this.deletes, this.map.size)) this.renew();
    this.map.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    if (!this.map.delete(key)) return false;
    this.deletes++;
    return true;
  }

  clear(): void {
    this.map = new Map();
    this.deletes = 0;
  }

  keys(): MapIterator<K> {
    return this.map.keys();
  }

  values(): MapIterator<V> {
    return this.map.values();
  }

  entries(): MapIterator<[K, V]> {
    return this.map.entries();
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.map.forEach((v, k) => fn.call(thisArg, v, k, this));
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.map.entries();
  }

  private renew(): void {
    this.map = new Map(this.map);
    this.deletes = 0;
    this.renewals++;
  }
}

/** A Set that moves to a fresh table after enough deletes (see above). */
export class RenewingSet<T> implements ReadonlySet<T> {
  private set: Set<T>;
  private deletes = 0;
  /** Fresh tables started (a test's window on the mechanism). */
  renewals = 0;

  constructor(values?: Iterable<T>) {
    this.set = new Set(values);
  }

  get size(): number {
    return this.set.size;
  }

  has(value: T): boolean {
    return this.set.has(value);
  }

  add(value: T): this {
    if (renewalDue(this.deletes, this.set.size)) this.renew();
    this.set.add(value);
    return this;
  }

  delete(value: T): boolean {
    if (!this.set.delete(value)) return false;
    this.deletes++;
    return true;
  }

  clear(): void {
    this.set = new Set();
    this.deletes = 0;
  }

  values(): SetIterator<T> {
    return this.set.values();
  }

  keys(): SetIterator<T> {
    return this.set.keys();
  }

  entries(): SetIterator<[T, T]> {
    return this.set.entries();
  }

  forEach(fn: (value: T, value2: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    this.set.forEach((v) => fn.call(thisArg, v, v, this));
  }

  [Symbol.iterator](): SetIterator<T> {
    return this.set.values();
  }

  private renew(): void {
    this.set = new Set(this.set);
    this.deletes = 0;
    this.renewals++;
  }
}
