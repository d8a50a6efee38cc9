import { Code, KeeperException, OpCode } from '../../lib/protocol';
import { DataTree } from '../../lib/data/data-tree';
import { DataNode } from '../../lib/data/data-node';
import { StatPersisted } from '../../lib/jute/records/data';
import { StatsTrack } from '../../lib/data/stats-track';
import { OPEN } from './tree-helpers';

function withQuota(limits: string, opts: { enforceQuota?: boolean; warnings?: string[] } = {}): DataTree {
  const warnings = opts.warnings;
  const logger = warnings
    ? ({ warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m), info() {}, debug() {} } as never)
    : undefined;
  const t = new DataTree({ enforceQuota: opts.enforceQuota, logger });
  let z = 0n;
  const mk = (p: string, d: string | null): void => t.createNode(p, d === null ? null : Buffer.from(d), OPEN(), 0n, -1, ++z, 0n);
  mk('/app', '1234');
  mk('/app/x', '12');
  mk('/zookeeper/quota/app', null);
  mk('/zookeeper/quota/app/zookeeper_limits', limits);
  mk('/zookeeper/quota/app/zookeeper_stats', 'count=0,bytes=0');
  return t;
}

const stats = (t: DataTree): string => t.getNode('/zookeeper/quota/app/zookeeper_stats')!.data!.toString();

describe('quota usage', () => {
  it('recounts the subtree when the stat node is created', () => {
    expect(stats(withQuota('count=10,bytes=100'))).toBe('count=2,bytes=6');
  });

  it('follows creates, data changes and deletes below the quota path', () => {
    const t = withQuota('count=10,bytes=100');
    t.createNode('/app/y', Buffer.from('abc'), OPEN(), 0n, -1, 10n, 0n);
    expect(stats(t)).toBe('count=3,bytes=9');
    t.setData('/app/y', Buffer.from('a'), 1, 11n, 0n);
    expect(stats(t)).toBe('count=3,bytes=7');
    t.deleteNode('/app/y', 12n);
    expect(stats(t)).toBe('count=2,bytes=6');
    t.createNode('/other', Buffer.from('zzz'), OPEN(), 0n, -1, 13n, 0n);
    expect(stats(t)).toBe('count=2,bytes=6');
  });

  it('stops counting once the limit node is deleted', () => {
    const t = withQuota('count=10,bytes=100');
    t.deleteNode('/zookeeper/quota/app/zookeeper_limits', 10n);
    expect(t.getMaxPrefixWithQuota('/app/x')).toBeNull();
    t.createNode('/app/z', null, OPEN(), 0n, -1, 11n, 0n);
    expect(stats(t)).toBe('count=2,bytes=6');
  });

  it('uses the deepest quota for nested ones', () => {
    const t = withQuota('count=10,bytes=100');
    let z = 20n;
    const mk = (p: string, d: string | null): void => t.createNode(p, d === null ? null : Buffer.from(d), OPEN(), 0n, -1, ++z, 0n);
    mk('/zookeeper/quota/app/x', null);
    mk('/zookeeper/quota/app/x/zookeeper_limits', 'count=5,bytes=-1');
    mk('/zookeeper/quota/app/x/zookeeper_stats', '');
    expect(t.getMaxPrefixWithQuota('/app/x/deep')).toBe('/app/x');
    mk('/app/x/deep', 'q');
    expect(t.getNode('/zookeeper/quota/app/x/zookeeper_stats')!.data!.toString()).toBe('count=2,bytes=3');
    expect(stats(t)).toBe('count=2,bytes=6');
  });

  it('logs and skips a stat node holding text StatsTrack cannot parse', () => {
    const warnings: string[] = [];
    const t = withQuota('count=10,bytes=100', { warnings });
    t.getNode('/zookeeper/quota/app/zookeeper_stats')!.data = Buffer.from('garbage');
    expect(() => t.createNode('/app/q', null, OPEN(), 0n, -1, 30n, 0n)).not.toThrow();
    expect(warnings.some((w) => w.startsWith('Malformed quota data'))).toBe(true);
  });

  it('rebuilds quota tracking after a snapshot load', () => {
    const t = withQuota('count=10,bytes=100');
    const copy = new DataTree();
    copy.restore(
      [...t.aclCache.entries()],
      [...t.nodesInTreeOrder()].map(([p, n]) => [p, new DataNode(n.data, n.acl, Object.assign(new StatPersisted(), n.stat))] as const),
    );
    expect(copy.getMaxPrefixWithQuota('/app/x')).toBe('/app');
    copy.createNode('/app/n', Buffer.from('1'), OPEN(), 0n, -1, 40n, 0n);
    expect(stats(copy)).toBe('count=3,bytes=7');
  });
});

