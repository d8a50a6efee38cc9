import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SuiteResult } from '../../benchmarks/suite';
import { SEQ_PARENT } from '../../benchmarks/workloads';
import { ZooKeeper } from '../../lib/client';
import { CreateMode, Perms } from '../../lib/protocol';
import { startZoolabServer, type ZoolabServerHandle } from '../support/zoolab-server';
import { ensureBenchBuilt, runBench } from './support/bench-cli';

/**
 * The rows after create must run on trees of the same size on every target. Two servers
 * the test owns are measured as --target addresses; one already holds 300 more children
 * under the create parent, so the other must be topped up before each later round.
 */
jest.setTimeout(120_000);

beforeAll(() => ensureBenchBuilt('suite.js'));

const EXTRA = 300;
let out: string;
let small: ZoolabServerHandle;
let big: ZoolabServerHandle;

async function withClient<T>(s: ZoolabServerHandle, f: (zk: ZooKeeper) => Promise<T>): Promise<T> {
  const zk = await ZooKeeper.connect(`${s.host}:${s.port}`, { sessionTimeout: 10000 });
  try {
    return await f(zk);
  } finally {
    await zk.close();
  }
}

const children = (s: ZoolabServerHandle): Promise<number> => withClient(s, async (zk) => (await zk.exists(SEQ_PARENT))!.numChildren);

beforeEach(async () => {
  out = mkdtempSync(join(tmpdir(), 'zoolab-bench-trees-'));
  small = await startZoolabServer();
  big = await startZoolabServer();
  await withClient(big, async (zk) => {
    await zk.create('/zoolab-bench');
    await zk.create(SEQ_PARENT);
    await Promise.all(Array.from({ length: EXTRA }, () => zk.create(`${SEQ_PARENT}/n-`, Buffer.alloc(1), { mode: CreateMode.PERSISTENT_SEQUENTIAL })));
  });
});

afterEach(async () => {
  await small.stop();
  await big.stop();
  rmSync(out, { recursive: true, force: true });
});

function args(extra: string[]): string[] {
  return [
    '--target', `${small.host}:${small.port}`,
    '--target', `${big.host}:${big.port}`,
    '--workloads', 'create,getData',
    '--ops', '100', '--warmup', '0', '--target-warmup', '0',
    '--sessions', '2', '--outstanding', '4', '--keys', '20',
    '--no-progress', '--no-settle', '--out', out,
    ...extra,
  ];
}

describe('zoolab bench evens the trees', () => {
  it('tops up the target with fewer created znodes before each round, outside the windows', async () => {
    const r = await runBench(args([]), 100_000, 'SIGKILL');
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SuiteResult;
    const names = [`${small.host}:${small.port}`, `${big.host}:${big.port}`];
    // Before create: the seeded difference; before getData: what is left after 100 creates each.
    expect(result.meta.treeLevels).toEqual([
      { workload: 'create', round: 0, before: { [names[0]]: 0, [names[1]]: EXTRA }, added: { [names[0]]: EXTRA, [names[1]]: 0 } },
      { workload: 'getData', round: 0, before: { [names[0]]: EXTRA + 100, [names[1]]: EXTRA + 100 }, added: { [names[0]]: 0, [names[1]]: 0 } },
    ]);
    // Measured windows hold only the row's own ops: the top-up is not counted.
    expect(result.runs.filter((x) => x.workload === 'create').map((x) => x.ops)).toEqual([100, 100]);
    expect([await children(small), await children(big)]).toEqual([EXTRA + 100, EXTRA + 100]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(`before create round 1: ${names[0]} 0 · ${names[1]} ${EXTRA} → ${names[0]} +${EXTRA}`);
  });

  it('leaves the trees as the rows left them with --no-equal-trees', async () => {
    const r = await runBench(args(['--no-equal-trees']), 100_000, 'SIGKILL');
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SuiteResult;
    expect(result.meta.treeLevels).toEqual([]);
    expect([await children(small), await children(big)]).toEqual([100, EXTRA + 100]);
  });

  it('keeps measuring when a top-up cannot finish, and says the trees differ', async () => {
    // The smaller tree's create parent refuses creates: every top-up create fails.
    await withClient(small, async (zk) => {
      await zk.create('/zoolab-bench');
      await zk.create(SEQ_PARENT, Buffer.alloc(0), { acl: [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }] });
    });
    const r = await runBench(args([]), 100_000, 'SIGKILL');
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SuiteResult;
    expect(r.stderr).not.toMatch(/TypeError|Unhandled/);
    expect(result.meta.treeLevels.map((l) => [l.workload, l.failure])).toEqual([
      ['create', expect.stringMatching(/^topping up 127\.0\.0\.1:\d+'s tree: 300 creates failed$/)],
      ['getData', expect.stringMatching(/creates failed$/)],
    ]);
    // getData still ran on both, and the report names the unfinished evening.
    expect(result.runs.filter((x) => x.workload === 'getData').map((x) => [x.ops, x.failure])).toEqual([
      [100, null],
      [100, null],
    ]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/before getData round 1: .* \(not finished: topping up/);
  });
});
