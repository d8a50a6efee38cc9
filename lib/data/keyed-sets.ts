/**
 * Deletes `item` from the Set that `map` holds under `key`; false when it was not there.
 * A set whose last item goes is replaced by a new empty one instead of being emptied, and
 * the key keeps its entry.
 *
 * Why: V8 gives a Set a new table as entries come and go, and allocates it in the old
 * generation when the Set is old. The sets kept per connection or per session live long
 * and often hold one item at a time: a watcher re-arming a one-shot watch after each
 * event, a lock recipe creating and deleting one ephemeral. Each such cycle left ~100 B of
 * old-generation garbage; under the bench suite's watch fan-out (200 watchers) that was
 * ~2.5 MB/s, and on a small heap a mark-compact (a 4–5 ms pause) every ~1.7 s, which set
 * the fan-out's p99. A new Set is young and dies young.
 */
export function deleteFromKeyedSet<K, V>(map: Map<K, Set<V>>, key: K, item: V): boolean {
  const set = map.get(key);
  if (set === undefined || !set.has(item)) return false;
  if (set.size === 1) map.set(key, new Set());
  else set.delete(item);
  return true;
}