describe('checkQuota (3.8 enforcement)', () => {
  const codeOf = (fn: () => void): number => {
    try {
      fn();
      return 0;
    } catch (e) {
      if (e instanceof KeeperException) return e.code;
      throw e;
    }
  };

  it('does nothing unless enforceQuota is set', () => {
    const limits = new StatsTrack();
    limits.countHardLimit = 2n;
    const t = withQuota(limits.toString());
    expect(codeOf(() => t.checkQuota('/app/new', null, null, OpCode.create))).toBe(0);
  });

  it('refuses a create past the hard count limit with QuotaExceeded naming the quota path', () => {
    const limits = new StatsTrack();
    limits.countHardLimit = 2n;
    const warnings: string[] = [];
    const t = withQuota(limits.toString(), { enforceQuota: true, warnings });
    let err: unknown;
    try {
      t.checkQuota('/app/new', null, null, OpCode.create);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KeeperException);
    expect((err as KeeperException).code).toBe(Code.QUOTAEXCEEDED);
    expect((err as KeeperException).path).toBe('/app');
    expect(warnings).toEqual(['Quota exceeded: /app [current count=3, hardCountLimit=2]']);
    // A setData changes no count.
    expect(codeOf(() => t.checkQuota('/app/x', Buffer.from('12'), Buffer.from('1'), OpCode.setData))).toBe(0);
  });

  it('refuses data past the hard byte limit, counting only the difference', () => {
    const limits = new StatsTrack();
    limits.byteHardLimit = 8n;
    const t = withQuota(limits.toString(), { enforceQuota: true });
    expect(codeOf(() => t.checkQuota('/app/x', Buffer.from('12'), Buffer.from('1234'), OpCode.setData))).toBe(0);
    expect(codeOf(() => t.checkQuota('/app/x', Buffer.from('12'), Buffer.from('12345'), OpCode.setData))).toBe(Code.QUOTAEXCEEDED);
    expect(codeOf(() => t.checkQuota('/app/y', null, Buffer.from('123'), OpCode.create))).toBe(Code.QUOTAEXCEEDED);
  });

  it('only warns for soft limits', () => {
    const warnings: string[] = [];
    const t = withQuota('count=1,bytes=2', { enforceQuota: true, warnings });
    expect(codeOf(() => t.checkQuota('/app/new', null, Buffer.from('x'), OpCode.create))).toBe(0);
    expect(warnings).toEqual([
      'Quota exceeded: /app [current count=3, softCountLimit=1]',
      'Quota exceeded: /app [current bytes=7, softByteLimit=2]',
    ]);
  });

  it('checks directly against a quota path with checkQuotaLimit', () => {
    const limits = new StatsTrack();
    limits.countHardLimit = 3n;
    const t = withQuota(limits.toString());
    expect(codeOf(() => t.checkQuotaLimit('/app', 0n, 1n))).toBe(0);
    expect(codeOf(() => t.checkQuotaLimit('/app', 0n, 2n))).toBe(Code.QUOTAEXCEEDED);
    expect(() => t.quotas.checkQuota('/app/x', null, null, OpCode.delete)).toThrow(RangeError);
  });

  it('ignores paths outside any quota', () => {
    const t = withQuota('count=0,bytes=0', { enforceQuota: true });
    expect(codeOf(() => t.checkQuota('/elsewhere', null, Buffer.alloc(100), OpCode.create))).toBe(0);
  });
});
