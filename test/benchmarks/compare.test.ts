import { compareRuns, worstRow, type RunRecord } from '../../benchmarks/compare';
import { consoleReport } from '../../benchmarks/report-table';
import { latencyCdf, throughputChart } from '../../benchmarks/svg-plots';
import type { WorkloadName } from '../../benchmarks/workloads';
import { runRecord } from './support/run-record';

function run(targetKind: 'zoolab' | 'zookeeper', workload: WorkloadName, opsPerSec: number, p99Ms: number, extra: Partial<RunRecord> = {}): RunRecord {
  return runRecord({
    target: targetKind,
    targetKind,
    workload,
    class: workload === 'getData' ? 'read' : 'write',
    description: '',
    ops: 1000,
    writes: 0,
    opsPerSec,
    latency: { count: 1000, meanMs: 1, p50Ms: 1, p90Ms: 2, p99Ms, p999Ms: p99Ms, maxMs: p99Ms },
    spectrum: [
      [0, 0.5],
      [50, 1],
      [99, p99Ms],
      [100, p99Ms * 2],
    ],
    histogram: '',
    generator: { cpuPercent: 40, maxElu: 0.4, workers: 1 },
    serverCpuPercent: 90,
    ...extra,
  });
}

describe('the comparison', () => {
  it('holds writes to 1.5x throughput and reads to 1.2x, and p99 to 0.8x', () => {
    const rows = compareRuns(
      [
        run('zoolab', 'setData', 1600, 0.7),
        run('zookeeper', 'setData', 1000, 1),
        run('zoolab', 'getData', 1300, 0.9),
        run('zookeeper', 'getData', 1000, 1),
      ],
      ['setData', 'getData'],
    );
    expect(rows[0]).toMatchObject({ workload: 'setData', throughputTarget: 1.5, throughputMet: true, p99Met: true, verdict: 'MEET' });
    expect(rows[0].throughputRatio).toBeCloseTo(1.6);
    expect(rows[1]).toMatchObject({ workload: 'getData', throughputTarget: 1.2, throughputMet: true, p99Met: false, verdict: 'MISS' });
    expect(rows[1].note).toMatch(/p99 0.90× > 0.8×/);
  });

  it('sets the servers\' CPU time per operation side by side, with no verdict on it', () => {
    const rows = compareRuns(
      [
        run('zoolab', 'setData', 40000, 1, { serverCpuPercent: 120 }),
        run('zookeeper', 'setData', 20000, 1, { serverCpuPercent: 160 }),
        run('zoolab', 'create', 1000, 1, { serverCpuPercent: null }),
        run('zookeeper', 'create', 1000, 1),
      ],
      ['setData', 'create'],
    );
    expect(rows[0].zoolabCpuUsPerOp).toBeCloseTo(30);
    expect(rows[0].zookeeperCpuUsPerOp).toBeCloseTo(80);
    expect(rows[0].cpuPerOpRatio).toBeCloseTo(0.375);
    expect(rows[0].verdict).toBe('MISS');
    expect(rows[1].zoolabCpuUsPerOp).toBeNull();
    expect(rows[1].cpuPerOpRatio).toBeNull();
    const text = consoleReport([], rows);
    expect(text).toMatch(/30\.0 · 80\.0 +0\.38×/);
    expect(text).toMatch(/— · 900 +—/);
  });

  it('a write at 1.3x misses even though a read at 1.3x would meet', () => {
    const rows = compareRuns([run('zoolab', 'create', 1300, 0.5), run('zookeeper', 'create', 1000, 1)], ['create']);
    expect(rows[0].verdict).toBe('MISS');
    expect(rows[0].note).toMatch(/throughput 1.30× < 1.5×/);
  });

  it('says which window was disturbed by steal or other CPU, and keeps the verdict', () => {
    // serverCpuPercent 90 and generator 40 in every run: machine 150% leaves 20% other.
    const z = run('zoolab', 'setData', 2000, 0.5, { stealPercent: 21, machineCpuPercent: 140 });
    const j = run('zookeeper', 'setData', 1000, 1, { stealPercent: 2, machineCpuPercent: 150 });
    const [row] = compareRuns([z, j], ['setData']);
    expect(row.verdict).toBe('MEET');
    expect(row.note).toBe("zoolab's window disturbed (21% steal); ZooKeeper's window disturbed (20% other CPU)");
    const quiet = compareRuns([{ ...z, stealPercent: 9.9 }, { ...j, machineCpuPercent: 149 }], ['setData']);
    expect(quiet[0].note).toBe('');
    // Runs from before these readings existed have none: nothing to say.
    expect(compareRuns([{ ...z, stealPercent: undefined, machineCpuPercent: undefined }, j], ['setData'])[0].note).toMatch(/^ZooKeeper's window/);
    expect(consoleReport([], [row])).toContain("setData: MEET — zoolab's window disturbed (21% steal)");
  });

  it('says when the load generator was near saturation, and keeps the verdict', () => {
    const z = run('zoolab', 'getData', 5000, 0.5, { generator: { cpuPercent: 92, maxElu: 0.92, workers: 1 } });
    const j = run('zookeeper', 'getData', 1000, 1, { generator: { cpuPercent: 40, maxElu: 0.89, workers: 1 } });
    const [row] = compareRuns([z, j], ['getData']);
    expect(row.verdict).toBe('MEET');
    expect(row.note).toBe("the generator was near saturation in zoolab's window (ELU 0.92)");
    expect(compareRuns([{ ...z, generator: { ...z.generator, maxElu: 0.5 } }, j], ['getData'])[0].note).toBe('');
  });

  it('a failed or missing run gives NO DATA with the reason, not a silent gap', () => {
    const rows = compareRuns(
      [run('zoolab', 'setData', 1000, 1), run('zookeeper', 'setData', 0, 0, { failure: 'Apache ZooKeeper is not installed', ops: 0 })],
      ['setData', 'getData'],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ verdict: 'NO DATA' });
    expect(rows[0].note).toMatch(/ZooKeeper failed: Apache ZooKeeper is not installed/);
    expect(rows[1].note).toMatch(/zoolab was not run; ZooKeeper was not run/);
    const text = consoleReport([], rows);
    expect(text).toMatch(/NO DATA/);
  });

  it('the worst row is the one furthest from its own target', () => {
    const rows = compareRuns(
      [
        run('zoolab', 'getData', 1100, 0.5),
        run('zookeeper', 'getData', 1000, 1),
        run('zoolab', 'setData', 1400, 0.5),
        run('zookeeper', 'setData', 1000, 1),
        run('zoolab', 'create', 2000, 3),
        run('zookeeper', 'create', 1000, 1),
      ],
      ['getData', 'setData', 'create'],
    );
    expect(worstRow(rows)?.workload).toBe('create');
  });

  it('prints every row with its verdict', () => {
    const runs = [run('zoolab', 'setData', 500, 2), run('zookeeper', 'setData', 1000, 1)];
    const text = consoleReport(runs, compareRuns(runs, ['setData']));
    expect(text).toMatch(/setData\s+zoolab\s+500/);
    expect(text).toMatch(/0\.50×.*MISS/);
    expect(text).toMatch(/0 MEET, 1 MISS, 0 NO DATA/);
  });
});

describe('the plots', () => {
  it('draw a bar per target and workload, and a CDF line per target', () => {
    const bars = throughputChart('t', ['getData', 'setData'], ['zoolab', 'zookeeper'], (w, t) => (w === 'setData' && t === 'zookeeper' ? null : 1000));
    expect(bars.startsWith('<svg')).toBe(true);
    expect(bars.match(/<rect x="130"/g)).toHaveLength(3);
    expect(bars).toContain('no data');
    const cdf = latencyCdf('cdf <&>', [
      { name: 'zoolab', points: run('zoolab', 'getData', 1, 2).spectrum },
      { name: 'zookeeper', points: run('zookeeper', 'getData', 1, 4).spectrum },
    ]);
    expect(cdf.match(/<path /g)).toHaveLength(2);
    expect(cdf).toContain('cdf &lt;&amp;&gt;');
  });
});
