import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SuiteResult } from '../../benchmarks/suite';
import { ensureBenchBuilt, runBench } from './support/bench-cli';

/**
 * The ensemble rows end to end on zoolab alone: the built `zoolab bench --ensemble 3` runs
 * one cold-start election, a couple hundred writes and reads through three `zoolab server`
 * processes, one failover (SIGKILL of the leader under load, then its restart) and one
 * rejoin (a follower started again without its data), and writes its files. Every process it starts is its own child and is gone when it exits.
 */
jest.setTimeout(90_000);

beforeAll(() => ensureBenchBuilt('ensemble-suite.js'));

let out: string;
afterEach(() => rmSync(out, { recursive: true, force: true }));

/** A one-repeat zoolab-only ensemble run, short windows, into `out`; past 80 s, SIGINT first (the suite's exit hooks kill the members it started). */
const smallEnsembleRun = (args: string[]) =>
  runBench(['--ensemble', '3', '--targets', 'zoolab', '--repeats', '1', '--warmup', '0.2', '--target-warmup', '0', '--outstanding', '4', '--no-progress', '--no-settle', '--out', out, ...args], 80_000, 'SIGINT');

describe('zoolab bench --ensemble 3', () => {
  it('times a cold-start election, a failover and a rejoin, and measures writes and reads through every member', async () => {
    out = mkdtempSync(join(tmpdir(), 'zoolab-bench-ensemble-smoke-'));
    const r = await smallEnsembleRun(['--workloads', 'create,getData', '--ops', '200', '--sessions', '3', '--keys', '50']);
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr + r.stdout.slice(-2000) }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/failover: SIGKILL leader → writes succeed again\s+\d+/);

    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Required<SuiteResult>;
    expect(result.runs.map((x) => [x.workload, x.target, x.failure, x.ops])).toEqual([
      ['create', 'zoolab×3', null, 200],
      ['getData', 'zoolab×3', null, 200],
    ]);
    const e = result.ensemble;
    expect(e.samples.map((s) => [s.side, s.failure])).toEqual([
      ['zoolab', null],
      ['zoolab', null],
      ['zoolab', null],
    ]);
    expect(e.samples[2].detail).toMatch(/^wiped server\.\d; sync: (SNAP|DIFF); \d+ writes to the leader meanwhile; none failed$/);
    for (const measure of ['election-leader', 'election-write', 'failover-leader', 'failover-write', 'rejoin-sync', 'rejoin-slowest-write'] as const) {
      const row = e.timings.find((t) => t.measure === measure)!;
      expect(row.zoolab?.samples).toBe(1);
      expect(row.zoolab!.medianMs).toBeGreaterThan(0);
      // ZooKeeper was left out on purpose: the row says so rather than vanishing.
      expect(row.verdict).toBe('NO DATA');
      expect(row.note).toMatch(/ZooKeeper was not run/);
    }
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('ensembles of 3');
    expect(report).toContain('| create | zoolab×3 |');
    expect(report).toMatch(/1-minute load average by phase: start \d/);
  });

  it('runs the members with another election strategy and transport (--election raft-style --transport udp)', async () => {
    out = mkdtempSync(join(tmpdir(), 'zoolab-bench-ensemble-raft-'));
    const r = await smallEnsembleRun(['--election', 'raft-style', '--transport', 'udp', '--workloads', 'create', '--ops', '100', '--sessions', '2']);
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr + r.stdout.slice(-2000) }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Required<SuiteResult>;
    expect(result.runs.map((x) => [x.workload, x.failure, x.ops])).toEqual([['create', null, 100]]);
    expect(result.ensemble.samples.length).toBeGreaterThan(0);
    expect(result.ensemble.samples.filter((s) => s.failure !== null)).toEqual([]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('election raft-style over udp');
  });
});
