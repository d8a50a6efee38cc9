import { Subject, VirtualAction, VirtualTimeScheduler, type Subscription } from 'rxjs';
import type { QuorumServerSpec } from '../../lib/config/server-config';
import { SeededRandom, type Clock, type Random } from '../../lib/core';
import { createQuorumVerifier } from '../../lib/quorum/create-quorum-verifier';
import type { Election, ElectionEvent, ElectionFactory, ElectionOutcome, ElectionPacket } from '../../lib/quorum/election/election';
import { fastLeaderElection } from '../../lib/quorum/election/fast-leader-election-factory';
import type { QuorumVerifier } from '../../lib/quorum/quorum-verifier';
import { LearnerType, ServerState } from '../../lib/quorum/vote';

export interface SimNode {
  id: number;
  type?: 'participant' | 'observer';
  zxid?: bigint;
  epoch?: bigint;
}

export interface NetworkFaults {
  /** Chance that a message is lost. */
  drop?: number;
  /** Chance that a message is delivered twice. */
  duplicate?: number;
  /** Delivery delay range in ms. */
  latency?: [number, number];
  /**
   * Let a later message between the same pair overtake an earlier one. Off by default:
   * election connections are TCP, first in first out.
   */
  reorder?: boolean;
}

export interface SimOptions extends NetworkFaults {
  nodes: SimNode[];
  groups?: Map<number, number[]>;
  weights?: Map<number, number>;
  seed?: number;
  factory?: ElectionFactory;
  /**
   * Stand in for what ZAB does after an election (QuorumPeer's main loop): a follower
   * whose leader does not lead, and a leader without a quorum of followers, go back to
   * LOOKING after `checkMs`. Without it an election's outcome is final.
   */
  supervise?: { checkMs: number };
}

interface Peer {
  spec: SimNode;
  election: Election;
  inbound: Subject<ElectionPacket>;
  up: boolean;
  outcomes: { at: number; outcome: ElectionOutcome }[];
  events: ElectionEvent[];
  round: Subscription | null;
  check: Subscription | null;
}

export function serverSpecs(nodes: readonly SimNode[]): QuorumServerSpec[] {
  return nodes.map((n) => ({
    id: n.id,
    host: '127.0.0.1',
    quorumPort: 2888 + n.id,
    electionPort: 3888 + n.id,
    type: n.type ?? 'participant',
  }));
}

/**
 * A tiny deterministic ensemble for election tests: every node's election runs on one
 * RxJS VirtualTimeScheduler, and a router between them delivers packets after a seeded
 * random delay, dropping, duplicating or reordering some if told. Like QuorumCnxManager,
 * it keeps the last message for a node that is down and delivers it when the node comes up.
 */
export class ElectionSim {
  readonly scheduler = new VirtualTimeScheduler(VirtualAction, 0);
  readonly verifier: QuorumVerifier;
  readonly random: Random;
  readonly peers = new Map<number, Peer>();
  faults: Required<NetworkFaults>;
  /**
   * QuorumCnxManager keeps the last message for a peer it cannot reach (a queue of one)
   * and sends it once the connection is up: by `from>to`.
   */
  private readonly heldForDown = new Map<string, { from: number; to: number; data: Buffer }>();
  /** When the last message of each `from>to` pair lands, to keep pairs FIFO. */
  private readonly lastArrival = new Map<string, number>();
  sent = 0;
  delivered = 0;
  /** Rounds started after a first one (re-elections). */
  relooks = 0;
  lastRelookAt = -1;
  private readonly supervise: { checkMs: number } | null;

  constructor(opts: SimOptions) {
    this.random = new SeededRandom(opts.seed ?? 1);
    this.supervise = opts.supervise ?? null;
    this.faults = { drop: opts.drop ?? 0, duplicate: opts.duplicate ?? 0, latency: opts.latency ?? [1, 5], reorder: opts.reorder ?? false };
    this.verifier = createQuorumVerifier({
      servers: serverSpecs(opts.nodes),
      groups: opts.groups ?? new Map(),
      weights: opts.weights ?? new Map(),
    });
    const factory = opts.factory ?? fastLeaderElection();
    const clock = this.scheduler as Clock;
    for (const spec of opts.nodes) {
      const election = factory({
        myId: spec.id,
        learnerType: spec.type === 'observer' ? LearnerType.OBSERVER : LearnerType.PARTICIPANT,
        verifier: this.verifier,
        clock,
        random: this.random.fork(`node-${spec.id}`),
      });
      const peer: Peer = { spec, election, inbound: new Subject(), up: false, outcomes: [], events: [], round: null, check: null };
      election.connect(peer.inbound).subscribe((p) => this.route(spec.id, p));
      election.events$.subscribe((e) => peer.events.push(e));
      this.peers.set(spec.id, peer);
    }
  }

  get now(): number {
    return this.scheduler.now();
  }

  peer(id: number): Peer {
    const p = this.peers.get(id);
    if (!p) throw new Error(`no node ${id}`);
    return p;
  }

  /** Brings a node up at virtual time `at` and starts it looking. */
  startAt(id: number, at: number): void {
    this.scheduler.schedule(() => this.look(id), Math.max(0, at - this.now));
  }

