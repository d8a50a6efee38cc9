import { createServer, type Server } from 'node:net';
import type { RunRecord } from '../../benchmarks/compare';
import { mergeRounds } from '../../benchmarks/merge-rounds';
import { runCells, RUN_HEADERS } from '../../benchmarks/report-table';
import { runRecord } from './support/run-record';
import { fmtOpsPerSync, fmtSnapshots, parseMntr, readServerWork, sumMembers, sumRounds, workBetween, workCounters, type ServerWork } from '../../benchmarks/server-work';

const MNTR = [
  'zk_version\t3.8.0-zoolab',
  'zk_server_state\tstandalone',
  'zk_avg_latency\t0.1234',
  'zk_cnt_snapshottime\t2',
  'zk_sum_snapshottime\t3100',
  'zk_cnt_fsynctime\t400',
  'zk_sum_fsynctime\t250',
  '',
].join('\n');

describe('server work from mntr', () => {
  it('reads the numeric lines and picks the snapshot and log-sync counters', () => {
    const m = parseMntr(MNTR);
    expect(m.get('zk_avg_latency')).toBeCloseTo(0.1234);
    expect(m.has('zk_version')).toBe(false);
    expect(m.has('zk_server_state')).toBe(false);
    expect(workCounters(m)).toEqual({ snapshots: 2, snapshotMs: 3100, commits: 400, fsyncMs: 250, members: 1 });
  });

  it('has no reading when a counter is missing (a server without these metrics)', () => {
    expect(workCounters(parseMntr('zk_cnt_snapshottime\t1\nzk_sum_snapshottime\t5\nzk_cnt_fsynctime\t3\n'))).toBeNull();
    expect(workCounters(parseMntr('This ZooKeeper instance is not currently serving requests\n'))).toBeNull();
  });

  it('takes the difference over the window, and none across a restart', () => {
    const a: ServerWork = { snapshots: 1, snapshotMs: 900, commits: 100, fsyncMs: 80, members: 1 };
    const b: ServerWork = { snapshots: 3, snapshotMs: 4000, commits: 900, fsyncMs: 500, members: 1 };
    expect(workBetween(a, b)).toEqual({ snapshots: 2, snapshotMs: 3100, commits: 800, fsyncMs: 420, members: 1 });
    expect(workBetween(b, a)).toBeNull();
    expect(workBetween(null, b)).toBeNull();
    expect(workBetween(a, null)).toBeNull();
    expect(workBetween(a, { ...b, members: 3 })).toBeNull();
  });

  it('adds up members (counting them) and rounds (the same servers); a missing part makes the sum unknown', () => {
    const a: ServerWork = { snapshots: 1, snapshotMs: 10, commits: 5, fsyncMs: 2, members: 1 };
    const three = sumMembers([a, a, a]);
    expect(three).toEqual({ snapshots: 3, snapshotMs: 30, commits: 15, fsyncMs: 6, members: 3 });
    expect(sumMembers([a, null])).toBeNull();
    expect(sumMembers([])).toBeNull();
    expect(sumRounds([three, three])).toEqual({ snapshots: 6, snapshotMs: 60, commits: 30, fsyncMs: 12, members: 3 });
    expect(sumRounds([three, a])).toBeNull();
    expect(sumRounds([a, undefined])).toBeNull();
    expect(sumRounds([])).toBeNull();
  });

  it('formats the run-table cells', () => {
    expect(fmtSnapshots({ snapshots: 2, snapshotMs: 3100, commits: 1, fsyncMs: 1, members: 1 })).toBe('2 · 3.1 s');
    expect(fmtSnapshots({ snapshots: 0, snapshotMs: 0, commits: 1, fsyncMs: 1, members: 1 })).toBe('0');
    expect(fmtSnapshots(null)).toBe('—');
    const w = (commits: number, members = 1): ServerWork => ({ snapshots: 0, snapshotMs: 0, commits, fsyncMs: 250, members });
    expect(fmtOpsPerSync(25_000, w(400))).toBe('63');
    expect(fmtOpsPerSync(1_000, w(400))).toBe('2.5');
    // Three members each log all 1,000 writes in 100 syncs of their own: 10 per sync.
    expect(fmtOpsPerSync(1_000, w(300, 3))).toBe('10');
    expect(fmtOpsPerSync(1_000, w(0))).toBe('—');
    expect(fmtOpsPerSync(0, w(3))).toBe('—');
    expect(fmtOpsPerSync(1_000, undefined)).toBe('—');
  });

  describe('readServerWork', () => {
    const servers: Server[] = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    });

    /** A server that answers any four-letter word with `answer` and closes. */
    async function fake(answer: string): Promise<number> {
      const s = createServer((sock) => sock.once('data', () => sock.end(answer)));
      servers.push(s);
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      return (s.address() as { port: number }).port;
    }

    it('adds up every member of an ensemble', async () => {
      const p1 = await fake(MNTR);
      const p2 = await fake(MNTR);
      expect(await readServerWork([{ host: '127.0.0.1', port: p1 }, { host: '127.0.0.1', port: p2 }])).toEqual({
        snapshots: 4,
        snapshotMs: 6200,
        commits: 800,
        fsyncMs: 500,
        members: 2,
      });
    });

    it('is null when a member refuses mntr or is not there', async () => {
      const ok = await fake(MNTR);
      const refuses = await fake('mntr is not executed because it is not in the whitelist.\n');
      expect(await readServerWork([{ host: '127.0.0.1', port: ok }, { host: '127.0.0.1', port: refuses }])).toBeNull();
      const gone = await fake('');
      await new Promise((r) => servers.pop()!.close(r));
      expect(await readServerWork([{ host: '127.0.0.1', port: gone }], 500)).toBeNull();
    });
  });
});

describe('server work in the runs', () => {
  const run = (work: ServerWork | null, opsPerSec = 100): RunRecord =>
    runRecord({ ops: opsPerSec, writes: opsPerSec, opsPerSec, serverWork: work });

  it('shows snapshots and the mean group commit in their columns', () => {
    const cells = runCells(run({ snapshots: 1, snapshotMs: 1500, commits: 4, fsyncMs: 100, members: 1 }));
    expect(cells).toHaveLength(RUN_HEADERS.length);
    expect(cells[RUN_HEADERS.indexOf('snapshots')]).toBe('1 · 1.5 s');
    expect(cells[RUN_HEADERS.indexOf('ops/sync')]).toBe('25');
    expect(runCells({ ...run(null), failure: 'x' })).toHaveLength(RUN_HEADERS.length);
  });

  it("shows the server's resident memory, or a dash when it was not read", () => {
    const rss = RUN_HEADERS.indexOf('server RSS');
    expect(runCells({ ...run(null), serverRssMb: 1039 })[rss]).toBe('1,039 MB');
    expect(runCells({ ...run(null), serverRssMb: null })[rss]).toBe('—');
  });

  it('pools the rounds of a row by adding their work up', () => {
    const a = run({ snapshots: 1, snapshotMs: 1000, commits: 100, fsyncMs: 50, members: 1 }, 100);
    const b = run({ snapshots: 0, snapshotMs: 0, commits: 300, fsyncMs: 90, members: 1 }, 200);
    expect(mergeRounds([a, b]).serverWork).toEqual({ snapshots: 1, snapshotMs: 1000, commits: 400, fsyncMs: 140, members: 1 });
    expect(mergeRounds([a, run(null)]).serverWork).toBeNull();
  });
});
