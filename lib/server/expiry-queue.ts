import type { Clock } from '../core/clock';
import { RenewingMap, RenewingSet } from '../core/renewing-collections';

/**
 * ZooKeeper's ExpiryQueue: elements (sessions, connections) expire in buckets rounded up
 * to the next multiple of `expirationInterval` (the tick), so the tracker wakes once per
 * tick and expires a whole bucket instead of keeping one timer per element.
 */
export class ExpiryQueue<E> {
  // Renewing: sessions and connections pass through these, and a bucket lives a whole
  // timeout, long enough to be promoted (see renewing-collections.ts).
  private readonly elemMap = new RenewingMap<E, number>();
  private readonly expiryMap = new Map<number, RenewingSet<E>>();
  private nextExpirationTime: number;

  constructor(
    private readonly clock: Clock,
    readonly expirationInterval: number,
  ) {
    if (!(expirationInterval > 0)) throw new RangeError(`expirationInterval must be positive, got ${expirationInterval}`);
    this.nextExpirationTime = this.roundToNextInterval(clock.now());
  }

  roundToNextInterval(time: number): number {
    return (Math.floor(time / this.expirationInterval) + 1) * this.expirationInterval;
  }

  /** Stops tracking `elem`; returns the expiry time it had, or null. */
  remove(elem: E): number | null {
    const expiryTime = this.elemMap.get(elem);
    if (expiryTime === undefined) return null;
    this.elemMap.delete(elem);
    // An emptied bucket stays until poll reaches it, as in Java.
    this.expiryMap.get(expiryTime)?.delete(elem);
    return expiryTime;
  }

  /**
   * (Re)schedules `elem` to expire `timeout` ms from now, rounded up to a tick. Returns the
   * new expiry time, or null when it falls in the bucket it is already in.
   */
  update(elem: E, timeout: number): number | null {
    const prev = this.elemMap.get(elem);
    const next = this.roundToNextInterval(this.clock.now() + timeout);
    if (next === prev) return null;
    let set = this.expiryMap.get(next);
    if (!set) {
      set = new RenewingSet();
      this.expiryMap.set(next, set);
    }
    set.add(elem);
    this.elemMap.set(elem, next);
    if (prev !== undefined) this.expiryMap.get(prev)?.delete(elem);
    return next;
  }

  /** Milliseconds until the next bucket is due (0 when it already is). */
  getWaitTime(): number {
    const now = this.clock.now();
    return now < this.nextExpirationTime ? this.nextExpirationTime - now : 0;
  }

  /**
   * Takes the bucket that is due, if any, and advances to the next one. The caller is
   * expected to remove (or re-update) what it gets back.
   */
  poll(): ReadonlySet<E> {
    const now = this.clock.now();
    const due = this.nextExpirationTime;
    if (now < due) return new Set();
    this.nextExpirationTime = due + this.expirationInterval;
    const set = this.expiryMap.get(due);
    if (!set) return new Set();
    this.expiryMap.delete(due);
    return set;
  }

  get size(): number {
    return this.elemMap.size;
  }

  expiryOf(elem: E): number | null {
    return this.elemMap.get(elem) ?? null;
  }

  /** Bucket time → elements, sorted by time (for the `dump` four-letter word). */
  getExpiryMap(): Map<number, ReadonlySet<E>> {
    return new Map([...this.expiryMap].sort(([a], [b]) => a - b));
  }
}
