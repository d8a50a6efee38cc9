import { ELECTION_NAMES } from '../plugins/election-choice';
import { PEER_TRANSPORT_NAMES } from '../plugins/peer-transport-choice';
import { KEY_DISTRIBUTIONS, type KeyDistribution } from './key-chooser';
import { defaultHeapMb } from './heap-sizing';
import { DEFAULT_SERVER_SETTINGS, type ServerSettings } from './targets/target';
import { WORKLOAD_NAMES, workloadDef, type WorkloadName } from './workloads';

/**
 * Everything a suite run is told, with the defaults of the full matrix and of the quick
 * comparison (`npm run bench`), and the checks that turn a bad flag into a clear error.
 */
export type StartedTarget = 'zoolab' | 'zookeeper';

export interface BenchOptions {
  /** Servers the suite starts itself. */
  targets: StartedTarget[];
  /** Addresses of servers it only connects to (host:port). */
  external: string[];
  workloads: WorkloadName[];
  payloadBytes: number;
  /** Requests in flight per session (pipelined workloads). */
  outstanding: number;
  /** Sessions over all workers; churn runs this many connect/close loops. */
  sessions: number;
  /** Load-generator processes. */
  workers: number;
  /** Measure each run for this long … */
  durationSec: number | null;
  /** … or for this many operations (over all workers). */
  ops: number | null;
  /** Unmeasured load before each run's window. */
  warmupSec: number;
  /** Unmeasured load right after a target starts (the JVM's JIT needs ~15 s; both get it). */
  targetWarmupSec: number;
  /** Servers per target: 1 (standalone), or 3 / 5 for the ensemble rows (benchmarks/ensemble-suite.ts). */
  ensemble: number;
  /** Ensemble rows: cold-start elections and failovers per side. */
  repeats: number;
  /** Measured windows per workload and target, alternating between the targets, pooled into one row. */
  rounds: number;
  server: ServerSettings;
  keys: number;
  distribution: KeyDistribution;
  seed: number;
  wideChildren: number;
  fanoutWatchers: number;
  multiOps: number;
  sessionTimeoutMs: number;
  /** The zoolab binary the zoolab target runs. */
  zoolabBin: string;
  /** Where results go; null: results/<date-time>/ under the working directory. */
  outDir: string | null;
  /** After the comparison, profile zoolab under the worst-ratio workload. */
  profile: boolean;
  /**
   * Where each load-generator process writes a V8 CPU profile (--cpu-prof), or null: the
   * generator shares the machine with the server, so its own waste is worth finding too.
   */
  profileGeneratorDir: string | null;
  /** Live progress bars (off when stderr is not a terminal). */
  progress: boolean;
  /** Before each run, sync and wait for a quiet machine (benchmarks/settle.ts). */
  settle: boolean;
  /**
   * Before each round, top up every target's create parent to the largest count, so the
   * rows after create run on trees of the same size (benchmarks/equal-trees.ts).
   */
  equalTrees: boolean;
  /**
   * After the last workload, SIGKILL each started target with a dataDir and time its
   * restart on the tree the run grew (benchmarks/restart-measure.ts).
   */
  restart: boolean;
  quick: boolean;
}

export class BenchOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchOptionError';
  }
}

export const QUICK_WORKLOADS: WorkloadName[] = ['create', 'setData', 'getData', 'getChildren', 'mixed-90-10', 'multi-10', 'watch-fanout'];

/** The throughput rows of an ensemble run: writes through every member, reads spread over them. */
export const ENSEMBLE_WORKLOADS: WorkloadName[] = ['create', 'setData', 'getData'];
export const ENSEMBLE_SIZES = [3, 5] as const;

export function defaultBenchOptions(zoolabBin: string, quick = false): BenchOptions {
  return {
    targets: ['zoolab', 'zookeeper'],
    external: [],
    workloads: quick ? [...QUICK_WORKLOADS] : [...WORKLOAD_NAMES],
    payloadBytes: 1024,
    outstanding: 16,
    sessions: 8,
    workers: 1,
    durationSec: quick ? 4 : 20,
    ops: null,
    warmupSec: quick ? 2 : 5,
    targetWarmupSec: 15,
    ensemble: 1,
    repeats: quick ? 3 : 5,
    rounds: 1,
    server: { ...DEFAULT_SERVER_SETTINGS, extra: {} },
    keys: 10000,
    distribution: 'uniform',
    seed: 42,
    wideChildren: 1000,
    fanoutWatchers: 200,
    multiOps: 10,
    sessionTimeoutMs: 30000,
    zoolabBin,
    outDir: null,
    profile: false,
    profileGeneratorDir: null,
    progress: true,
    settle: true,
    equalTrees: true,
    restart: true,
    quick,
  };
}

