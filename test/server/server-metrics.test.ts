import { AvgMinMaxPercentileCounter } from '../../lib/server/server-stats';
import { fsyncWarningThresholdMs, ServerMetrics } from '../../lib/server/server-metrics';

describe('ServerMetrics (mntr fsynctime, sync_processor_batch_size)', () => {
  it('counts each commit; a synced one slower than zookeeper.fsync.warningthresholdms is reported', () => {
    const slow: number[] = [];
    const m = new ServerMetrics({ forceSync: true, fsyncWarningThresholdMs: 50, onSlowFsync: (ms) => slow.push(ms) });
    m.committed(3, 10);
    m.committed(80, 2);
    expect(m.syncProcessorBatchSize.getTotal()).toBe(12);
    expect(m.fsyncTime.getCount()).toBe(2);
    expect(m.fsyncTime.getMax()).toBe(80);
    expect(slow).toEqual([80]);
  });

  it('without forceSync there is no fsync to time', () => {
    const m = new ServerMetrics({ forceSync: false, fsyncWarningThresholdMs: 0, onSlowFsync: () => fail('no fsync') });
    m.committed(5, 1);
    expect(m.fsyncTime.getCount()).toBe(0);
    expect(m.syncProcessorBatchSize.getCount()).toBe(1);
  });

  it('reads the threshold with or without the zookeeper. prefix, 1000 ms by default', () => {
    expect(fsyncWarningThresholdMs({ raw: new Map() })).toBe(1000);
    expect(fsyncWarningThresholdMs({ raw: new Map([['fsync.warningthresholdms', '20']]) })).toBe(20);
    expect(fsyncWarningThresholdMs({ raw: new Map([['zookeeper.fsync.warningthresholdms', '7'], ['fsync.warningthresholdms', '20']]) })).toBe(7);
    expect(fsyncWarningThresholdMs({ raw: new Map([['fsync.warningthresholdms', 'soon']]) })).toBe(1000);
  });
});

describe('AvgMinMaxPercentileCounter (mntr p50 / p95 / p99 / p999)', () => {
  it("interpolates quantiles over the sorted samples as Dropwizard's UniformSnapshot does", () => {
    const c = new AvgMinMaxPercentileCounter();
    for (let v = 100; v >= 1; v--) c.addDataPoint(v);
    const p = c.percentiles();
    expect(p.p50).toBeCloseTo(50.5, 10);
    expect(p.p95).toBeCloseTo(95.95, 10);
    expect(p.p99).toBeCloseTo(99.99, 10);
    expect(p.p999).toBe(100);
    expect(c.getAvg()).toBe(50.5);
  });

  it('is all zeros when empty and after a reset', () => {
    const c = new AvgMinMaxPercentileCounter();
    expect(c.percentiles()).toEqual({ p50: 0, p95: 0, p99: 0, p999: 0 });
    c.addDataPoint(7);
    expect(c.percentiles().p99).toBe(7);
    c.reset();
    expect(c.percentiles()).toEqual({ p50: 0, p95: 0, p99: 0, p999: 0 });
    expect(c.getCount()).toBe(0);
  });

  it('keeps a uniform sample of 4096 once more values come, so quantiles stay close to the stream', () => {
    const c = new AvgMinMaxPercentileCounter();
    // 100,000 values 0..99 repeating: every quantile of the stream is known.
    for (let i = 0; i < 100_000; i++) c.addDataPoint(i % 100);
    const p = c.percentiles();
    expect(Math.abs(p.p50 - 49.5)).toBeLessThan(4);
    expect(Math.abs(p.p95 - 95)).toBeLessThan(3);
    expect(p.p999).toBeGreaterThanOrEqual(98);
    expect(c.getCount()).toBe(100_000);
  });
});
