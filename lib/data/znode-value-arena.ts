/**
 * Where the DataTree keeps the values of overwritten znodes: setData copies the new value
 * into a 1 MiB slab, and its slot is recycled when the data is replaced again or the node
 * is deleted.
 *
 * Why: a value in its own Buffer is memory outside V8's heap, and V8 starts a
 * mark-compact of the whole heap after each ~64 MB of new external memory. On a large
 * tree under overwrites, the values that died in old space started most of the
 * mark-compacts, and marking a ~400k-znode tree cost more than a core's worth of GC
 * threads. Recycled slots keep external memory flat, so the mark-compacts come with the
 * heap's own growth only.
 *
 * Why not on create: the create request's own copy of the value (a slice of Node's
 * Buffer pool) often outlives two scavenges while its txn is synced, so a copy in a slab
 * as well doubled the external memory per create and made more mark-compacts, not fewer.
 * A created value stays as it came until its first overwrite; so do values loaded from a
 * snapshot.
 *
 * The contract this asks of readers: a value the tree hands out (DataNode.data,
 * DataTree.getData) holds its bytes until the node's data changes or the node goes, and
 * for the rest of that event-loop turn. Released slots wait in quarantine until a
 * setImmediate, so a reader that copies or encodes synchronously (every reply, snapshot
 * and digest does) never sees them reused. Keep a value longer? Copy it.
 *
 * Slots are sized in 64-byte grains; a slot is reused only for a value of the same grain
 * count. A slab whose values have all gone is dropped (returned to the GC), so deleting
 * many nodes gives the memory back. Values above maxValueBytes (and empty ones) are kept
 * as the Buffers they came in.
 */
export interface ZnodeValueArenaOptions {
  /** Bytes per slab (default 1 MiB). */
  slabBytes?: number;
  /** Largest value kept in slabs (default 4 KiB). */
  maxValueBytes?: number;
  /** Runs the quarantine's recycling after the current turn (default setImmediate). */
  schedule?: (recycle: () => void) => void;
}

const GRAIN_SHIFT = 6;
const GRAIN = 1 << GRAIN_SHIFT;

/** 64-byte grains a value of `length` bytes takes: its size class. */
const grainsOf = (length: number): number => (length + GRAIN - 1) >>> GRAIN_SHIFT;

export interface ZnodeValueArenaStats {
  /** Slabs held. */
  slabs: number;
  /** Bytes of slabs held. */
  slabBytes: number;
  /** Values in slabs (quarantined ones included). */
  values: number;
  /** Released slots ready for reuse. */
  freeSlots: number;
  /** Released slots waiting for the end of the turn. */
  quarantined: number;
}

export class ZnodeValueArena {
  private readonly slabBytes: number;
  private readonly maxValueBytes: number;
  private readonly schedule: (recycle: () => void) => void;
  /** By slab index; null once dropped. Indices are never reused (free lists name them). */
  private readonly slabs: Array<Buffer | null> = [];
  /** Values in each slab, quarantined ones included. */
  private readonly live: number[] = [];
  private readonly indexOf = new Map<ArrayBufferLike, number>();
  private current = -1;
  private bump = 0;
  /** By grain count: free slots, each slab * slabBytes + offset. */
  private readonly free: number[][] = [];
  /**
   * Beside each free slot, the view its last value was handed out as.
   *
   * Why: a slot reused for a value of the same length hands that view out again. A new
   * view per setData was a young object that the node, in old space, kept alive: it
   * survived a scavenge, was promoted, and the node's pointer to it had to be recorded
   * for the scavenger. A reused view is already old. The contract above allows this:
   * the slot's bytes belonged to the old value only until the end of the turn that
   * released it, and a view is nothing but those bytes.
   */
  private readonly freeViews: Buffer[][] = [];
  private quarantine: number[] = [];
  private quarantineGrains: number[] = [];
  private quarantineViews: Buffer[] = [];
  private recycleScheduled = false;

  constructor(opts: ZnodeValueArenaOptions = {}) {
    this.slabBytes = opts.slabBytes ?? 1 << 20;
    this.maxValueBytes = Math.min(opts.maxValueBytes ?? 4096, this.slabBytes);
    this.schedule = opts.schedule ?? ((f) => void setImmediate(f));
  }