  /** Starts a round on `id` now (bringing it up if it was down). */
  look(id: number): void {
    const p = this.peer(id);
    if (!p.up) {
      p.up = true;
      for (const [key, held] of [...this.heldForDown]) {
        if (held.to !== id || !this.peer(held.from).up) continue;
        this.heldForDown.delete(key);
        this.deliver(held.from, this.peer(id), held.data);
      }
    }
    if (p.round !== null) {
      this.relooks++;
      this.lastRelookAt = this.now;
    }
    p.round?.unsubscribe();
    p.check?.unsubscribe();
    p.round = p.election
      .lookForLeader({ lastLoggedZxid: p.spec.zxid ?? 0n, currentEpoch: p.spec.epoch ?? 0n })
      .subscribe((outcome) => {
        p.outcomes.push({ at: this.now, outcome });
        if (this.supervise) p.check = this.scheduler.schedule(() => this.checkRole(id), this.supervise.checkMs);
      });
  }

  /** Followers need a leading leader; leaders need a quorum of voters following them. */
  private checkRole(id: number): void {
    const p = this.peer(id);
    p.check = null;
    if (!p.up) return;
    const leaderId = Number(p.election.currentVote!.id);
    let ok: boolean;
    if (p.election.peerState === ServerState.LEADING) {
      const support = new Set<number>([id]);
      for (const [sid, q] of this.peers) {
        if (q.up && q.election.peerState === ServerState.FOLLOWING && Number(q.election.currentVote?.id) === id) support.add(sid);
      }
      ok = this.verifier.containsQuorum(new Set([...support].filter((s) => this.verifier.getVotingMembers().has(s))));
    } else {
      const l = this.peers.get(leaderId);
      ok = l !== undefined && l.up && l.election.peerState === ServerState.LEADING;
    }
    if (ok) p.check = this.scheduler.schedule(() => this.checkRole(id), this.supervise!.checkMs);
    else this.look(id);
  }

  /** Takes a node off the network: it neither sends nor receives. */
  crash(id: number): void {
    const p = this.peer(id);
    p.up = false;
    p.round?.unsubscribe();
    p.round = null;
    p.check?.unsubscribe();
    p.check = null;
  }

  /** Runs virtual time forward by `ms`. */
  runFor(ms: number): void {
    this.scheduler.maxFrames = this.now + ms;
    this.scheduler.flush();
    this.scheduler.frame = this.scheduler.maxFrames;
  }

  /** Runs until every up node has an outcome of its latest round, or `limitMs` passes. */
  runUntilSettled(limitMs = 120_000, step = 50): boolean {
    const end = this.now + limitMs;
    while (this.now < end) {
      this.runFor(step);
      if (this.settled()) return true;
    }
    return this.settled();
  }

  /**
   * Runs until every up node has decided, they all follow one leader that leads, and no
   * node went back to LOOKING for `quietMs`.
   */
  runUntilStable(limitMs = 600_000, quietMs = 5_000, step = 100): boolean {
    const end = this.now + limitMs;
    while (this.now < end) {
      this.runFor(step);
      if (this.settled() && this.agreed() && this.now - this.lastRelookAt >= quietMs) return true;
    }
    return false;
  }

  /** All up nodes hold the same vote, and its leader is up and LEADING. */
  agreed(): boolean {
    const ups = [...this.peers.values()].filter((p) => p.up);
    const ids = new Set(ups.map((p) => p.election.currentVote?.id));
    if (ids.size !== 1) return false;
    const leader = this.peers.get(Number([...ids][0]));
    return leader !== undefined && leader.up && leader.election.peerState === ServerState.LEADING;
  }

  settled(): boolean {
    for (const p of this.peers.values()) {
      if (p.up && (p.round === null || !p.round.closed)) return false;
    }
    return true;
  }

  /** The latest outcome of each node that has one. */
  outcomes(): Map<number, ElectionOutcome> {
    const m = new Map<number, ElectionOutcome>();
    for (const [id, p] of this.peers) {
      const last = p.outcomes[p.outcomes.length - 1];
      if (last) m.set(id, last.outcome);
    }
    return m;
  }

  private route(from: number, p: ElectionPacket): void {
    this.sent++;
    if (!this.peer(from).up) return;
    const to = this.peers.get(p.sid);
    if (!to) return;
    if (!to.up) {
      this.heldForDown.set(`${from}>${p.sid}`, { from, to: p.sid, data: p.data });
      return;
    }
    if (this.random.next() < this.faults.drop) return;
    const copies = this.random.next() < this.faults.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) this.deliver(from, to, p.data);
  }

  private deliver(from: number, to: Peer, data: Buffer): void {
    const [lo, hi] = this.faults.latency;
    let at = this.now + lo + this.random.int(hi - lo + 1);
    if (!this.faults.reorder) {
      const key = `${from}>${to.spec.id}`;
      at = Math.max(at, this.lastArrival.get(key) ?? 0);
      this.lastArrival.set(key, at);
    }
    this.scheduler.schedule(() => {
      if (!to.up) return;
      this.delivered++;
      to.inbound.next({ sid: from, data });
    }, at - this.now);
  }
}

/** Every ordering of `items`. */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  const out: T[][] = [];
  items.forEach((x, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}
