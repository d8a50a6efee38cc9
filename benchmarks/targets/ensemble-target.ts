import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fourLetterWord, freePort, killGroup, processCpuMs, processRssMb, versionLine, waitForServing } from './process-util';
import type { ServerSettings, Target } from './target';

/**
 * A replicated ensemble of N server processes on this machine, each with its own zoo.cfg
 * (server.N lines, myid, 127.0.0.1, distinct free ports) and dataDir. What differs
 * between zoolab and Apache ZooKeeper is only how one member is launched (a
 * MemberLauncher); the suite starts, kills and restarts members through this class, so
 * both sides of every election and failover number are made the same way.
 */
export interface MemberLauncher {
  readonly kind: 'zoolab' | 'zookeeper';
  /** Why this side cannot run here, or null. */
  missing(): string | null;
  /** zoo.cfg keys only this side needs (its log level, its own transport choice …). */
  extraConfig(s: ServerSettings): Record<string, string | number>;
  /** The command that runs one member from its zoo.cfg. */
  command(cfgPath: string, settings: ServerSettings): { file: string; args: string[] };
  /** What the report states about how each member ran. */
  describe(settings: ServerSettings): Record<string, string>;
}

export interface MemberPorts {
  client: number;
  quorum: number;
  election: number;
}

/** Ensemble timing settings both sides get (ZooKeeper's defaults unless told). */
export interface EnsembleSettings {
  initLimit: number;
  syncLimit: number;
}

export const DEFAULT_ENSEMBLE_SETTINGS: EnsembleSettings = { initLimit: 10, syncLimit: 5 };

interface Running {
  proc: ChildProcess;
  exited: Promise<void>;
  /** performance.now() just before spawn. */
  spawnedAt: number;
  exit: string | null;
}

const HOST = '127.0.0.1';

