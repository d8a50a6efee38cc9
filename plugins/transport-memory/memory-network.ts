import { Observable, Subject } from 'rxjs';
import type { Clock } from '../../lib/core/clock';
import type { Random } from '../../lib/core/random';
import {
  formatPeerAddress,
  PeerTransportError,
  type ElectionChannel,
  type ElectionChannelOptions,
  type PeerAddress,
  type PeerTransport,
  type QuorumConnectOptions,
  type QuorumConnection,
  type QuorumListener,
  type QuorumListenOptions,
} from '../../lib/transport/peer-transport';
import { MemoryElectionChannel } from './memory-election';
import { MemoryStreamEnd } from './memory-stream';
import { NO_FAULTS, type ElectionMessageHook, type NetworkFaults } from './network-faults';

interface ListenerEntry {
  readonly node: number;
  readonly address: PeerAddress;
  readonly connections: Subject<QuorumConnection>;
  observed: number;
  open: boolean;
}

/** Counters a test can read to see what the network did. */
export interface NetworkStats {
  electionSent: number;
  electionDelivered: number;
  electionDropped: number;
  electionDuplicated: number;
  streamChunks: number;
  streamBytes: number;
  streamChunksLost: number;
  connects: number;
  connectsFailed: number;
}

/**
 * The simulated network of an in-process ensemble: every election message and every
 * quorum-connection chunk is an action on the shared clock, delayed, lost, duplicated or
 * reordered as `faults` say, from one seeded Random — so a run is a function of its seed.
 * Partitions cut links between groups of servers; `isolate` cuts one server off.
 */
export class MemoryNetwork {
  faults: NetworkFaults;
  /** Sees every election message first; may drop or delay it. */
  electionHook: ElectionMessageHook | null = null;
  readonly stats: NetworkStats = {
    electionSent: 0,
    electionDelivered: 0,
    electionDropped: 0,
    electionDuplicated: 0,
    streamChunks: 0,
    streamBytes: 0,
    streamChunksLost: 0,
    connects: 0,
    connectsFailed: 0,
  };
  private readonly elections = new Map<number, MemoryElectionChannel>();
  /** QuorumCnxManager's last message for a peer it cannot reach: by "from>to". */
  private readonly held = new Map<string, { from: number; to: number; data: Buffer }>();
  private readonly lastElectionArrival = new Map<string, number>();
  private readonly listeners = new Map<string, ListenerEntry>();
  private readonly streams = new Set<MemoryStreamEnd>();
  /** Server id → partition group; servers in different groups cannot talk. */
  private readonly groups = new Map<number, number>();
  private readonly cutLinks = new Set<string>();
  private nextPort = 30000;

  constructor(
    readonly clock: Clock,
    private readonly random: Random,
    faults: Partial<NetworkFaults> = {},
  ) {
    this.faults = { ...NO_FAULTS, ...faults };
  }

  /** This network as a PeerTransport (one instance serves every server). */
  readonly peerTransport: PeerTransport = {
    openElectionChannel: (opts) => this.openElection(opts),
    listenQuorum: (opts) => this.listen(opts),
    connectQuorum: (opts) => this.connect(opts),
  };

  // ---- topology ----

  canReach(a: number, b: number): boolean {
    if (a === b) return true;
    if (this.cutLinks.has(linkKey(a, b))) return false;
    return (this.groups.get(a) ?? 0) === (this.groups.get(b) ?? 0);
  }

  /** Splits the servers into groups that cannot reach each other (unlisted servers join group 0 with the first). */
  partition(groups: readonly (readonly number[])[]): void {
    this.groups.clear();
    groups.forEach((g, i) => g.forEach((id) => this.groups.set(id, i)));
    this.topologyChanged();
  }

  /** Cuts one server off from every other. */
  isolate(id: number): void {
    this.groups.set(id, -1 - id);
    this.topologyChanged();
  }

  /** Cuts (or restores) the link between two servers only. */
  cutLink(a: number, b: number, cut = true): void {
    if (cut) this.cutLinks.add(linkKey(a, b));
    else this.cutLinks.delete(linkKey(a, b));
    this.topologyChanged();
  }

