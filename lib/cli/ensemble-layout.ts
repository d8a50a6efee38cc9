import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';

/** What `zoolab ensemble` was asked for, checked. */
export interface EnsembleRequest {
  /** Voting servers: server.1 … server.nodes. */
  nodes: number;
  /** Observers after them: server.nodes+1 … (they follow but do not vote). */
  observers: number;
  host: string;
  /** server.i serves clients on basePort + i − 1. */
  basePort: number;
  quorumBasePort: number;
  electionBasePort: number;
  transport: 'tcp' | 'udp';
  tickTime: number;
  initLimit: number;
  syncLimit: number;
  /** Extra zoo.cfg lines for every server (from -D key=value). */
  extra: Array<[string, string]>;
}

export interface EnsembleMember {
  id: number;
  /** An observer (peerType=observer, ":observer" in every server.N line). */
  observer: boolean;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  /** This server's dataDir: myid, zoo.cfg, its txn log and snapshots, its log file. */
  dir: string;
  configFile: string;
  logFile: string;
}

export const MAX_ENSEMBLE_NODES = 15;

/** An integer option in [min, max], or commander's error naming the flag. */
export function intOption(flag: string, min: number, max: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${max}, not "${v}"`);
    }
    return n;
  };
}

/**
 * Where each server of a local ensemble listens and keeps its data. Ports run in three
 * blocks (client, quorum, election), server.i at offset i − 1 in each; by default the
 * quorum and election blocks sit 707 and 1707 above the client block, which gives
 * ZooKeeper's familiar 2181 / 2888 / 3888 for the first server.
 */
export function planEnsemble(req: EnsembleRequest, dataDir: string): EnsembleMember[] {
  const members: EnsembleMember[] = [];
  const total = req.nodes + req.observers;
  if (total > MAX_ENSEMBLE_NODES) throw new InvalidArgumentError(`--nodes plus --observers is ${total}; at most ${MAX_ENSEMBLE_NODES} servers`);
  for (let id = 1; id <= total; id++) {
    const dir = join(dataDir, `server.${id}`);
    members.push({
      id,
      observer: id > req.nodes,
      clientPort: req.basePort + id - 1,
      quorumPort: req.quorumBasePort + id - 1,
      electionPort: req.electionBasePort + id - 1,
      dir,
      configFile: join(dir, 'zoo.cfg'),
      logFile: join(dir, 'zoolab.log'),
    });
  }
  const seen = new Map<number, string>();
  for (const m of members) {
    for (const [port, what] of [
      [m.clientPort, `server.${m.id} client port`],
      [m.quorumPort, `server.${m.id} quorum port`],
      [m.electionPort, `server.${m.id} election port`],
    ] as const) {
      if (port < 1 || port > 65535) throw new InvalidArgumentError(`${what} would be ${port}: choose base ports so every port is 1..65535`);
      const other = seen.get(port);
      if (other) throw new InvalidArgumentError(`${what} and ${other} would both be ${port}: choose base ports further apart`);
      seen.set(port, what);
    }
  }
  return members;
}

/** server.i's zoo.cfg: the ensemble's server.N lines, its own client port and dataDir. */
export function zooCfgFor(req: EnsembleRequest, members: readonly EnsembleMember[], me: EnsembleMember): string {
  const lines = [
    `# written by zoolab ensemble for server.${me.id}`,
    `tickTime=${req.tickTime}`,
    `initLimit=${req.initLimit}`,
    `syncLimit=${req.syncLimit}`,
    `dataDir=${me.dir}`,
    `clientPort=${me.clientPort}`,
    `clientPortAddress=${req.host}`,
    '4lw.commands.whitelist=*',
    `zoolab.peerTransport=${req.transport}`,
    ...(me.observer ? ['peerType=observer'] : []),
    ...req.extra.map(([k, v]) => `${k}=${v}`),
    ...members.map((m) => `server.${m.id}=${req.host}:${m.quorumPort}:${m.electionPort}${m.observer ? ':observer' : ''};${req.host}:${m.clientPort}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** host:port,… of every server's client port. */
export function connectStringOf(req: EnsembleRequest, members: readonly EnsembleMember[]): string {
  return members.map((m) => `${req.host.includes(':') ? `[${req.host}]` : req.host}:${m.clientPort}`).join(',');
}
