import { crc32 } from 'node:zlib';
import { StatPersisted } from '../../lib/jute/records/data';
import { calculateDigest, digestOfNode } from '../../lib/data/digest-calculator';
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
