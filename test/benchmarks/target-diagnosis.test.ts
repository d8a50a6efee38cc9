import { tmpdir } from 'node:os';
import { benchOptionsFrom, type RawBenchFlags } from '../../benchmarks/bench-options';
import { join } from 'node:path';
import { progressFactory } from '../../benchmarks/progress';
import { defaultHeapMb, expectedTreeZnodes, heapWarning, treeHeapMb } from '../../benchmarks/heap-sizing';
import { lowDiskWarning, suiteMeta } from '../../benchmarks/suite-meta';
import { diagnosis, freeDiskGb } from '../../benchmarks/targets/target-diagnosis';
import type { Target } from '../../benchmarks/targets/target';
import { freePort } from '../support/free-port';
import { BIN, ensureBenchBuilt, ROOT } from './support/bench-cli';

/** A failed run says why the server failed, when the server's own output says so. */
jest.setTimeout(60_000);

const ENOSPC_LINE =
  '{"level":40,"time":1795898654336,"pid":29155,"name":"zoolab","err":{"type":"Error","message":"ENOSPC: no space left on device, write","code":"ENOSPC"},"msg":"Unexpected exception taking a snapshot"}';

describe('diagnosis', () => {
  it('names the exit and the last error line, and nothing for a quiet running server', () => {
    const output = ['{"level":30,"msg":"serving"}', ENOSPC_LINE, '{"level":40,"msg":"Too busy to snap, skipping"}'].join('\n');
    expect(diagnosis(null, output)).toBe(`its last error: ${ENOSPC_LINE}`);
    expect(diagnosis('zoolab server exited (code 1, signal null)', output)).toBe(`zoolab server exited (code 1, signal null); its last error: ${ENOSPC_LINE}`);
    expect(diagnosis(null, '{"level":30,"msg":"serving"}\n{"level":40,"msg":"Too busy to snap, skipping"}')).toBeNull();
    expect(diagnosis('Apache ZooKeeper exited (code 3, signal null)', '')).toBe('Apache ZooKeeper exited (code 3, signal null)');
  });

  it("finds Java's errors and cuts a long line", () => {
    const oom = '2026-11-28 20:40:01,123 [myid:] - ERROR [SyncThread:0:ZooKeeperCriticalThread@49] - Severe unrecoverable error, from thread : SyncThread:0 java.lang.OutOfMemoryError: Java heap space';
    expect(diagnosis(null, `INFO ok\n${oom}\nWARN later`)).toBe(`its last error: ${oom}`);
    const long = `ERROR ${'x'.repeat(1000)}`;
    expect(diagnosis(null, long)).toBe(`its last error: ${long.slice(0, 300)}…`);
  });

  it('reads free disk space, and warns below 20 GB', () => {
    const gb = freeDiskGb(tmpdir());
    expect(gb).toEqual(expect.any(Number));
    expect(freeDiskGb('/no/such/dir')).toBeNull();
    const meta = suiteMeta(benchOptionsFrom({}, BIN), new Date(), 'zoolab bench');
    expect(meta.machine.dataDirParent).toBe(tmpdir());
    meta.machine.freeDiskGbAtStart = 3.2;
    expect(lowDiskWarning(meta)).toMatch(/^only 3\.2 GB free in .*a full disk ends the run$/);
    meta.machine.freeDiskGbAtStart = 50;
    expect(lowDiskWarning(meta)).toBeNull();
  });
});

