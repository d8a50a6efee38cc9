import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SuiteResult } from '../../benchmarks/suite';

/**
 * Keeps the suite from rotting: the built `zoolab bench` runs a tiny zoolab-only matrix
 * (a few hundred ops per workload, every driver: pipelined, churn, fan-out) through the
 * real path — binary, target process, forked load workers — and writes its files.
 */
jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
const bin = join(root, 'dist', 'plugins', 'cli.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  const built = join(root, 'dist', 'benchmarks', 'suite.js');
  const sources = Math.max(...['lib', 'plugins', 'benchmarks'].map((d) => newestSource(join(root, d))));
  if (existsSync(bin) && existsSync(built) && statSync(built).mtimeMs >= sources) return;
  // tsc emits even when files other helpers are writing do not type-check yet.
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'ignore' });
  if (!existsSync(built)) throw new Error(`building did not produce ${built}`);
});

let out: string;
afterEach(() => rmSync(out, { recursive: true, force: true }));

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'bench', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('zoolab bench', () => {
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
      '--out', out,
    ]);
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
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('| getData | zoolab |');
    expect(report).toContain('## Ensemble rows');
    expect(report).toContain('npm run bench:ensemble');
    expect(readFileSync(join(out, 'throughput.svg'), 'utf8')).toMatch(/^<svg/);
    expect(existsSync(join(out, 'latency-getData.svg'))).toBe(true);
  });

  it('refuses an ensemble size it does not run, saying why', async () => {
    out = mkdtempSync(join(tmpdir(), 'zoolab-bench-smoke-'));
    const r = await runBench(['--ensemble', '4', '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/1 \(standalone\) or an ensemble of 3 or 5/);
  });
});
