import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import type { BenchOptions } from './bench-options';
import type { TreeLevel } from './equal-trees';
import { DEFAULT_SETTLE } from './settle';
import { freeDiskGb } from './targets/target-diagnosis';

/** What a report states about how its numbers were made. */
export interface SuiteMeta {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  command: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    os: string;
    node: string;
    /** 1-minute load average: above the core count, other processes competed for the CPUs. */
    loadAverageAtStart: string;
    loadAverageAtEnd: string;
    /** Where started servers keep their dataDirs (the OS temp dir), and its free space: a full disk ends a run. */
    dataDirParent: string;
    freeDiskGbAtStart: number | null;
    freeDiskGbAtEnd: number | null;
  };
  /** The load, in words: sessions, pipelining, workers, windows, keys. */
  load: Record<string, string>;
  /** Settings both started servers got. */
  server: Record<string, string>;
  /** Per target: version, runtime, heap, storage, snapshots taken. */
  targets: Record<string, Record<string, string>>;
  /**
   * Measures a standalone run does not make, and the command that makes them (the
   * ensemble rows: `zoolab bench --ensemble 3|5`, `npm run bench:ensemble`); empty in an
   * ensemble run.
   */
  pending: Array<{ measure: string; ensemble: string; command: string }>;
  /** Before each round with a create row in the run: the trees' sizes and the creates that evened them. */
  treeLevels: TreeLevel[];
}

export const ENSEMBLE_COMMAND = 'npm run bench:ensemble  (zoolab bench --quick --ensemble 3; --ensemble 5 for five)';

export const PENDING_ENSEMBLE: SuiteMeta['pending'] = [
  { measure: 'write / read throughput and latency through every member', ensemble: '3 / 5', command: ENSEMBLE_COMMAND },
  { measure: 'leader election time from a cold start', ensemble: '3 / 5', command: ENSEMBLE_COMMAND },
  { measure: 'failover: leader SIGKILLed → new leader, writes again, sessions back', ensemble: '3 / 5', command: ENSEMBLE_COMMAND },
];

export function suiteMeta(o: BenchOptions, startedAt: Date, command: string): SuiteMeta {
  const cpu = cpus();
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    quick: o.quick,
    command,
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model?.trim() ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      os: `${type()} ${release()}`,
      node: process.version,
      loadAverageAtStart: loadavg()[0].toFixed(2),
      loadAverageAtEnd: '',
      dataDirParent: tmpdir(),
      freeDiskGbAtStart: freeDiskGb(tmpdir()),
      freeDiskGbAtEnd: null,
    },
    load: {
      'sessions (pipelined workloads; concurrent loops for session-churn)': String(o.sessions),
      'requests in flight per session': String(o.outstanding),
      'load-generator processes': String(o.workers),
      'fan-out watcher sessions': String(o.fanoutWatchers),
      'measured window': o.ops !== null ? `${o.ops} ops per run` : `${o.durationSec} s per run`,
      rounds: o.rounds === 1 ? '1' : `${o.rounds} per workload and target, alternating between the targets, pooled into one row`,
      'before each run': o.settle
        ? `sync, then wait (up to ${DEFAULT_SETTLE.maxWaitMs / 1000} s) until the machine has been below ${DEFAULT_SETTLE.quietPercent}% of one core busy for ${(DEFAULT_SETTLE.quietSlices * DEFAULT_SETTLE.sliceMs) / 1000} s, so no target's leftovers run in another's window`
        : 'nothing (--no-settle): a target\'s leftover snapshot writes and flushes may run in the next window',
      'tree before each run':
        o.equalTrees && o.workloads.includes('create')
          ? 'the target with fewer znodes under the create parent gets the same creates first (outside any window), so every target runs each row on a tree of the same size'
          : 'as the earlier rows left it (with a create row, the faster target\'s tree is bigger)',
      'warm-up per run': `${o.warmupSec} s`,
      'target warm-up (after start, mixed 50/50, both targets)': `${o.targetWarmupSec} s`,
      payload: `${o.payloadBytes} B`,
      keys: `${o.keys} (${o.distribution}${o.distribution === 'zipfian' ? ', θ 0.99, scrambled' : ''}, seed ${o.seed})`,
      'children of the wide node': String(o.wideChildren),
      'ensemble size':
        o.ensemble === 1
          ? '1 (standalone; the ensemble rows: zoolab bench --ensemble 3|5)'
          : `${o.ensemble} members per side, sessions spread over every member round robin`,
      client: 'raw jute over TCP (benchmarks/load-session.ts), pipelined, replies matched in order',
    },
    server: {
      tickTime: String(o.server.tickTime),
      forceSync: o.server.forceSync ? 'yes' : 'no',
      snapCount: String(o.server.snapCount),
      maxClientCnxns: '0',
      heap: `${o.server.heapMb} MiB`,
      ...o.server.extra,
    },
    targets: {},
    pending: o.ensemble === 1 ? PENDING_ENSEMBLE : [],
    treeLevels: [],
  };
}

/** Below this much free space for the dataDirs, the suite warns before it starts. */
export const LOW_DISK_GB = 20;

/**
 * The warning for a disk that a long run may fill: three rounds of the quick suite grow
 * each tree to ~600k znodes and wrote ~13 GB of txn logs and snapshots per server.
 */
export function lowDiskWarning(m: SuiteMeta): string | null {
  const gb = m.machine.freeDiskGbAtStart;
  if (gb === null || gb >= LOW_DISK_GB) return null;
  return `only ${gb} GB free in ${m.machine.dataDirParent}, where the servers keep their txn logs and snapshots: a long run can fill it (three rounds of the quick suite wrote ~13 GB per server), and a full disk ends the run`;
}

/** Free space at both ends, for the report and the JSON. */
export function finishMachine(m: SuiteMeta): void {
  m.machine.loadAverageAtEnd = loadavg()[0].toFixed(2);
  m.machine.freeDiskGbAtEnd = freeDiskGb(m.machine.dataDirParent);
}
