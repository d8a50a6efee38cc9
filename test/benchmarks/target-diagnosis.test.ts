import { tmpdir } from 'node:os';
import { benchOptionsFrom } from '../../benchmarks/bench-options';
import { join } from 'node:path';
import { progressFactory } from '../../benchmarks/progress';
import { heapWarning, lowDiskWarning, suiteMeta } from '../../benchmarks/suite-meta';
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

describe('heapWarning', () => {
  it('asks for 1 GiB of heap per timed create round against ZooKeeper', () => {
    const opts = (flags: Record<string, string>) => benchOptionsFrom({ quick: true, ...flags }, BIN);
    expect(heapWarning(opts({}))).toBeNull();
    expect(heapWarning(opts({ rounds: '3' }))).toMatch(/^--rounds 3 .* 1024 MiB Java heap: give both servers --heap 3072 or more/);
    expect(heapWarning(opts({ rounds: '3', heap: '3072' }))).toBeNull();
    expect(heapWarning(opts({ rounds: '3', workloads: 'setData,getData' }))).toBeNull();
    expect(heapWarning(opts({ rounds: '3', targets: 'zoolab' }))).toBeNull();
    expect(heapWarning(opts({ rounds: '3', ops: '1000' }))).toBeNull();
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
