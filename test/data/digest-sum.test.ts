import fc from 'fast-check';
import { carryHi, sumLo, TWO_32 } from '../../lib/data/digest-sum';
import { DataNode } from '../../lib/data/data-node';
import { NodeHashMap } from '../../lib/data/node-hash-map';
import { calculateDigest, digestLong } from '../../lib/data/digest-calculator';
import { StatPersisted } from '../../lib/jute/records/data';

const crc = fc.integer({ min: 0, max: TWO_32 - 1 });

describe('the tree digest kept as two uint32 halves', () => {
  it('steps as Java adds and subtracts longs, wrapping at 2^64 both ways', () => {
    const start = fc.oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.constantFrom(0n, -1n, (1n << 63n) - 1n, -(1n << 63n), (1n << 32n) - 1n));
    fc.assert(
      fc.property(start, fc.array(fc.tuple(crc, crc), { maxLength: 50 }), (s, steps) => {
        const words = new BigUint64Array([BigInt.asUintN(64, s)]);
        let hi = Number(words[0] >> 32n);
        let lo = Number(words[0] & 0xffffffffn);
        expect(digestLong(hi, lo)).toBe(s);
        let expected = s;
        for (const [prev, next] of steps) {
          const raw = lo - prev + next;
          hi = carryHi(raw, hi);
          lo = sumLo(raw);
          expected = BigInt.asIntN(64, expected - BigInt(prev) + BigInt(next));
          expect(lo).toBeGreaterThanOrEqual(0);
          expect(lo).toBeLessThan(TWO_32);
          expect(digestLong(hi, lo)).toBe(expected);
        }
      }),
    );
  });

  it('in NodeHashMap, matches the bigint sum through puts, changes and removes', () => {
    const m = new NodeHashMap();
    const live = new Map<string, bigint>();
    const sum = (): bigint => [...live.values()].reduce((a, b) => BigInt.asIntN(64, a + b), 0n);
    for (let i = 0; i < 300; i++) {
      const path = `/k${i % 40}`;
      const data = Buffer.from(`v${i}`);
      const stat = new StatPersisted({ czxid: BigInt(i), mzxid: BigInt(i * 7) });
      if (i % 5 === 4) {
        m.remove(path);
        live.delete(path);
      } else if (live.has(path)) {
        const n = m.getForChange(path)!;
        m.preChange(path, n);
        n.data = data;
        n.stat.mzxid = BigInt(i * 7);
        m.postChange(path, n);
        live.set(path, calculateDigest(path, data, n.stat));
      } else {
        m.put(path, new DataNode(data, -1n, stat));
        live.set(path, calculateDigest(path, data, stat));
      }
      expect(m.getDigest()).toBe(sum());
    }
    for (const p of [...live.keys()]) m.remove(p);
    expect(m.getDigest()).toBe(0n);
  });
});
