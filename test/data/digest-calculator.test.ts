import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { StatPersisted } from '../../lib/jute/records/data';
import { calculateDigest, digestOfNode, precalculateDigest } from '../../lib/data/digest-calculator';
import { DataNode } from '../../lib/data/data-node';

/** DigestCalculator.calculateDigest written the obvious way. */
function reference(path: string, data: Buffer | null, s: StatPersisted): bigint {
  if (path.startsWith('/zookeeper/')) return 0n;
  const b = Buffer.alloc(60);
  b.writeBigInt64BE(s.czxid, 0);
  b.writeBigInt64BE(s.mzxid, 8);
  b.writeBigInt64BE(s.pzxid, 16);
  b.writeBigInt64BE(s.ctime, 24);
  b.writeBigInt64BE(s.mtime, 32);
  b.writeInt32BE(s.version, 40);
  b.writeInt32BE(s.cversion, 44);
  b.writeInt32BE(s.aversion, 48);
  b.writeBigInt64BE(s.ephemeralOwner, 52);
  const parts = [Buffer.from(path === '/' ? '' : path, 'utf8'), ...(data ? [data] : []), b];
  return BigInt(crc32(Buffer.concat(parts)) >>> 0);
}

describe('calculateDigest', () => {
  const stat = new StatPersisted({
    czxid: 0x100000001n,
    mzxid: -5n,
    pzxid: 7n,
    ctime: 1700000000000n,
    mtime: 1700000000001n,
    version: -1,
    cversion: 2147483647,
    aversion: 3,
    ephemeralOwner: -(1n << 63n),
  });

  it('is CRC32 over path, data and the 60 stat bytes for short, long and unicode paths', () => {
    const cases: Array<[string, Buffer | null]> = [
      ['/', null],
      ['/a', Buffer.from('hello')],
      ['/a', Buffer.alloc(0)],
      ['/日本/ü', Buffer.alloc(5000, 7)],
      ['/' + 'x'.repeat(3000), null],
      ['/' + 'é'.repeat(2000), Buffer.from('d')],
    ];
    for (const [p, d] of cases) expect(calculateDigest(p, d, stat)).toBe(reference(p, d, stat));
  });

  const long = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
  const int = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
  const statArb = fc
    .tuple(long, long, long, long, long, int, int, int, long)
    .map(([czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner]) =>
      new StatPersisted({ czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner }),
    );
  const pathArb = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 12 })).map((s) => '/' + s);
  const dataArb = fc.oneof(
    fc.constant(null),
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    fc.integer({ min: 120, max: 136 }).map((n) => Buffer.alloc(n, n)),
  );

  it("matches the reference for any path, data and stat, with or without prep's memo", () => {
    fc.assert(
      fc.property(pathArb, pathArb, dataArb, statArb, statArb, (p1, p2, data, s1, s2) => {
        expect(calculateDigest(p1, data, s1)).toBe(reference(p1, data, s1));
        // Prep's digest, then the apply's from the same inputs (it finds the memo), then
        // once more (the memo is still there).
        expect(precalculateDigest(p1, data, s1)).toBe(reference(p1, data, s1));
        expect(calculateDigest(p1, data, s1)).toBe(reference(p1, data, s1));
        expect(calculateDigest(p1, data, s1)).toBe(reference(p1, data, s1));
        // A memo met with another stat (the node changed again, data kept) or under
        // another path (the Buffer under a second name).
        expect(precalculateDigest(p1, data, s1)).toBe(reference(p1, data, s1));
        expect(calculateDigest(p1, data, s2)).toBe(reference(p1, data, s2));
        expect(precalculateDigest(p1, data, s1)).toBe(reference(p1, data, s1));
        expect(calculateDigest(p2, data, s2)).toBe(reference(p2, data, s2));
        expect(calculateDigest(p1, data, s1)).toBe(reference(p1, data, s1));
      }),
      { numRuns: 400 },
    );
  });

  it('sees a stat changed in place on the same object, as the tree changes it', () => {
    const s = new StatPersisted({ ...stat });
    const data = Buffer.alloc(200, 1);
    const before = precalculateDigest('/m', data, s);
    s.version += 1;
    s.mzxid += 1n;
    expect(calculateDigest('/m', data, s)).toBe(reference('/m', data, s));
    expect(calculateDigest('/m', data, s)).not.toBe(before);
  });

  it('leaves /zookeeper/ out and maps "/" to ""', () => {
    expect(calculateDigest('/zookeeper/quota', null, stat)).toBe(0n);
    expect(calculateDigest('/zookeeper', null, stat)).not.toBe(0n);
    expect(calculateDigest('/', null, stat)).toBe(calculateDigest('', null, stat));
  });

  it('caches a node digest until the node is marked changed', () => {
    const n = new DataNode(Buffer.from('a'), -1n, stat);
    const d = digestOfNode('/n', n);
    n.data = Buffer.from('b');
    expect(digestOfNode('/n', n)).toBe(d);
    n.digestCached = false;
    expect(digestOfNode('/n', n)).not.toBe(d);
  });
});
