import { spawn, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import type { Subscription } from 'rxjs';
import { after, every, type Clock } from '../core/clock';
import { zooCfgFor, type EnsembleMember, type EnsembleRequest } from './ensemble-layout';

export type MemberMode = 'leader' | 'follower' | 'observer' | 'standalone' | 'not serving' | 'down';

interface Child {
  member: EnsembleMember;
  proc: ChildProcess | null;
  exited: Promise<void>;
  mode: MemberMode;
  /** Set while stopping, so an exit is expected. */
  stopping: boolean;
}

export interface SupervisorOptions {
  req: EnsembleRequest;
  members: EnsembleMember[];
  /** How to run `zoolab`: this program's own command line, normally. */
  command: { command: string; args: string[] };
  logLevel: string;
  clock: Clock;
  out: (text: string) => void;
  /** Start a server again when it exits while the ensemble runs. */
  restart: boolean;
  pollMs?: number;
}

/** Which of the given ports something else already listens on (TCP, or UDP for a UDP election). */
export async function busyPorts(req: EnsembleRequest, members: readonly EnsembleMember[]): Promise<string[]> {
  const busy: string[] = [];
  for (const m of members) {
    const checks: Array<[number, 'tcp' | 'udp', string]> = [
      [m.clientPort, 'tcp', 'client'],
      [m.quorumPort, 'tcp', 'quorum'],
      [m.electionPort, req.transport, 'election'],
    ];
    for (const [port, proto, what] of checks) {
      if (!(await portFree(req.host, port, proto))) busy.push(`${port}/${proto} (server.${m.id} ${what} port)`);
    }
  }
  return busy;
}

function portFree(host: string, port: number, proto: 'tcp' | 'udp'): Promise<boolean> {
  return new Promise((resolve) => {
    if (proto === 'udp') {
      const s = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
      s.once('error', () => resolve(false));
      s.bind(port, host, () => s.close(() => resolve(true)));
      return;
    }
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** The Mode line of a `srvr` answer, or why there is none. */
export function modeOf(srvr: string | null): MemberMode {
  if (srvr === null) return 'down';
  const m = /^Mode: (\w+)/m.exec(srvr);
  if (!m) return 'not serving';
  const mode = m[1] as MemberMode;
  return ['leader', 'follower', 'observer', 'standalone'].includes(mode) ? mode : 'not serving';
}

/** Asks a four-letter word; null when nothing answers within `timeoutMs`. */
export function fourLetterWord(clock: Clock, host: string, port: number, word: string, timeoutMs = 1000): Promise<string | null> {
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const s = net.connect({ host, port }, () => s.end(word));
    const done = (v: string | null) => {
      if (settled) return;
      settled = true;
      timer.unsubscribe();
      s.destroy();
      resolve(v);
    };
    const timer = after(clock, timeoutMs, () => done(null));
    s.on('data', (d) => (out += d.toString()));
    s.on('end', () => done(out));
    s.on('error', () => done(null));
  });
}

/** "leader: server.2 (followers: server.1, server.3)", with whoever is not serving. */
export function describeModes(modes: ReadonlyArray<readonly [number, MemberMode]>): string {
  const by = (mode: MemberMode) => modes.filter(([, m]) => m === mode).map(([id]) => `server.${id}`);
  const leaders = by('leader');
  const standalone = by('standalone');
  const rest = [
    by('follower').length ? `followers: ${by('follower').join(', ')}` : '',
    by('observer').length ? `observers: ${by('observer').join(', ')}` : '',
    by('not serving').length ? `not serving: ${by('not serving').join(', ')}` : '',
    by('down').length ? `down: ${by('down').join(', ')}` : '',
  ].filter(Boolean);
  const head =
    leaders.length === 1
      ? `leader: ${leaders[0]}`
      : standalone.length
        ? `standalone: ${standalone.join(', ')}`
        : leaders.length === 0
          ? 'no leader'
          : `leaders?: ${leaders.join(', ')}`;
  return rest.length ? `${head} (${rest.join('; ')})` : head;
}

/**
 * Runs a local ensemble as one `zoolab server zoo.cfg` child per server, each with an IPC
 * channel so it stops when this process goes away however it ends; says who leads as it
 * changes (polling `srvr`); stops them all on request.
 */
export class EnsembleSupervisor {
  private readonly children: Child[];
  private poller: Subscription | null = null;
  private polling = false;
  private lastReport = '';
  private stopped = false;

  constructor(private readonly opts: SupervisorOptions) {
    this.children = opts.members.map((member) => ({ member, proc: null, exited: Promise.resolve(), mode: 'down', stopping: false }));
  }

  /** Writes every server's myid and zoo.cfg, then starts them. */
  start(): void {
    for (const c of this.children) {
      mkdirSync(c.member.dir, { recursive: true });
      writeFileSync(`${c.member.dir}/myid`, `${c.member.id}\n`);
      writeFileSync(c.member.configFile, zooCfgFor(this.opts.req, this.opts.members, c.member));
    }
    for (const c of this.children) this.spawn(c);
    this.poller = every(this.opts.clock, this.opts.pollMs ?? 1000, () => void this.poll());
  }

  get pids(): Map<number, number | undefined> {
    return new Map(this.children.map((c) => [c.member.id, c.proc?.pid]));
  }

  private spawn(c: Child): void {
    const m = c.member;
    const log = openSync(m.logFile, 'a');
    const { command, args } = this.opts.command;
    const proc = spawn(command, [...args, 'server', m.configFile, '--log-level', this.opts.logLevel], {
      stdio: ['ignore', log, log, 'ipc'],
      env: { ...process.env, ZOOLAB_ENSEMBLE_MEMBER: String(m.id) },
    });
    closeSync(log);
    c.proc = proc;
    c.stopping = false;
    this.opts.out(`server.${m.id} started: pid ${proc.pid}\n`);
    c.exited = new Promise<void>((resolve) => {
      proc.once('exit', (code, signal) => {
        if (c.proc === proc) c.mode = 'down';
        if (!c.stopping && !this.stopped) {
          this.opts.out(`server.${m.id} (pid ${proc.pid}) exited: ${signal ? `signal ${signal}` : `code ${code}`}; see ${m.logFile}\n`);
          if (this.opts.restart) after(this.opts.clock, 1000, () => !this.stopped && c.proc === proc && this.spawn(c));
        }
        resolve();
      });
      proc.once('error', (err) => {
        this.opts.out(`server.${m.id} could not start: ${err.message}\n`);
        resolve();
      });
    });
    // The IPC channel only tells the child when we are gone; nothing is sent on it.
    proc.channel?.unref();
  }

  /** Asks each server its Mode; reports when who leads (or who serves) changes. */
  async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      const host = this.opts.req.host;
      const answers = await Promise.all(
        this.children.map((c) => (c.proc && c.proc.exitCode === null ? fourLetterWord(this.opts.clock, host, c.member.clientPort, 'srvr') : Promise.resolve(null))),
      );
      if (this.stopped) return;
      answers.forEach((a, i) => (this.children[i].mode = modeOf(a)));
      const report = this.describe();
      if (report !== this.lastReport) {
        this.lastReport = report;
        this.opts.out(`${report}\n`);
      }
    } finally {
      this.polling = false;
    }
  }

  describe(): string {
    return describeModes(this.children.map((c) => [c.member.id, c.mode]));
  }

  /** SIGTERM to every server, SIGKILL to those still up after `graceMs`; resolves when all are gone. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    this.poller?.unsubscribe();
    const alive = this.children.filter((c) => c.proc && c.proc.exitCode === null && c.proc.signalCode === null);
    for (const c of alive) {
      c.stopping = true;
      c.proc!.kill('SIGTERM');
    }
    const kill = after(this.opts.clock, graceMs, () => this.kill());
    await Promise.all(this.children.map((c) => c.exited));
    kill.unsubscribe();
  }

  /** SIGKILL to every server still running. */
  kill(): void {
    this.stopped = true;
    for (const c of this.children) {
      if (c.proc && c.proc.exitCode === null && c.proc.signalCode === null) {
        c.stopping = true;
        c.proc.kill('SIGKILL');
      }
    }
  }

  /** True once no server runs (they all exited by themselves). */
  allDown(): boolean {
    return this.children.every((c) => !c.proc || c.proc.exitCode !== null || c.proc.signalCode !== null);
  }
}
