import { summarizeTimes, timingRows, timingTable, type TimingSample } from '../../benchmarks/ensemble-timings';

const sample = (side: TimingSample['side'], repeat: number, values: TimingSample['values'], failure: string | null = null): TimingSample => ({
  side,
  repeat,
  values,
  failure,
  detail: '',
});

describe('election and failover times', () => {
  it('summarize as median, nearest-rank p90 and max', () => {
    expect(summarizeTimes([500, 100, 300, 200, 400], 0)).toEqual({ samples: 5, failed: 0, medianMs: 300, p90Ms: 500, maxMs: 500, minMs: 100 });
    expect(summarizeTimes([100, 300], 1)).toMatchObject({ medianMs: 200, p90Ms: 300, failed: 1 });
    expect(summarizeTimes([], 2)).toBeNull();
  });

  it('meet the failover target only at half of ZooKeeper\'s median or less', () => {
    const rows = timingRows([
      sample('zoolab', 1, { 'failover-write': 200, 'failover-leader': 300 }),
      sample('zookeeper', 1, { 'failover-write': 500, 'failover-leader': 500 }),
    ]);
    expect(rows.map((r) => [r.measure, r.ratio, r.verdict])).toEqual([
      ['failover-leader', 0.6, 'MISS'],
      ['failover-write', 0.4, 'MEET'],
    ]);
    expect(rows[0].note).toMatch(/median 0\.60× > 0\.5×/);
  });

  it('state election times without a verdict, as information', () => {
    const rows = timingRows([sample('zoolab', 1, { 'election-write': 900 }), sample('zookeeper', 1, { 'election-write': 1000 })]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ verdict: 'INFO', target: null });
    expect(rows[0].ratio).toBeCloseTo(0.9);
  });

  it('count a repeat that never recovered against zoolab, and name it', () => {
    const rows = timingRows([
      sample('zoolab', 1, { 'failover-write': 100 }),
      sample('zoolab', 2, { 'failover-write': null }, 'writes did not resume within 30000 ms of the kill'),
      sample('zookeeper', 1, { 'failover-write': 1000 }),
      sample('zookeeper', 2, { 'failover-write': 1000 }),
    ]);
    expect(rows[0]).toMatchObject({ verdict: 'MISS', ratio: 0.1 });
    expect(rows[0].note).toBe('zoolab: 1 of 2 repeats gave no time');
  });

  it('call it a MISS when zoolab never recovers in time and ZooKeeper does', () => {
    const rows = timingRows([
      sample('zoolab', 1, { 'failover-write': null }, 'writes did not resume within 30000 ms of the kill'),
      sample('zookeeper', 1, { 'failover-write': 1000 }),
    ]);
    expect(rows[0]).toMatchObject({ verdict: 'MISS', ratio: null });
    expect(rows[0].note).toBe('zoolab: 1 of 1 repeats gave no time; zoolab has no successful repeat');
  });

  it('say NO DATA, with the reason, when a side has no time at all', () => {
    const rows = timingRows([sample('zoolab', 1, { 'failover-write': 100 }), sample('zookeeper', 1, { 'failover-write': null }, 'Java is not installed')]);
    expect(rows[0]).toMatchObject({ verdict: 'NO DATA', ratio: null });
    expect(rows[0].note).toMatch(/ZooKeeper has no successful repeat/);
    expect(timingTable(rows)).toMatch(/failover: SIGKILL leader → writes succeed again\s+100\s+100\s+100\s+—/);
  });
});
