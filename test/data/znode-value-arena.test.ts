import fc from 'fast-check';
import { ZnodeValueArena } from '../../lib/data/znode-value-arena';

/** An arena whose quarantine is flushed only when the test says so. */
function manualArena(opts: { slabBytes?: number; maxValueBytes?: number } = {}) {
  let pending: (() => void) | null = null;
  const arena = new ZnodeValueArena({ ...opts, schedule: (f) => void (pending = f) });
  const endTurn = () => {
    const f = pending;
    pending = null;
    f?.();
  };
  return { arena, endTurn };
}

const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

describe('ZnodeValueArena', () => {
  it('hands out a copy in a slab, equal to the value and independent of it', () => {
    const { arena } = manualArena();
    const src = bytes(1024, 1);
    const v = arena.adopt(src);
    expect(v).not.toBe(src);
    expect(v.equals(src)).toBe(true);
    expect(arena.owns(v)).toBe(true);
    expect(arena.owns(src)).toBe(false);
    src.fill(0);
    expect(v.equals(bytes(1024, 1))).toBe(true);
  });

  it('keeps null, empty and oversize values as they are', () => {
    const { arena } = manualArena({ maxValueBytes: 4096 });
    const empty = Buffer.alloc(0);
    const big = bytes(4097, 2);
    expect(arena.adopt(null)).toBeNull();
    expect(arena.adopt(empty)).toBe(empty);
    expect(arena.adopt(big)).toBe(big);
    expect(arena.adopt(bytes(4096, 3)).length).toBe(4096);
    arena.release(big);
    arena.release(null);
    expect(arena.stats()).toMatchObject({ values: 1, quarantined: 0 });
  });

  it('ignores buffers it did not hand out', () => {
    const { arena, endTurn } = manualArena();
    arena.adopt(bytes(100, 1));
    arena.release(bytes(100, 1));
    arena.release(Buffer.allocUnsafeSlow(1 << 20).subarray(0, 100));
    endTurn();
    expect(arena.stats()).toMatchObject({ values: 1, freeSlots: 0 });
  });

  it('does not reuse a released slot before the turn ends, then reuses it for a value of the same size class', () => {
    const { arena, endTurn } = manualArena();
    const a = arena.adopt(bytes(1000, 1));
    arena.release(a);
    const b = arena.adopt(bytes(1000, 2));
    expect(b.byteOffset).not.toBe(a.byteOffset);
    expect(a.equals(bytes(1000, 1))).toBe(true); // a reader in this turn still sees its bytes
    expect(arena.stats().quarantined).toBe(1);
    endTurn();
    expect(arena.stats()).toMatchObject({ quarantined: 0, freeSlots: 1 });
    const small = arena.adopt(bytes(10, 3)); // another size class: not a's slot
    expect(small.byteOffset).not.toBe(a.byteOffset);
    const c = arena.adopt(bytes(990, 4)); // 990 and 1000 bytes both take 16 grains of 64
    expect(c.buffer).toBe(a.buffer);
    expect(c.byteOffset).toBe(a.byteOffset);
    expect(arena.stats().freeSlots).toBe(0);
  });

  it('hands a reused slot out as the same view when the length matches, else as a new one', () => {
    const { arena, endTurn } = manualArena();
    const a = arena.adopt(bytes(1000, 1));
    arena.release(a);
    endTurn();
    const b = arena.adopt(bytes(1000, 2));
    expect(b).toBe(a); // no new object: the view is already where the node keeps it
    expect(b.equals(bytes(1000, 2))).toBe(true);
    arena.release(b);
    endTurn();
    const c = arena.adopt(bytes(990, 3)); // the same slot, another length
    expect(c).not.toBe(b);
    expect(c.byteOffset).toBe(b.byteOffset);
    expect(c.length).toBe(990);
    expect(c.equals(bytes(990, 3))).toBe(true);
  });

  it('keeps each free slot with its own view when a dropped slab takes some of the free slots away', () => {
    const { arena, endTurn } = manualArena({ slabBytes: 4096 });
    const values = Array.from({ length: 20 }, (_, i) => arena.adopt(bytes(512, i))); // slabs 0-1 full, slab 2 current
    // Interleave releases from slabs 0 and 1 so that the free list mixes them; slab 0
    // empties and is dropped, slab 1 keeps values 14 and 15.
    for (let i = 0; i < 8; i++) {
      arena.release(values[i]);
      if (i < 6) arena.release(values[8 + i]);
    }
    endTurn();
    expect(arena.stats()).toMatchObject({ slabs: 2, freeSlots: 6 });
    const again = Array.from({ length: 6 }, (_, i) => arena.adopt(bytes(512, 100 + i)));
    for (let i = 0; i < 6; i++) {
      expect(again[i].equals(bytes(512, 100 + i))).toBe(true);
      expect(arena.owns(again[i])).toBe(true);
      expect(again[i].buffer).toBe(values[8].buffer); // slab 1's slots, not the dropped slab's
    }
    for (let i = 14; i < 20; i++) expect(values[i].equals(bytes(512, i))).toBe(true);
  });

  it('drops a slab once every value in it is gone, and keeps the one it allocates from', () => {
    const { arena, endTurn } = manualArena({ slabBytes: 4096 });
    const values = Array.from({ length: 40 }, (_, i) => arena.adopt(bytes(512, i))); // 8 per slab
    expect(arena.stats().slabs).toBe(5);
    for (const v of values.slice(0, 36)) arena.release(v);
    endTurn();
    // Slabs 0-3 are empty and dropped with their free slots; slab 4 (current) keeps
    // values 36-39, and the slots of 32-35 are free.
    expect(arena.stats()).toMatchObject({ slabs: 1, slabBytes: 4096, values: 4, freeSlots: 4 });
    for (let i = 36; i < 40; i++) expect(values[i].equals(bytes(512, i))).toBe(true);
    expect(arena.owns(values[0])).toBe(false);
    expect(values[0].equals(bytes(512, 0))).toBe(true); // a dropped slab's bytes stay with their readers
  });

  it('never lets two live values share bytes, whatever the order of adopts, releases and turn ends', () => {
    type Step = { kind: 'adopt'; len: number } | { kind: 'release'; pick: number } | { kind: 'endTurn' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: 0, max: 1200 }).map((len) => ({ kind: 'adopt' as const, len })) },
      { weight: 4, arbitrary: fc.nat().map((pick) => ({ kind: 'release' as const, pick })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'endTurn' as const }) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const { arena, endTurn } = manualArena({ slabBytes: 4096, maxValueBytes: 1024 });
        const live: Array<{ view: Buffer; expected: Buffer }> = [];
        let seed = 0;
        for (const s of steps) {
          if (s.kind === 'adopt') {
            const expected = bytes(s.len, ++seed);
            live.push({ view: arena.adopt(expected), expected: Buffer.from(expected) });
          } else if (s.kind === 'release' && live.length > 0) {
            const [gone] = live.splice(s.pick % live.length, 1);
            arena.release(gone.view);
          } else if (s.kind === 'endTurn') {
            endTurn();
          }
          for (const v of live) expect(v.view.equals(v.expected)).toBe(true);
        }
        endTurn();
        const inArena = live.filter((v) => v.view.length > 0 && v.view.length <= 1024).length;
        expect(arena.stats()).toMatchObject({ values: inArena, quarantined: 0 });
        // Memory held is bounded by what is live, not by what passed through.
        expect(arena.stats().slabs).toBeLessThanOrEqual(inArena + 1);
      }),
      { numRuns: 200 },
    );
  });
});
