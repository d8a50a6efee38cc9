import type { ContainerModule } from 'inversify';
import type { ServerConfig } from '../config/server-config';
import type { PurgeResult } from '../persistence/snapshot-purge';

/** What `zoolab log dump` needs from a storage plugin (storage-file's dumpTxnLog). */
export type TxnLogDumper = (
  target: string,
  opts: { out: (text: string) => void; timeZone?: string },
) => Promise<{ files: string[]; txns: number; tornTails: Array<{ file: string; offset: number; reason: string }> }>;

/** What `zoolab snapshot dump` needs (storage-file's dumpSnapshot, SnapshotFormatter's output). */
export type SnapshotDumper = (
  file: string,
  opts: { dumpData?: boolean; json?: boolean; timeZone?: string },
) => Promise<{ text: string; checksumValid: boolean }>;

/** What `zoolab purge` needs (storage-file's PurgeTxnLog). */
export type DataDirPurger = (dataDir: string, dataLogDir: string | null, retainCount: number) => Promise<PurgeResult>;

/**
 * What the composition root gives the `zoolab` program. lib/ never imports plugins/, so
 * the binary's entry point (plugins/cli.ts) chooses the plugins and passes them in here;
 * a program built without them can still parse, validate and print help.
 */
export interface CliContext {
  /** The plugin modules a standalone server runs with (transport, storage …) for a config. */
  serverPlugins?: (config: ServerConfig) => ContainerModule[];
  /**
   * The plugin modules an ensemble member runs with: what serverPlugins gives plus a
   * PEER_TRANSPORT (TCP, or UDP elections when zoo.cfg says zoolab.peerTransport=udp)
   * and the election strategy (zoolab.election).
   */
  quorumPlugins?: (config: ServerConfig) => ContainerModule[];
  /** Which plugins quorumPlugins chose for a config, by role, for the start-up log line. */
  describeQuorumPlugins?: (config: ServerConfig) => Record<string, string>;
  /** How `zoolab ensemble` starts `zoolab server` in a child process (default: this process's own command). */
  selfCommand?: () => { command: string; args: string[] };
  dumpTxnLog?: TxnLogDumper;
  dumpSnapshot?: SnapshotDumper;
  purge?: DataDirPurger;
  /** Where command output goes (default process.stdout / process.stderr); tests capture it. */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

let epipeHandled = false;

/** The context's output, or the process's (where a closed pipe, as `| head` leaves, ends the process quietly). */
export function outputOf(ctx: CliContext): { out: (text: string) => void; err: (text: string) => void } {
  if (!ctx.stdout && !epipeHandled) {
    epipeHandled = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  return {
    out: ctx.stdout ?? ((t) => void process.stdout.write(t)),
    err: ctx.stderr ?? ((t) => void process.stderr.write(t)),
  };
}

/** The plugin-provided function a command needs, or an error saying to run the binary that wires it. */
export function required<T>(fn: T | undefined, what: string): T {
  if (fn === undefined) throw new Error(`this entry point wires no ${what}: run the zoolab binary (dist/plugins/cli.js), which does`);
  return fn;
}