/** The flags as the command line gives them (strings), before checking. */
export interface RawBenchFlags {
  quick?: boolean;
  targets?: string;
  target?: string[];
  workloads?: string;
  payload?: string;
  outstanding?: string;
  sessions?: string;
  workers?: string;
  duration?: string;
  ops?: string;
  warmup?: string;
  targetWarmup?: string;
  ensemble?: string;
  repeats?: string;
  rounds?: string;
  tickTime?: string;
  fsync?: boolean;
  snapCount?: string;
  heap?: string;
  storage?: string;
  transport?: string;
  election?: string;
  set?: string[];
  keys?: string;
  distribution?: string;
  seed?: string;
  wide?: string;
  watchers?: string;
  out?: string;
  profile?: boolean;
  profileGenerator?: string;
  progress?: boolean;
  settle?: boolean;
  equalTrees?: boolean;
  restart?: boolean;
  zoolabBin?: string;
}

function int(flag: string, v: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!/^\s*-?\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new BenchOptionError(`${flag}: ${JSON.stringify(v)} is not a whole number in [${min}, ${max}]`);
  }
  return n;
}

function seconds(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min) throw new BenchOptionError(`${flag}: ${JSON.stringify(v)} is not a number of seconds ≥ ${min}`);
  return n;
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/** Applies the flags over the defaults (quick or full) and checks them. */
export function benchOptionsFrom(flags: RawBenchFlags, zoolabBin: string): BenchOptions {
  const o = defaultBenchOptions(flags.zoolabBin ?? zoolabBin, flags.quick ?? false);
  if (flags.targets !== undefined) {
    const names = list(flags.targets);
    for (const t of names) {
      if (t !== 'zoolab' && t !== 'zookeeper') throw new BenchOptionError(`--targets: unknown target ${JSON.stringify(t)} (zoolab, zookeeper; use --target host:port for another server)`);
    }
    o.targets = [...new Set(names)] as StartedTarget[];
  }
  o.external = flags.target ?? [];
  if (flags.target && flags.targets === undefined) o.targets = [];
  if (o.targets.length + o.external.length === 0) throw new BenchOptionError('nothing to measure: name --targets or a --target host:port');
  if (flags.workloads !== undefined) {
    const names = flags.workloads.trim() === 'all' ? [...WORKLOAD_NAMES] : list(flags.workloads);
    for (const w of names) {
      try {
        workloadDef(w);
      } catch (e) {
        throw new BenchOptionError(`--workloads: ${(e as Error).message}`);
      }
    }
    if (names.length === 0) throw new BenchOptionError('--workloads: name at least one workload');
    o.workloads = [...new Set(names)] as WorkloadName[];
  }
  if (flags.payload !== undefined) o.payloadBytes = int('--payload', flags.payload, 0, 1024 * 1024);
  if (flags.outstanding !== undefined) o.outstanding = int('--outstanding', flags.outstanding, 1, 10000);
  if (flags.sessions !== undefined) o.sessions = int('--sessions', flags.sessions, 1, 100000);
  if (flags.workers !== undefined) o.workers = int('--workers', flags.workers, 1, 64);
  if (flags.duration !== undefined && flags.ops !== undefined) throw new BenchOptionError('--duration and --ops exclude each other: measure for a time or for a count');
  if (flags.duration !== undefined) o.durationSec = seconds('--duration', flags.duration, 0.1);
  if (flags.ops !== undefined) {
    o.ops = int('--ops', flags.ops, 1);
    o.durationSec = null;
  }
  if (flags.warmup !== undefined) o.warmupSec = seconds('--warmup', flags.warmup, 0);
  if (flags.targetWarmup !== undefined) o.targetWarmupSec = seconds('--target-warmup', flags.targetWarmup, 0);
  if (flags.ensemble !== undefined) {
    o.ensemble = int('--ensemble', flags.ensemble, 1, 9);
    if (o.ensemble !== 1 && !(ENSEMBLE_SIZES as readonly number[]).includes(o.ensemble)) {
      throw new BenchOptionError(`--ensemble ${o.ensemble}: the suite runs 1 (standalone) or an ensemble of ${ENSEMBLE_SIZES.join(' or ')}`);
    }
  }
  if (flags.repeats !== undefined) o.repeats = int('--repeats', flags.repeats, 1, 100);
  if (flags.rounds !== undefined) o.rounds = int('--rounds', flags.rounds, 1, 20);
  if (flags.tickTime !== undefined) o.server.tickTime = int('--tick-time', flags.tickTime, 1, 600000);
  if (flags.fsync !== undefined) o.server.forceSync = flags.fsync;
  if (flags.snapCount !== undefined) o.server.snapCount = int('--snap-count', flags.snapCount, 2);
  if (flags.heap !== undefined) o.server.heapMb = int('--heap', flags.heap, 64, 1024 * 1024);
  if (flags.storage !== undefined) {
    if (flags.storage !== 'file' && flags.storage !== 'memory') throw new BenchOptionError(`--storage: ${JSON.stringify(flags.storage)} is not file or memory`);
    o.server.storage = flags.storage;
  }
  if (flags.transport !== undefined) o.server.peerTransport = oneOf('--transport', flags.transport, PEER_TRANSPORT_NAMES);
  if (flags.election !== undefined) o.server.election = oneOf('--election', flags.election, ELECTION_NAMES);
  for (const kv of flags.set ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new BenchOptionError(`--set: expected key=value, not ${JSON.stringify(kv)}`);
    o.server.extra[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
  }
  if (flags.keys !== undefined) o.keys = int('--keys', flags.keys, 1, 10_000_000);
  if (flags.distribution !== undefined) {
    if (!KEY_DISTRIBUTIONS.includes(flags.distribution as KeyDistribution)) {
      throw new BenchOptionError(`--distribution: ${JSON.stringify(flags.distribution)} is not one of ${KEY_DISTRIBUTIONS.join(', ')}`);
    }
    o.distribution = flags.distribution as KeyDistribution;
  }
  if (flags.seed !== undefined) o.seed = int('--seed', flags.seed, 0, 2 ** 32 - 1);
  if (flags.wide !== undefined) o.wideChildren = int('--wide', flags.wide, 1, 1_000_000);
  if (flags.watchers !== undefined) o.fanoutWatchers = int('--watchers', flags.watchers, 1, 100000);
  if (flags.out !== undefined) o.outDir = flags.out;
  if (flags.profile !== undefined) o.profile = flags.profile;
  if (flags.profileGenerator !== undefined) {
    if (flags.profileGenerator.trim() === '') throw new BenchOptionError('--profile-generator: give the directory the profiles go to');
    o.profileGeneratorDir = flags.profileGenerator;
  }
  if (flags.settle !== undefined) o.settle = flags.settle;
  if (flags.equalTrees !== undefined) o.equalTrees = flags.equalTrees;
  if (flags.restart !== undefined) o.restart = flags.restart;
  if (flags.progress !== undefined) o.progress = flags.progress;
  if (o.profile && !o.targets.includes('zoolab')) throw new BenchOptionError('--profile profiles the zoolab server: include zoolab in --targets');
  if (o.ensemble > 1) checkEnsembleOptions(o, flags);
  else if (flags.transport !== undefined || flags.election !== undefined) {
    throw new BenchOptionError('--transport and --election choose how ensemble members elect a leader: use them with --ensemble 3 or 5');
  }
  // Last: it depends on the workloads, windows, rounds, payload and ensemble above.
  if (flags.heap === undefined) o.server.heapMb = defaultHeapMb(o);
  return o;
}

/** An ensemble run starts its own members, on files, and drives pipelined workloads only. */
function checkEnsembleOptions(o: BenchOptions, flags: RawBenchFlags): void {
  const e = `--ensemble ${o.ensemble}`;
  if (o.external.length > 0) throw new BenchOptionError(`${e}: the suite starts the ensembles itself; --target host:port measures one server (use --ensemble 1)`);
  if (o.profile) throw new BenchOptionError(`${e}: --profile profiles a standalone zoolab; run it with --ensemble 1`);
  if (o.server.storage === 'memory') throw new BenchOptionError(`${e}: ensemble members keep their txn log in files (as ZooKeeper's do); --storage memory is for --ensemble 1`);
  if (flags.workloads === undefined) o.workloads = [...ENSEMBLE_WORKLOADS];
  const other = o.workloads.filter((w) => workloadDef(w).driver !== 'pipelined');
  if (other.length > 0) throw new BenchOptionError(`${e}: ${other.join(', ')} cannot be spread over an ensemble's members; pick pipelined workloads (default ${ENSEMBLE_WORKLOADS.join(',')})`);
}

/** A flag whose value must be one of a plugin's names. */
function oneOf<T extends string>(flag: string, value: string, names: readonly T[]): T {
  if (!(names as readonly string[]).includes(value)) throw new BenchOptionError(`${flag}: ${JSON.stringify(value)} is not ${names.join(' or ')}`);
  return value as T;
}