export class ProcessEnsemble {
  readonly ids: number[];
  readonly host = HOST;
  private readonly running = new Map<number, Running>();
  /** Ctrl-C or a crash of the suite: no member and no temp dir is left behind. */
  private readonly onParentExit = (): void => {
    for (const r of this.running.values()) killGroup(r.proc.pid, 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  };
  private closed = false;

  private constructor(
    readonly launcher: MemberLauncher,
    readonly nodes: number,
    readonly settings: ServerSettings,
    readonly ensemble: EnsembleSettings,
    readonly dir: string,
    readonly ports: ReadonlyMap<number, MemberPorts>,
  ) {
    this.ids = [...ports.keys()];
    process.on('exit', this.onParentExit);
  }

  /** Picks ports and writes every member's zoo.cfg and myid; starts nothing. */
  static async create(launcher: MemberLauncher, nodes: number, settings: ServerSettings, ensemble = DEFAULT_ENSEMBLE_SETTINGS): Promise<ProcessEnsemble> {
    const missing = launcher.missing();
    if (missing) throw new Error(missing);
    const taken = new Set<number>();
    const fresh = async (): Promise<number> => {
      for (;;) {
        const p = await freePort(HOST);
        if (!taken.has(p)) return taken.add(p), p;
      }
    };
    const ports = new Map<number, MemberPorts>();
    for (let id = 1; id <= nodes; id++) ports.set(id, { client: await fresh(), quorum: await fresh(), election: await fresh() });
    const dir = mkdtempSync(join(tmpdir(), `zoolab-bench-${launcher.kind}-x${nodes}-`));
    const e = new ProcessEnsemble(launcher, nodes, settings, ensemble, dir, ports);
    for (const id of e.ids) e.writeConfig(id);
    return e;
  }

  memberDir(id: number): string {
    return join(this.dir, `server.${id}`);
  }

  dataDir(id: number): string {
    return join(this.memberDir(id), 'data');
  }

  /** The zoo.cfg both sides read: the same keys, plus what one side alone needs. */
  private writeConfig(id: number): void {
    const s = this.settings;
    const p = this.ports.get(id)!;
    const cfg: Record<string, string | number> = {
      tickTime: s.tickTime,
      initLimit: this.ensemble.initLimit,
      syncLimit: this.ensemble.syncLimit,
      dataDir: this.dataDir(id),
      clientPort: p.client,
      clientPortAddress: HOST,
      maxClientCnxns: 0,
      snapCount: s.snapCount,
      forceSync: s.forceSync ? 'yes' : 'no',
      '4lw.commands.whitelist': '*',
      'admin.enableServer': 'false',
      ...this.launcher.extraConfig(s),
      ...s.extra,
    };
    const servers = this.ids.map((i) => `server.${i}=${HOST}:${this.ports.get(i)!.quorum}:${this.ports.get(i)!.election};${HOST}:${this.ports.get(i)!.client}`);
    mkdirSync(this.dataDir(id), { recursive: true });
    writeFileSync(join(this.dataDir(id), 'myid'), `${id}\n`);
    writeFileSync(this.cfgPath(id), [...Object.entries(cfg).map(([k, v]) => `${k}=${v}`), ...servers].join('\n') + '\n');
  }

  private cfgPath(id: number): string {
    return join(this.memberDir(id), 'zoo.cfg');
  }

  private logPath(id: number): string {
    return join(this.memberDir(id), 'server.log');
  }

  logTail(id: number, lines = 20): string {
    try {
      return readFileSync(this.logPath(id), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Spawns one member; returns performance.now() taken just before the spawn. */
  start(id: number): number {
    if (this.closed) throw new Error('the ensemble is closed');
    if (this.running.has(id)) throw new Error(`server.${id} is running`);
    const { file, args } = this.launcher.command(this.cfgPath(id), this.settings);
    const log = openSync(this.logPath(id), 'a');
    const spawnedAt = performance.now();
    const proc = spawn(file, args, { cwd: this.memberDir(id), detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    const r: Running = { proc, spawnedAt, exit: null, exited: Promise.resolve() };
    r.exited = new Promise<void>((resolve) => {
      proc.once('exit', (code, signal) => {
        r.exit = `server.${id} exited (code ${code}, signal ${signal})`;
        resolve();
      });
    });
    proc.once('error', (e) => (r.exit = `cannot start server.${id}: ${e.message}`));
    this.running.set(id, r);
    return spawnedAt;
  }

  /** Spawns every member back to back; returns the time just before the first spawn. */
  startAll(): number {
    const t0 = performance.now();
    for (const id of this.ids) this.start(id);
    return t0;
  }

  isRunning(id: number): boolean {
    const r = this.running.get(id);
    return r !== undefined && r.exit === null;
  }

  runningIds(): number[] {
    return this.ids.filter((id) => this.isRunning(id));
  }

  pid(id: number): number | null {
    return this.running.get(id)?.proc.pid ?? null;
  }

  pids(): number[] {
    return this.runningIds().flatMap((id) => this.pid(id) ?? []);
  }

  /** Why a member stopped, or null while it runs. */
  exitOf(id: number): string | null {
    return this.running.get(id)?.exit ?? null;
  }

  /** Signals one member and waits until it is gone; returns performance.now() just before the signal. */
  async kill(id: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<number> {
    const r = this.running.get(id);
    const at = performance.now();
    if (!r) return at;
    this.running.delete(id);
    if (r.exit === null) killGroup(r.proc.pid, signal);
    await Promise.race([r.exited, new Promise((res) => setTimeout(res, 10_000).unref())]);
    return at;
  }

  /** The member's Mode from `srvr` ('leader', 'follower', …), 'down', or 'none' (not serving). */
  async mode(id: number, timeoutMs = 1000): Promise<string> {
    if (!this.isRunning(id)) return 'down';
    try {
      return /^Mode: (\S+)/m.exec(await fourLetterWord(HOST, this.ports.get(id)!.client, 'srvr', timeoutMs))?.[1] ?? 'none';
    } catch {
      return 'none';
    }
  }

  /** The one running member that leads while every other running member follows, or null. */
  async settledLeader(): Promise<number | null> {
    const up = this.runningIds();
    const modes = await Promise.all(up.map((id) => this.mode(id)));
    const leaders = up.filter((_, i) => modes[i] === 'leader');
    return leaders.length === 1 && modes.every((m) => m === 'leader' || m === 'follower') ? leaders[0] : null;
  }

  /** Waits until one member leads and every other running one follows. */
  async waitSettled(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const dead = this.ids.filter((id) => this.running.has(id) && this.exitOf(id));
      if (dead.length > 0) throw new Error(`${this.exitOf(dead[0])}\n${this.logTail(dead[0])}`);
      const leader = await this.settledLeader();
      if (leader !== null) return leader;
      if (performance.now() > deadline) {
        const modes = await Promise.all(this.ids.map(async (id) => `server.${id}=${await this.mode(id)}`));
        throw new Error(`${this.launcher.kind} ×${this.nodes} did not settle on a leader within ${timeoutMs} ms (${modes.join(', ')})`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** CPU time of every running member, summed (ms), or null off Linux. */
  cpuMs(): number | null {
    return this.sumOverMembers(processCpuMs);
  }

  /** Resident memory of every running member, summed (MB), or null off Linux. */
  rssMb(): number | null {
    return this.sumOverMembers(processRssMb);
  }

  private sumOverMembers(read: (pid: number) => number | null): number | null {
    let total = 0;
    for (const pid of this.pids()) {
      const v = read(pid);
      if (v === null) return null;
      total += v;
    }
    return total;
  }

  /** Kills every member and removes the directory (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.running.keys()].map((id) => this.kill(id)));
    process.off('exit', this.onParentExit);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A started, settled ensemble as a load target: sessions spread over every member, the
 * server CPU summed over every member, fixtures created through the first member.
 */
export async function openEnsembleTarget(e: ProcessEnsemble, startTimeoutMs: number): Promise<Target> {
  e.startAll();
  let srvr = '';
  try {
    for (const id of e.ids) {
      srvr = await waitForServing(HOST, e.ports.get(id)!.client, startTimeoutMs, () => (e.exitOf(id) ? `${e.exitOf(id)}\n${e.logTail(id)}` : null));
    }
    await e.waitSettled(startTimeoutMs);
  } catch (err) {
    await e.close();
    throw err;
  }
  const first = e.ports.get(e.ids[0])!;
  return {
    kind: e.launcher.kind,
    name: ensembleName(e.launcher.kind, e.nodes),
    host: HOST,
    port: first.client,
    servers: e.ids.map((id) => ({ host: HOST, port: e.ports.get(id)!.client })),
    pid: e.pid(e.ids[0]),
    cpuMs: () => e.cpuMs(),
    rssMb: () => e.rssMb(),
    dataDir: null,
    settings: {
      version: versionLine(srvr) ?? 'unknown',
      ...e.launcher.describe(e.settings),
      members: e.ids.map((id) => `server.${id} client ${HOST}:${e.ports.get(id)!.client}`).join(', '),
      'initLimit / syncLimit': `${e.ensemble.initLimit} / ${e.ensemble.syncLimit} ticks`,
    },
    stop: async () => {
      await e.close();
      return { cpuProfile: null };
    },
  };
}

export function ensembleName(kind: 'zoolab' | 'zookeeper', nodes: number): string {
  return `${kind}×${nodes}`;
}
