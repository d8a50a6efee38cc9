import type { ElectionName } from '../../plugins/election-choice';
import type { PeerTransportName } from '../../plugins/peer-transport-choice';

/**
 * A server the suite measures: one it started (zoolab or Apache ZooKeeper, with the same
 * settings) or one at an address it was given.
 */
export type TargetKind = 'zoolab' | 'zookeeper' | 'external';

export interface Target {
  readonly kind: TargetKind;
  /** How the report names it. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** The server's pid when the suite started it (for its CPU time); null otherwise. */
  readonly pid: number | null;
  /** An ensemble's client addresses: sessions are spread over them (host:port is the first). */
  readonly servers?: ReadonlyArray<{ host: string; port: number }>;
  /** CPU time (ms) of every process of the target, when it is more than `pid` (an ensemble). */
  cpuMs?(): number | null;
  /** Resident memory (MB) of every process of the target, when it is more than `pid`. */
  rssMb?(): number | null;
  /** What the report states about how it ran (version, heap, flags …). */
  readonly settings: Record<string, string>;
  /** Its dataDir when the suite made one (to count the snapshots it took); null otherwise. */
  readonly dataDir: string | null;
  /**
   * A started server's account of itself after a failed run: whether it exited, and the
   * last error line of its output (target-diagnosis.ts); null when it has nothing to say.
   */
  diagnose?(): string | null;
  /**
   * A started server with a dataDir: SIGKILLs it and starts it again on the same dataDir
   * and port, timing the spawn to `srvr` answering (crash recovery on the tree the run grew).
   */
  restart?(): Promise<RestartTiming>;
  /** Stops it (a started server only); a profiled zoolab reports its .cpuprofile. */
  stop(): Promise<{ cpuProfile: string | null }>;
}

/** A restart after SIGKILL: spawn to serving, and the znodes the restored server holds. */
export interface RestartTiming {
  ms: number;
  znodes: number | null;
}

/** Every client address of a target: an ensemble's members, or its one host:port. */
export function targetAddresses(t: Target): ReadonlyArray<{ host: string; port: number }> {
  return t.servers ?? [{ host: t.host, port: t.port }];
}

/** The settings both started servers get, so the comparison is like for like. */
export interface ServerSettings {
  tickTime: number;
  forceSync: boolean;
  snapCount: number;
  /** Max heap of the server process: -Xmx for the JVM, --max-old-space-size for Node. */
  heapMb: number;
  /** zoolab's txn-log plugin: files in a temp dataDir (as ZooKeeper), or in memory. */
  storage: 'file' | 'memory';
  /** zoolab ensemble members' election transport (zoo.cfg zoolab.peerTransport); ZooKeeper's is TCP. */
  peerTransport: PeerTransportName;
  /** zoolab ensemble members' election strategy (zoolab.election); ZooKeeper runs FastLeaderElection. */
  election: ElectionName;
  /** More zoo.cfg keys, given to both servers. */
  extra: Record<string, string>;
  startTimeoutMs: number;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  tickTime: 2000,
  forceSync: true,
  snapCount: 100000,
  heapMb: 1024,
  storage: 'file',
  peerTransport: 'tcp',
  election: 'fle',
  extra: {},
  startTimeoutMs: 60_000,
};
