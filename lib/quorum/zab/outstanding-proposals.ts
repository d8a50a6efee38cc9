import type { Proposal } from './proposal';

/** Cleared slots dropped from the front in one splice, not one shift() at a time. */
const COMPACT_AT = 1024;

/**
 * Leader.outstandingProposals: the proposals sent and not yet committed, by zxid. A leader
 * proposes zxids one after another and commits them in the same order, so they are kept
 * in an array that advances a head index, in place of Java's ConcurrentHashMap.
 *
 * A Map keyed by zxid (the first version) made every proposal outlive two scavenges and
 * die in the old generation: the Map is long-lived, and each time V8 rehashed its table
 * the old table, dead but already promoted, still pointed at the proposals it held, which
 * kept them (and their ack sets, requests and packets) alive through every scavenge until
 * the next mark-compact. A leader under a setData load promoted ~1.3 KB per write that
 * way, 15x what a follower promotes.
 */
export class OutstandingProposals {
  /** Slots before `head` are cleared; a committed slot inside is undefined too. */
  private slots: Array<Proposal | undefined> = [];
  private head = 0;
  private count = 0;
  private lastZxid = -1n;

  get size(): number {
    return this.count;
  }

  /** Adds the next proposal: its zxid must be above every one added before (or cleared). */
  set(zxid: bigint, p: Proposal): void {
    if (p.zxid !== zxid) throw new RangeError(`proposal 0x${p.zxid.toString(16)} filed under 0x${zxid.toString(16)}`);
    if (zxid <= this.lastZxid) {
      throw new RangeError(`proposal 0x${zxid.toString(16)} is not after the last one, 0x${this.lastZxid.toString(16)}`);
    }
    this.lastZxid = zxid;
    this.slots.push(p);
    this.count++;
  }

  get(zxid: bigint): Proposal | undefined {
    const i = this.indexOf(zxid);
    return i < 0 ? undefined : this.slots[i];
  }

  has(zxid: bigint): boolean {
    return this.indexOf(zxid) >= 0;
  }

  delete(zxid: bigint): boolean {
    const i = this.indexOf(zxid);
    if (i < 0) return false;
    this.slots[i] = undefined;
    this.count--;
    while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head++;
    if (this.head === this.slots.length) {
      this.slots = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 > this.slots.length) {
      this.slots.splice(0, this.head);
      this.head = 0;
    }
    return true;
  }

  /** Zxids in ascending order. */
  *keys(): IterableIterator<bigint> {
    for (const p of this.values()) yield p.zxid;
  }

  /** Proposals in zxid order. */
  *values(): IterableIterator<Proposal> {
    for (let i = this.head; i < this.slots.length; i++) {
      const p = this.slots[i];
      if (p !== undefined) yield p;
    }
  }

  clear(): void {
    this.slots = [];
    this.head = 0;
    this.count = 0;
    this.lastZxid = -1n;
  }

  /**
   * Consecutive zxids sit at consecutive slots, so the guess from the head is exact; a gap
   * (a zxid never proposed) falls back to a scan of the few outstanding.
   */
  private indexOf(zxid: bigint): number {
    // Below the first or past the last: the misses processAck and tryToCommit ask about.
    if (this.count === 0 || zxid > this.lastZxid) return -1;
    const offset = zxid - this.slots[this.head]!.zxid;
    if (offset < 0n) return -1;
    const guess = this.head + Number(offset);
    if (guess < this.slots.length && this.slots[guess]?.zxid === zxid) return guess;
    for (let i = this.head; i < this.slots.length; i++) if (this.slots[i]?.zxid === zxid) return i;
    return -1;
  }
}
