import { BenchOptionError, benchOptionsFrom, QUICK_WORKLOADS } from '../../benchmarks/bench-options';
import { WORKLOAD_NAMES } from '../../benchmarks/workloads';

const BIN = '/x/dist/plugins/cli.js';

describe('bench options', () => {
  it('the full matrix runs every workload on both targets by default', () => {
    const o = benchOptionsFrom({}, BIN);
    expect(o.targets).toEqual(['zoolab', 'zookeeper']);
    expect(o.workloads).toEqual(WORKLOAD_NAMES);
    // 25 s of creates grow trees that 1 GiB of Java heap cannot hold (heap-sizing.ts).
    expect(o.server).toMatchObject({ tickTime: 2000, forceSync: true, heapMb: 4096 });
    expect(o.targetWarmupSec).toBe(15);
  });

  it('quick mode is a short subset with the same target warm-up for both servers', () => {
    const o = benchOptionsFrom({ quick: true }, BIN);
    expect(o.workloads).toEqual(QUICK_WORKLOADS);
    expect(o.durationSec! + o.warmupSec).toBeLessThanOrEqual(6);
    expect(o.targetWarmupSec).toBe(15);
  });

  it('takes the load and server settings from flags', () => {
    const o = benchOptionsFrom(
      { workloads: 'getData, setData', sessions: '32', outstanding: '4', workers: '2', ops: '1000', fsync: false, storage: 'memory', set: ['globalOutstandingLimit=5000'], distribution: 'zipfian' },
      BIN,
    );
    expect(o.workloads).toEqual(['getData', 'setData']);
    expect(o).toMatchObject({ sessions: 32, outstanding: 4, workers: 2, ops: 1000, durationSec: null, distribution: 'zipfian' });
    expect(o.server).toMatchObject({ forceSync: false, storage: 'memory', extra: { globalOutstandingLimit: '5000' } });
  });

  it('an ensemble run defaults to its throughput rows and to 5 repeats (3 quick)', () => {
    expect(benchOptionsFrom({ ensemble: '3' }, BIN)).toMatchObject({ ensemble: 3, repeats: 5, workloads: ['create', 'setData', 'getData'] });
    expect(benchOptionsFrom({ ensemble: '5', quick: true }, BIN)).toMatchObject({ ensemble: 5, repeats: 3 });
    expect(benchOptionsFrom({ ensemble: '3', workloads: 'mixed-90-10', repeats: '7' }, BIN)).toMatchObject({ workloads: ['mixed-90-10'], repeats: 7 });
  });

  it("chooses the zoolab ensemble members' election strategy and transport; refuses them standalone", () => {
    expect(benchOptionsFrom({ ensemble: '3' }, BIN).server).toMatchObject({ election: 'fle', peerTransport: 'tcp' });
    expect(benchOptionsFrom({ ensemble: '3', election: 'raft-style', transport: 'udp' }, BIN).server).toMatchObject({ election: 'raft-style', peerTransport: 'udp' });
    expect(() => benchOptionsFrom({ ensemble: '3', election: 'paxos' }, BIN)).toThrow(/--election: "paxos" is not fle or raft-style/);
    expect(() => benchOptionsFrom({ ensemble: '3', transport: 'sctp' }, BIN)).toThrow(/--transport: "sctp" is not tcp or udp/);
    expect(() => benchOptionsFrom({ election: 'raft-style' }, BIN)).toThrow(/use them with --ensemble 3 or 5/);
  });

  it('measures one round per workload and target unless --rounds says more', () => {
    expect(benchOptionsFrom({}, BIN).rounds).toBe(1);
    expect(benchOptionsFrom({ rounds: '3', quick: true }, BIN).rounds).toBe(3);
    expect(() => benchOptionsFrom({ rounds: '0' }, BIN)).toThrow(/--rounds/);
  });

  it('evens the trees before each round unless --no-equal-trees', () => {
    expect(benchOptionsFrom({}, BIN).equalTrees).toBe(true);
    expect(benchOptionsFrom({ quick: true, equalTrees: false }, BIN).equalTrees).toBe(false);
  });

  it('restarts each started target after the last workload unless --no-restart', () => {
    expect(benchOptionsFrom({}, BIN).restart).toBe(true);
    expect(benchOptionsFrom({ quick: true, restart: false }, BIN).restart).toBe(false);
  });

  it('settles the machine before each run unless --no-settle', () => {
    expect(benchOptionsFrom({}, BIN).settle).toBe(true);
    expect(benchOptionsFrom({ quick: true, settle: false }, BIN).settle).toBe(false);
  });

  it('profiles the load generator only when asked, into the directory given', () => {
    expect(benchOptionsFrom({}, BIN).profileGeneratorDir).toBeNull();
    expect(benchOptionsFrom({ profileGenerator: '/tmp/gen' }, BIN).profileGeneratorDir).toBe('/tmp/gen');
    expect(() => benchOptionsFrom({ profileGenerator: ' ' }, BIN)).toThrow(/--profile-generator: give the directory/);
  });

  it('an address alone measures only that server', () => {
    const o = benchOptionsFrom({ target: ['127.0.0.1:2181'] }, BIN);
    expect(o.targets).toEqual([]);
    expect(o.external).toEqual(['127.0.0.1:2181']);
  });

  it.each([
    [{ ensemble: '4' }, /1 \(standalone\) or an ensemble of 3 or 5/],
    [{ ensemble: '3', target: ['127.0.0.1:2181'] }, /starts the ensembles itself/],
    [{ ensemble: '3', storage: 'memory' }, /--storage memory is for --ensemble 1/],
    [{ ensemble: '3', workloads: 'getData,watch-fanout' }, /watch-fanout cannot be spread/],
    [{ ensemble: '3', profile: true }, /--profile profiles a standalone zoolab/],
    [{ ensemble: '3', repeats: '0' }, /--repeats: "0" is not a whole number/],
    [{ workloads: 'getData,frobnicate' }, /unknown workload "frobnicate"/],
    [{ targets: 'etcd' }, /unknown target "etcd"/],
    [{ sessions: '0' }, /--sessions: "0" is not a whole number/],
    [{ duration: '5', ops: '10' }, /exclude each other/],
    [{ distribution: 'pareto' }, /--distribution/],
    [{ set: ['novalue'] }, /key=value/],
    [{ targets: 'zookeeper', profile: true }, /include zoolab/],
  ])('rejects %j with a clear error', (flags, message) => {
    expect(() => benchOptionsFrom(flags, BIN)).toThrow(BenchOptionError);
    expect(() => benchOptionsFrom(flags, BIN)).toThrow(message);
  });
});
