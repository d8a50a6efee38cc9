import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SuiteResult } from '../../benchmarks/suite';
import { ensureBenchBuilt, runBench } from './support/bench-cli';

/**
 * Keeps the suite from rotting: the built `zoolab bench` runs a tiny zoolab-only matrix
 * (a few hundred ops per workload, every driver: pipelined, churn, fan-out) through the
 * real path — binary, target process, forked load workers — and writes its files.
 */
jest.setTimeout(120_000);

beforeAll(() => ensureBenchBuilt('suite.js'));

let out: string;
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe('zoolab bench', () => {
  it('with --rounds 2 measures each workload twice and pools the rounds into one row', async () => {
    out = mkdtempSync(join(tmpdir(), 'zoolab-bench-rounds-'));
    const r = await runBench(
      ['--targets', 'zoolab', '--workloads', 'getData,setData', '--rounds', '2', '--ops', '100', '--warmup', '0.2', '--target-warmup', '0', '--sessions', '2', '--outstanding', '4', '--keys', '20', '--storage', 'memory', '--no-progress', '--out', out, '--profile-generator', join(out, 'generator')],
      100_000,
      'SIGKILL',
    );
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
    // --profile-generator: every generator process (target warm-up and each round) left a CPU profile.
    const profiles = readdirSync(join(out, 'generator')).filter((f) => f.endsWith('.cpuprofile'));
    expect(profiles.length).toBeGreaterThanOrEqual(4);
    expect(JSON.parse(readFileSync(join(out, 'generator', profiles[0]), 'utf8'))).toEqual(expect.objectContaining({ nodes: expect.any(Array), samples: expect.any(Array) }));
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SuiteResult;
    expect(result.runs.map((x) => [x.workload, x.ops, x.roundOpsPerSec?.length, x.failure])).toEqual([
      ['getData', 200, 2, null],
      ['setData', 200, 2, null],
    ]);
    expect(r.stdout).toMatch(/getData on zoolab: rounds [\d,]+ · [\d,]+ ops\/s/);
    // Each run started after a sync and a wait for quiet (which may not come on a busy test machine).
    for (const run of result.runs) expect(run.settle).toEqual(expect.objectContaining({ quiet: expect.any(Boolean), waitedMs: expect.any(Number) }));
    expect(result.runs.every((x) => typeof x.machineCpuPercent === 'number')).toBe(process.platform === 'linux');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/setData on zoolab: rounds/);
  });

  it('after the last workload, SIGKILLs a target with a dataDir, restarts it on that dataDir and times it', async () => {
    out = mkdtempSync(join(tmpdir(), 'zoolab-bench-restart-'));
    const r = await runBench(
      ['--targets', 'zoolab', '--workloads', 'create', '--ops', '500', '--warmup', '0.2', '--target-warmup', '0', '--sessions', '2', '--outstanding', '4', '--no-progress', '--no-settle', '--out', out],
      100_000,
      'SIGKILL',
    );
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SuiteResult;
    expect(result.restarts).toEqual([{ target: 'zoolab', ms: expect.any(Number), znodes: expect.any(Number), failure: null }]);
    // The restarted server restored what the run wrote: at least the 500 creates.
    expect(result.restarts![0].znodes).toBeGreaterThan(500);
    expect(result.restarts![0].ms).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/Restart after SIGKILL[^\n]*\n {2}zoolab: [\d,]+ ms \([\d,]+ znodes\)/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/## Restart\n\n.*\n\n- zoolab: [\d,]+ ms/);
  });

  it('runs a tiny zoolab-only matrix end to end and writes JSON, Markdown and SVG', async () => {
    out = mkdtempSync(join(tmpdir(), 'zoolab-bench-smoke-'));
    const workloads = ['create', 'getData', 'multi-10', 'session-churn', 'watch-fanout'];
    const r = await runBench([
      '--targets', 'zoolab',
      '--workloads', workloads.join(','),
      '--ops', '200',
      '--warmup', '0.2',
      '--target-warmup', '0',
      '--sessions', '2',
      '--outstanding', '4',
      '--watchers', '4',
      '--keys', '50',
      '--wide', '10',
      '--storage', 'memory',
      '--no-progress',
      '--no-settle',
      '--out', out,
    ], 100_000, 'SIGKILL');
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/getData\s+zoolab\s+[\d,]+/);

    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SuiteResult;
    expect(result.runs.map((x) => x.workload)).toEqual(workloads);
    for (const run of result.runs) {
      expect({ workload: run.workload, failure: run.failure, errors: run.errorCount }).toEqual({ workload: run.workload, failure: null, errors: 0 });
      expect(run.ops).toBe(200);
      expect(run.opsPerSec).toBeGreaterThan(0);
      expect(run.latency.p99Ms).toBeGreaterThan(0);
      expect(run.latency.p50Ms).toBeLessThanOrEqual(run.latency.p99Ms);
    }
    expect(result.runs.find((x) => x.workload === 'watch-fanout')?.notificationLatency?.count).toBe(800);
    // The server's own work in each window, from its mntr: every write run group-committed.
    for (const run of result.runs) expect({ workload: run.workload, work: run.serverWork }).toEqual({ workload: run.workload, work: expect.any(Object) });
    for (const w of ['create', 'multi-10']) expect(result.runs.find((x) => x.workload === w)!.serverWork!.commits).toBeGreaterThan(0);
    expect(r.stdout).toContain('ops/sync');
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('| getData | zoolab |');
    expect(report).toContain('## Ensemble rows');
    expect(report).toContain('nothing (--no-settle)');
    for (const run of result.runs) expect(run.settle).toBeNull();
    expect(report).toContain('npm run bench:ensemble');
    expect(readFileSync(join(out, 'throughput.svg'), 'utf8')).toMatch(/^<svg/);
    expect(existsSync(join(out, 'latency-getData.svg'))).toBe(true);
  });

  it('refuses an ensemble size it does not run, saying why', async () => {
    out = mkdtempSync(join(tmpdir(), 'zoolab-bench-smoke-'));
    const r = await runBench(['--ensemble', '4', '--out', out], 100_000, 'SIGKILL');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/1 \(standalone\) or an ensemble of 3 or 5/);
  });
});