describe('the heap for the trees a run grows', () => {
  const opts = (flags: RawBenchFlags) => benchOptionsFrom(flags, BIN);
  const GiB = 2 ** 30;

  it("keeps npm run bench's 1 GiB and sizes longer create rows up", () => {
    expect(opts({ quick: true }).server.heapMb).toBe(1024);
    // Three quick rounds: ~630k znodes, what run 60 gave ZooKeeper (3 GiB).
    expect(treeHeapMb(opts({ quick: true, rounds: '3' }))).toBe(3072);
    // The full matrix: 5 s + 20 s of creates, ~875k znodes.
    expect(treeHeapMb(opts({}))).toBe(4096);
    expect(expectedTreeZnodes(opts({}))).toBe(875_000);
    // Bigger values need more; no create row, the default.
    expect(treeHeapMb(opts({ quick: true, payload: '4096' }))).toBe(3072);
    expect(treeHeapMb(opts({ workloads: 'setData,getData' }))).toBe(1024);
    // A count of creates: the count and the warm-up's.
    expect(expectedTreeZnodes(opts({ quick: true, ops: '100000' }))).toBe(170_000);
    // An ensemble creates slower.
    expect(expectedTreeZnodes(opts({ ensemble: '3', workloads: 'create' }))).toBe(375_000);
  });

  it('stays under three quarters of the machine over every server the run starts', () => {
    const full = opts({});
    expect(defaultHeapMb(full, 24 * GiB)).toBe(4096);
    // Two servers on 8 GiB: 3 GiB each at most.
    expect(defaultHeapMb(full, 8 * GiB)).toBe(3072);
    // Never below the 1 GiB default.
    expect(defaultHeapMb(full, 1 * GiB)).toBe(1024);
    // Six members of two 3-node ensembles on 24 GiB: 3 GiB each.
    expect(defaultHeapMb(opts({ ensemble: '3', workloads: 'create', duration: '60' }), 24 * GiB)).toBe(3072);
    expect(defaultHeapMb(opts({ targets: 'zoolab' }), 8 * GiB)).toBe(4096);
  });

  it('warns when a given heap is smaller than the trees need, against ZooKeeper', () => {
    expect(heapWarning(opts({ quick: true }))).toBeNull();
    expect(heapWarning(opts({ quick: true, rounds: '3', heap: '1024' }))).toMatch(
      /^the create row can grow each tree to ~630k znodes of 1024 bytes, which ZooKeeper keeps on its 1024 MiB Java heap: give both servers --heap 3072 or more/,
    );
    expect(heapWarning(opts({ quick: true, rounds: '3', heap: '3072' }))).toBeNull();
    expect(heapWarning(opts({ heap: '2048' }))).toMatch(/~875k znodes .* --heap 4096 or more/);
    expect(heapWarning(opts({ quick: true, rounds: '3', heap: '1024', workloads: 'setData,getData' }))).toBeNull();
    expect(heapWarning(opts({ quick: true, rounds: '3', heap: '1024', targets: 'zoolab' }))).toBeNull();
  });
});

describe('measureWorkload', () => {
  it("adds the server's own diagnosis to a failed run", async () => {
    // The load generator's workers run from the build, so this runs the built module.
    ensureBenchBuilt('measure-target.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { measureWorkload } = require(join(ROOT, 'dist', 'benchmarks', 'measure-target')) as typeof import('../../benchmarks/measure-target');
    // Nothing listens on the port: the run fails, as it does when a server has died.
    const port = await freePort('127.0.0.1');
    const dead: Target = {
      kind: 'zoolab',
      name: 'zoolab',
      host: '127.0.0.1',
      port,
      pid: null,
      dataDir: null,
      settings: {},
      diagnose: () => diagnosis('zoolab server exited (code 1, signal null)', ENOSPC_LINE),
      stop: async () => ({ cpuProfile: null }),
    };
    const o = benchOptionsFrom({ ops: '10', warmup: '0', sessions: '1', outstanding: '1', settle: false, progress: false }, BIN);
    const record = await measureWorkload(o, dead, 'getData', progressFactory(false, () => undefined));
    expect(record.failure).toMatch(/ECONNREFUSED/);
    expect(record.failure).toContain('(zoolab: zoolab server exited (code 1, signal null); its last error: {"level":40');
    expect(record.failure).toContain('ENOSPC');
  });
});