  /** Every server can reach every other again; held election messages go out. */
  heal(): void {
    this.groups.clear();
    this.cutLinks.clear();
    this.topologyChanged();
  }

  private topologyChanged(): void {
    for (const s of this.streams) {
      if (!this.canReach(s.localNode, s.remoteNode)) {
        s.dead = true;
        s.peer.dead = true;
      }
    }
    for (const [key, h] of this.held) {
      if (this.canReach(h.from, h.to) && this.elections.has(h.to) && this.elections.has(h.from)) {
        this.held.delete(key);
        this.deliverElection(h.from, h.to, h.data, true);
      }
    }
  }

  // ---- election ----

  private async openElection(opts: ElectionChannelOptions): Promise<ElectionChannel> {
    const existing = this.elections.get(opts.myId);
    if (existing && !existing.closed) throw new PeerTransportError('EADDRINUSE', `server ${opts.myId} already has an election channel`);
    const ch = new MemoryElectionChannel(this, opts);
    this.elections.set(opts.myId, ch);
    // A peer that comes up gets what each reachable peer last tried to send it.
    for (const [key, h] of this.held) {
      if (h.to === opts.myId && this.elections.has(h.from) && this.canReach(h.from, h.to)) {
        this.held.delete(key);
        this.deliverElection(h.from, h.to, h.data, true);
      }
    }
    return ch;
  }

  /** @internal */
  closeElection(ch: MemoryElectionChannel): void {
    if (this.elections.get(ch.myId) === ch) this.elections.delete(ch.myId);
    // The sender's queues die with it.
    for (const [key, h] of this.held) if (h.from === ch.myId) this.held.delete(key);
  }

  /** @internal */
  sendElection(from: number, to: number, data: Buffer): void {
    this.stats.electionSent++;
    if (from === to) {
      this.clock.schedule(() => this.elections.get(to)?.deliver(from, data), 0);
      return;
    }
    if (!this.elections.has(to) || !this.canReach(from, to)) {
      this.held.set(`${from}>${to}`, { from, to, data });
      return;
    }
    this.held.delete(`${from}>${to}`);
    this.deliverElection(from, to, data, false);
  }

  private deliverElection(from: number, to: number, data: Buffer, resent: boolean): void {
    let extra = 0;
    if (this.electionHook) {
      const v = this.electionHook({ from, to, data, at: this.clock.now() });
      if (v === 'drop') {
        this.stats.electionDropped++;
        return;
      }
      if (v !== 'deliver') extra = v.delayMs;
    }
    if (!resent && this.random.next() < this.faults.drop) {
      this.stats.electionDropped++;
      return;
    }
    const copies = this.random.next() < this.faults.duplicate ? 2 : 1;
    if (copies === 2) this.stats.electionDuplicated++;
    for (let i = 0; i < copies; i++) {
      const at = this.arrival(`e${from}>${to}`, this.lastElectionArrival, extra, this.faults.reorder);
      this.clock.schedule(() => {
        const ch = this.elections.get(to);
        if (!ch || !this.canReach(from, to)) {
          this.stats.electionDropped++;
          return;
        }
        this.stats.electionDelivered++;
        ch.deliver(from, data);
      }, at - this.clock.now());
    }
  }

  private latency(): number {
    const [lo, hi] = this.faults.latency;
    return lo + (hi > lo ? this.random.int(hi - lo + 1) : 0);
  }

  /** When a message sent now arrives: after the latency, and (unless reordering) not before the pair's previous one. */
  private arrival(key: string, last: Map<string, number>, extra: number, reorder: boolean): number {
    let at = this.clock.now() + this.latency() + extra;
    if (!reorder) at = Math.max(at, last.get(key) ?? 0);
    last.set(key, Math.max(at, last.get(key) ?? 0));
    return at;
  }

  // ---- quorum connections ----