  /** A copy of `src` in a slab, or `src` itself when it is null, empty or too large. */
  adopt(src: Buffer): Buffer;
  adopt(src: Buffer | null): Buffer | null;
  adopt(src: Buffer | null): Buffer | null {
    if (src === null || src.length === 0 || src.length > this.maxValueBytes) return src;
    const grains = grainsOf(src.length);
    const list = this.free[grains];
    let slab: number;
    let offset: number;
    let view: Buffer | undefined;
    if (list !== undefined && list.length > 0) {
      const slot = list.pop()!;
      view = this.freeViews[grains].pop()!;
      slab = Math.floor(slot / this.slabBytes);
      offset = slot - slab * this.slabBytes;
    } else {
      const size = grains << GRAIN_SHIFT;
      if (this.current === -1 || this.bump + size > this.slabBytes) this.newSlab();
      slab = this.current;
      offset = this.bump;
      this.bump += size;
    }
    const s = this.slabs[slab]!;
    s.set(src, offset);
    this.live[slab]++;
    return view !== undefined && view.length === src.length ? view : s.subarray(offset, offset + src.length);
  }

  /** Whether `buf` is a value this arena handed out (and has not dropped the slab of). */
  owns(buf: Buffer | null): boolean {
    return buf !== null && buf.length > 0 && this.indexOf.has(buf.buffer);
  }

  /**
   * The value's slot is free for reuse after this turn. Buffers the arena did not hand out
   * are ignored. Each value must be released once: the tree releases a node's value when
   * it replaces it or deletes the node, and nothing else does.
   */
  release(buf: Buffer | null): void {
    if (buf === null || buf.length === 0 || buf.length > this.maxValueBytes) return;
    const slab = this.indexOf.get(buf.buffer);
    if (slab === undefined) return;
    const offset = buf.byteOffset - this.slabs[slab]!.byteOffset;
    this.quarantine.push(slab * this.slabBytes + offset);
    this.quarantineGrains.push(grainsOf(buf.length));
    this.quarantineViews.push(buf);
    if (!this.recycleScheduled) {
      this.recycleScheduled = true;
      this.schedule(() => this.recycle());
    }
  }

  /** Moves the quarantined slots to the free lists (and drops slabs left empty). */
  recycle(): void {
    this.recycleScheduled = false;
    const slots = this.quarantine;
    const grains = this.quarantineGrains;
    const views = this.quarantineViews;
    if (slots.length === 0) return;
    this.quarantine = [];
    this.quarantineGrains = [];
    this.quarantineViews = [];
    let emptied: number[] | null = null;
    for (let i = 0; i < slots.length; i++) {
      const slab = Math.floor(slots[i] / this.slabBytes);
      (this.free[grains[i]] ??= []).push(slots[i]);
      (this.freeViews[grains[i]] ??= []).push(views[i]);
      if (--this.live[slab] === 0 && slab !== this.current) (emptied ??= []).push(slab);
    }
    if (emptied !== null) this.drop(emptied);
  }

  stats(): ZnodeValueArenaStats {
    let slabs = 0;
    let values = 0;
    for (let i = 0; i < this.slabs.length; i++) {
      if (this.slabs[i] === null) continue;
      slabs++;
      values += this.live[i];
    }
    let freeSlots = 0;
    for (const l of this.free) freeSlots += l?.length ?? 0;
    return { slabs, slabBytes: slabs * this.slabBytes, values, freeSlots, quarantined: this.quarantine.length };
  }

  private newSlab(): void {
    // A slab the bump pointer leaves with no values in it would never be dropped.
    if (this.current !== -1 && this.live[this.current] === 0) this.drop([this.current]);
    const s = Buffer.allocUnsafeSlow(this.slabBytes);
    this.current = this.slabs.length;
    this.slabs.push(s);
    this.live.push(0);
    this.indexOf.set(s.buffer, this.current);
    this.bump = 0;
  }

  /** Forgets empty slabs and their free slots; views still held elsewhere keep the bytes. */
  private drop(emptied: number[]): void {
    const gone = new Set<number>();
    for (const slab of emptied) {
      const s = this.slabs[slab];
      if (s === null || this.live[slab] !== 0) continue;
      this.indexOf.delete(s.buffer);
      this.slabs[slab] = null;
      gone.add(slab);
    }
    if (gone.size === 0) return;
    for (let g = 0; g < this.free.length; g++) {
      const l = this.free[g];
      if (l === undefined || l.length === 0) continue;
      const kept = l.map((slot) => !gone.has(Math.floor(slot / this.slabBytes)));
      this.free[g] = l.filter((_, i) => kept[i]);
      this.freeViews[g] = this.freeViews[g].filter((_, i) => kept[i]);
    }
  }
}
