import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { StatPersisted } from '../../lib/jute/records/data';
import { calculateDigest, nodeDigest, precalculateDigest, PreppedCrcs, takePrecalculatedDigest } from '../../lib/data/digest-calculator';
import { createdNode, createStat, DataNode } from '../../lib/data/data-node';

/** takePrecalculatedDigest as a long; it hands the node's digest over as a number (see DataNode.digest). */
const taken = (...args: Parameters<typeof takePrecalculatedDigest>): bigint | undefined => {
  const d = takePrecalculatedDigest(...args);
  return d === undefined ? undefined : BigInt(d);
};

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

  it('matches the reference for any path, data and stat, from prep and from the apply that takes its CRC', () => {
    fc.assert(
      fc.property(pathArb, pathArb, dataArb, statArb, statArb, (p1, p2, data, s1, s2) => {
        const q = new PreppedCrcs();
        expect(calculateDigest(p1, data, s1)).toBe(reference(p1, data, s1));
        expect(BigInt(precalculateDigest(p1, data, s1, q))).toBe(reference(p1, data, s1));
        // The apply's stat may differ from prep's (another txn changed the node between).
        const queued = data !== null && data.length > 0 && !p1.startsWith('/zookeeper/');
        expect(taken(q, p1, data, s2)).toBe(queued ? reference(p1, data, s2) : undefined);
        expect(q.length).toBe(0);
        // The same Buffer under another path is not prep's CRC.
        precalculateDigest(p1, data, s1, q);
        expect(taken(q, p2, data, s2)).toBe(queued && p1 === p2 ? reference(p2, data, s2) : undefined);
      }),
      { numRuns: 400 },
    );
  });

  it('finds each apply its own CRC by Buffer, drops the entries of txns never applied, and starts over on a miss', () => {
    const q = new PreppedCrcs();
    const d = [0, 1, 2, 3, 4].map((i) => Buffer.alloc(200, i));
    for (let i = 0; i < 5; i++) precalculateDigest(`/n${i}`, d[i], stat, q);
    expect(q.length).toBe(5);
    expect(taken(q, '/n0', d[0], stat)).toBe(reference('/n0', d[0], stat));
    // /n1 and /n2 were prepped but not applied (a rolled-back multi): passed over for good.
    expect(taken(q, '/n3', d[3], stat)).toBe(reference('/n3', d[3], stat));
    expect(q.length).toBe(1);
    expect(taken(q, '/n1', d[1], stat)).toBeUndefined();
    // That miss emptied the queue: /n4's apply digests in full.
    expect(q.length).toBe(0);
    expect(taken(q, '/n4', d[4], stat)).toBeUndefined();
    // Equal bytes in another Buffer (a multi's create op, decoded back) have the same CRC;
    // other bytes of the same length do not.
    precalculateDigest('/n0', d[0], stat, q);
    expect(taken(q, '/n0', Buffer.from(d[0]), stat)).toBe(reference('/n0', d[0], stat));
    precalculateDigest('/n0', d[0], stat, q);
    expect(taken(q, '/n0', d[1], stat)).toBeUndefined();
    expect(q.length).toBe(0);
  });

  it('keeps at most its capacity and its bytes, dropping the oldest', () => {
    const q = new PreppedCrcs(4, 1000);
    const d = Array.from({ length: 6 }, (_, i) => Buffer.alloc(300, i));
    for (let i = 0; i < 6; i++) precalculateDigest(`/n${i}`, d[i], stat, q);
    // 1000 bytes hold three 300-byte values.
    expect(q.length).toBe(3);
    expect(taken(q, '/n3', d[3], stat)).toBe(reference('/n3', d[3], stat));
    const small = Array.from({ length: 6 }, (_, i) => Buffer.alloc(10, i));
    for (let i = 0; i < 6; i++) precalculateDigest(`/s${i}`, small[i], stat, q);
    expect(q.length).toBe(4);
    expect(taken(q, '/s1', small[1], stat)).toBeUndefined();
    for (let i = 0; i < 6; i++) precalculateDigest(`/s${i}`, small[i], stat, q);
    expect(taken(q, '/s2', small[2], stat)).toBe(reference('/s2', small[2], stat));
    expect(taken(q, '/s5', small[5], stat)).toBe(reference('/s5', small[5], stat));
    expect(q.length).toBe(0);
  });

  it('queues nothing without a queue, for empty data or for /zookeeper/, and maps "/" to ""', () => {
    const q = new PreppedCrcs();
    const data = Buffer.alloc(200, 1);
    precalculateDigest('/m', data, stat);
    precalculateDigest('/m', Buffer.alloc(0), stat, q);
    precalculateDigest('/m', null, stat, q);
    precalculateDigest('/zookeeper/quota/m', data, stat, q);
    expect(q.length).toBe(0);
    precalculateDigest('/', data, stat, q);
    expect(taken(q, '/', data, stat)).toBe(reference('/', data, stat));
  });

  it('leaves /zookeeper/ out and maps "/" to ""', () => {
    expect(calculateDigest('/zookeeper/quota', null, stat)).toBe(0n);
    expect(calculateDigest('/zookeeper', null, stat)).not.toBe(0n);
    expect(calculateDigest('/', null, stat)).toBe(calculateDigest('', null, stat));
  });

  it('caches a node digest until the node is marked changed', () => {
    const n = new DataNode(Buffer.from('a'), -1n, stat);
    const d = nodeDigest('/n', n);
    expect(BigInt(d)).toBe(calculateDigest('/n', n.data, stat));
    n.data = Buffer.from('b');
    expect(nodeDigest('/n', n)).toBe(d);
    n.digestCached = false;
    expect(nodeDigest('/n', n)).not.toBe(d);
  });

  it('gives the cached digest back unsigned, also for a CRC at or above 2^31', () => {
    // The node keeps it as an int32 (see DataNode.digest); half of all CRCs have the top bit.
    let high = 0;
    for (let i = 0; i < 64; i++) {
      const n = new DataNode(Buffer.from([i]), -1n, stat);
      const expected = calculateDigest(`/n${i}`, n.data, stat);
      if (expected >= 2n ** 31n) high++;
      expect(BigInt(nodeDigest(`/n${i}`, n))).toBe(expected);
      expect(BigInt(nodeDigest(`/n${i}`, n))).toBe(expected);
    }
    expect(high).toBeGreaterThan(0);
  });
});

describe('DataNode and its stat', () => {
  it('copies the stat it is built from and keeps the fields in itself', () => {
    const from = new StatPersisted({ czxid: 5n, mzxid: 6n, pzxid: 7n, ctime: 8n, mtime: 9n, version: 1, cversion: 2, aversion: 3, ephemeralOwner: 0x1234n });
    const n = new DataNode(null, -1n, from);
    expect(n.stat.toJSON()).toEqual(from.toJSON());
    from.version = 99;
    n.stat.mzxid = 60n;
    expect(n.version).toBe(1);
    expect(from.mzxid).toBe(6n);
    expect(n.stat.mzxid).toBe(60n);
  });

  it('createdNode has DataTree.createStat\'s stat', () => {
    const n = createdNode(Buffer.from('v'), 3n, 0x100000002n, 1700000000000n, 0x77n);
    expect(n.stat.toJSON()).toEqual(createStat(0x100000002n, 1700000000000n, 0x77n).toJSON());
    expect(n.acl).toBe(3n);
    expect(n.data!.toString()).toBe('v');
  });
});