  private async listen(opts: QuorumListenOptions): Promise<QuorumListener> {
    let address = opts.address;
    if (address.port === 0) address = { host: address.host, port: this.nextPort++ };
    const key = formatPeerAddress(address);
    const old = this.listeners.get(key);
    if (old?.open) throw new PeerTransportError('EADDRINUSE', `${key} is already listening`);
    const entry: ListenerEntry = { node: opts.myId, address, connections: new Subject(), observed: 0, open: true };
    this.listeners.set(key, entry);
    const connections$ = new Subject<QuorumConnection>();
    entry.connections.subscribe(connections$);
    return {
      address,
      connections$: new Observable<QuorumConnection>((s) => {
        entry.observed++;
        const sub = connections$.subscribe(s);
        return () => {
          entry.observed--;
          sub.unsubscribe();
        };
      }),
      close: async () => {
        entry.open = false;
        if (this.listeners.get(key) === entry) this.listeners.delete(key);
        entry.connections.complete();
      },
    };
  }

  private connect(opts: QuorumConnectOptions): Promise<QuorumConnection> {
    this.stats.connects++;
    const key = formatPeerAddress(opts.address);
    return new Promise((resolve, reject) => {
      const fail = (code: 'ECONNREFUSED' | 'ETIMEDOUT', after: number): void => {
        this.stats.connectsFailed++;
        this.clock.schedule(() => reject(new PeerTransportError(code, `connect to ${key} from server ${opts.myId}`)), after);
      };
      const entry = this.listeners.get(key);
      if (entry && !this.canReach(opts.myId, entry.node)) return fail('ETIMEDOUT', opts.timeoutMs);
      const delay = this.latency();
      if (delay > opts.timeoutMs) return fail('ETIMEDOUT', opts.timeoutMs);
      this.clock.schedule(() => {
        const e = this.listeners.get(key);
        if (!e || !e.open) return fail('ECONNREFUSED', 0);
        if (!this.canReach(opts.myId, e.node)) return fail('ETIMEDOUT', Math.max(0, opts.timeoutMs - delay));
        const client = new MemoryStreamEnd(this, opts.myId, e.node, key);
        const server = new MemoryStreamEnd(this, e.node, opts.myId, `server.${opts.myId}`);
        client.peer = server;
        server.peer = client;
        this.streams.add(client);
        this.streams.add(server);
        if (e.observed === 0) {
          // Nobody accepts: the connection is reset.
          client.end(new PeerTransportError('ECONNRESET', `${key} accepted nobody`));
          this.forget(client);
        } else {
          e.connections.next(server);
        }
        resolve(client);
      }, delay);
    });
  }

  /** @internal */
  sendStream(from: MemoryStreamEnd, chunk: Buffer): void {
    this.stats.streamChunks++;
    this.stats.streamBytes += chunk.length;
    if (from.dead || !this.canReach(from.localNode, from.remoteNode)) {
      from.dead = true;
      from.peer.dead = true;
      this.stats.streamChunksLost++;
      return;
    }
    const at = Math.max(this.clock.now() + this.latency(), from.lastArrival);
    from.lastArrival = at;
    const to = from.peer;
    this.clock.schedule(() => {
      if (to.dead) {
        this.stats.streamChunksLost++;
        return;
      }
      to.receive(chunk);
    }, at - this.clock.now());
  }

  /**
   * @internal settles when what `from` has sent so far has arrived (a drained socket),
   * and on a later turn of the clock in any case, so a long stream lets other work run.
   */
  whenDelivered(from: MemoryStreamEnd): Promise<void> {
    const wait = from.dead ? 0 : Math.max(0, from.lastArrival - this.clock.now());
    return new Promise((resolve) => this.clock.schedule(() => resolve(), wait));
  }

  /** @internal one end closed: the other sees the end after the data already on its way. */
  closeStream(from: MemoryStreamEnd): void {
    const to = from.peer;
    if (from.dead) {
      this.forget(from);
      return;
    }
    const at = Math.max(this.clock.now() + this.latency(), from.lastArrival);
    this.clock.schedule(() => {
      if (!to.dead) to.end(null);
      this.forget(from);
    }, at - this.clock.now());
  }

  private forget(s: MemoryStreamEnd): void {
    this.streams.delete(s);
    this.streams.delete(s.peer);
  }

  /** Open connections (both ends counted once), for tests. */
  get openStreams(): number {
    return this.streams.size / 2;
  }
}

function linkKey(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}
