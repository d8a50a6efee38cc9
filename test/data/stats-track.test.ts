import { InvalidStatsTrackError, StatsTrack } from '../../lib/data/stats-track';
import { PathTrie } from '../../lib/data/path-trie';
import { Quotas } from '../../lib/data/quotas';

describe('StatsTrack', () => {
  it('reads and writes the classic form', () => {
    const s = new StatsTrack('count=10,bytes=200');
    expect(s.count).toBe(10n);
    expect(s.bytes).toBe(200n);
    expect(s.countHardLimit).toBe(-1n);
    expect(s.toString()).toBe('count=10,bytes=200');
  });

  it("writes 3.8's extended form with the extra '=' and sorted keys", () => {
    const s = new StatsTrack();
    s.countHardLimit = 5n;
    s.byteHardLimit = 100n;
    expect(s.toString()).toBe('count=-1,bytes=-1=;byteHardLimit=100;countHardLimit=5');
    const back = new StatsTrack(s.toString());
    expect(back.countHardLimit).toBe(5n);
    expect(back.byteHardLimit).toBe(100n);
    expect(back.toString()).toBe(s.toString());
    expect(new StatsTrack(back.toString()).equals(back)).toBe(true);
  });

  it('reads empty and missing values as -1', () => {
    expect(new StatsTrack('').count).toBe(-1n);
    expect(new StatsTrack(null).bytes).toBe(-1n);
    expect(new StatsTrack(Buffer.from('count=3,bytes=4')).bytes).toBe(4n);
    expect(new StatsTrack('count==5').count).toBe(-1n);
  });

  it('rejects text Java could not parse', () => {
    expect(() => new StatsTrack('count=abc')).toThrow(InvalidStatsTrackError);
    expect(() => new StatsTrack('count')).toThrow(InvalidStatsTrackError);
    expect(() => new StatsTrack('count=99999999999999999999')).toThrow(InvalidStatsTrackError);
  });
});

describe('PathTrie and Quotas', () => {
  it('finds the deepest quota prefix of a path', () => {
    const t = new PathTrie();
    t.addPath('/a');
    t.addPath('/a/b/c');
    expect(t.findMaxPrefix('/a/b/c/d')).toBe('/a/b/c');
    expect(t.findMaxPrefix('/a/b/x')).toBe('/a');
    expect(t.findMaxPrefix('/z')).toBe('/');
    expect(t.existsNode('/a/b')).toBe(true);
    t.deletePath('/a/b/c');
    expect(t.findMaxPrefix('/a/b/c/d')).toBe('/a');
    t.deletePath('/a');
    expect(t.findMaxPrefix('/a/b')).toBe('/');
    expect(() => t.addPath('')).toThrow(RangeError);
  });

  it('names the quota nodes', () => {
    expect(Quotas.limitPath('/a')).toBe('/zookeeper/quota/a/zookeeper_limits');
    expect(Quotas.statPath('/a')).toBe('/zookeeper/quota/a/zookeeper_stats');
    expect(Quotas.trimQuotaPath('/zookeeper/quota/a/b')).toBe('/a/b');
  });
});
