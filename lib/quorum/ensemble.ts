import 'reflect-metadata';
import { combineLatest, map, type Observable } from 'rxjs';
import type { Container, ContainerModule } from 'inversify';
import { CLOCK } from '../core/clock';
import { createNodeContainer } from '../core/container';
import { LOGGER, silentLogger, type Logger } from '../core/logger';
import { RANDOM, SeededRandom, type Random } from '../core/random';
import { defaultServerConfig, SERVER_CONFIG, type QuorumServerSpec, type ServerConfig } from '../config/server-config';
import { EPOCH_STORE } from '../persistence/epoch-store';
import { DATA_PURGER } from '../persistence/snapshot-purge';
import { SNAPSHOT_STORE } from '../persistence/snapshot-store';
import { TXN_LOG } from '../persistence/txn-log';
import { FourLetterWords } from '../server/four-letter-words';
import { CLIENT_TRANSPORT } from '../transport/client-transport';
import { PEER_TRANSPORT } from '../transport/peer-transport';
import { ELECTION_FACTORY, type ElectionFactory } from './election/election';
import { fastLeaderElection } from './election/fast-leader-election-factory';
import { quorumFourLetterContext } from './quorum-four-letter-words';
import { QuorumPeer, type QuorumPeerOptions } from './quorum-peer';
import { ServerState } from './vote';

export interface EnsembleNodeSpec {
  id: number;
  type?: 'participant' | 'observer';
}

export interface InProcessEnsembleOptions {
  /** How many voting servers (ids 1..n), or each server's id and type. */
  nodes: number | readonly EnsembleNodeSpec[];
  /**
   * The shared world every node's container inherits: CLOCK, PEER_TRANSPORT and
   * CLIENT_TRANSPORT must be bound (RANDOM and LOGGER may be). lib/ picks no plugin:
   * plugins/ensemble.ts builds one.
   */
  world: Container;
  /** Storage for server `id` (TXN_LOG, SNAPSHOT_STORE, EPOCH_STORE): called at each (re)start. */
  storage: (id: number) => ContainerModule[];
  /** Binds ELECTION_FACTORY in each node (default: FastLeaderElection). */
  election?: ContainerModule;
  /** Settings every node shares (tickTime, initLimit, syncLimit …). */
  config?: Partial<ServerConfig>;
  /** Host in server.N lines and for the client ports (default 127.0.0.1). */
  host?: string;
  /** quorumPort / electionPort / clientPort of server `id` (defaults: 12000+id, 13000+id, 0). */
  ports?: (id: number) => { quorumPort: number; electionPort: number; clientPort?: number };
  logger?: (id: number) => Logger;
  /** Extra QuorumPeer options (commitLogCount, txnLogSyncLimit …). */
  peer?: Partial<Pick<QuorumPeerOptions, 'commitLogCount' | 'txnLogSyncLimit' | 'forceSnapSync' | 'server'>>;
}

/** One server of an in-process ensemble. */
export interface EnsembleNode {
  readonly id: number;
  readonly peer: QuorumPeer;
  readonly container: Container;
  readonly state$: Observable<ServerState>;
  /** The client port actually bound. */
  readonly clientAddress: { host: string; port: number };
}

/**
 * A whole ensemble in one process: a container per server under the shared world, each
 * running a QuorumPeer. Servers can be stopped and started again on the same storage.
 */
export class InProcessEnsemble {
  readonly nodes = new Map<number, EnsembleNode>();
  readonly servers: QuorumServerSpec[];
  private readonly config: ServerConfig;

  constructor(private readonly opts: InProcessEnsembleOptions) {
    const specs: EnsembleNodeSpec[] =
      typeof opts.nodes === 'number' ? Array.from({ length: opts.nodes }, (_, i) => ({ id: i + 1 })) : [...opts.nodes];
    const host = opts.host ?? '127.0.0.1';
    const ports = opts.ports ?? ((id: number) => ({ quorumPort: 12000 + id, electionPort: 13000 + id, clientPort: 0 }));
    this.servers = specs.map((s) => {
      const p = ports(s.id);
      return { id: s.id, host, quorumPort: p.quorumPort, electionPort: p.electionPort, type: s.type ?? 'participant', clientPort: p.clientPort };
    });
    this.config = { ...defaultServerConfig(), tickTime: 200, initLimit: 10, syncLimit: 5, ...opts.config, servers: this.servers };
  }

  get ids(): number[] {
    return this.servers.map((s) => s.id);
  }

  /** Starts every server; when one fails, those already running are stopped before it throws. */
  async start(): Promise<this> {
    try {
      for (const id of this.ids) await this.startNode(id);
    } catch (e) {
      // Left running, they would keep their ports and timers, and their process alive.
      await this.close().catch(() => undefined);
      throw e;
    }
    return this;
  }

  /** Starts (or restarts, on the storage `opts.storage(id)` gives) one server. */
  async startNode(id: number): Promise<EnsembleNode> {
    const spec = this.servers.find((s) => s.id === id);
    if (!spec) throw new Error(`server ${id} is not in the ensemble`);
    if (this.nodes.has(id)) throw new Error(`server ${id} is running`);
    const config: ServerConfig = {
      ...this.config,
      serverId: id,
      peerType: spec.type,
      clientPort: spec.clientPort ?? 0,
      clientPortAddress: spec.host,
    };
    const world = this.opts.world;
    const logger = this.opts.logger?.(id) ?? (world.isBound(LOGGER) ? world.get(LOGGER).child({ server: id }) : silentLogger);
    const baseRandom: Random = world.isBound(RANDOM) ? world.get(RANDOM) : new SeededRandom(1);
    const container = createNodeContainer({
      config,
      configToken: SERVER_CONFIG as symbol,
      parent: world,
      plugins: [...this.opts.storage(id), ...(this.opts.election ? [this.opts.election] : [])],
      random: baseRandom.fork(`server.${id}`),
      logger,
    });
    const election: ElectionFactory = container.isBound(ELECTION_FACTORY) ? container.get(ELECTION_FACTORY) : fastLeaderElection();
    const whitelist = config.fourLetterWordWhitelist;
    const peer = new QuorumPeer({
      config,
      clock: container.get(CLOCK),
      logger,
      random: container.get(RANDOM),
      transport: container.get(PEER_TRANSPORT),
      clientTransport: container.get(CLIENT_TRANSPORT),
      txnLog: await container.getAsync(TXN_LOG),
      snapshots: container.isBound(SNAPSHOT_STORE) ? await container.getAsync(SNAPSHOT_STORE) : null,
      purger: container.isBound(DATA_PURGER) ? await container.getAsync(DATA_PURGER) : undefined,
      epochs: await container.getAsync(EPOCH_STORE),
      election,
      fourLetterWords: (p) => new FourLetterWords({ whitelist, contextFor: (s) => quorumFourLetterContext(p, s) }),
      ...this.opts.peer,
    });
    await peer.start();
    const node: EnsembleNode = { id, peer, container, state$: peer.state$, clientAddress: peer.clientPort.address! };
    this.nodes.set(id, node);
    return node;
  }

  /** Stops one server (its storage stays for a restart). */
  async stopNode(id: number): Promise<void> {
    const n = this.nodes.get(id);
    if (!n) return;
    this.nodes.delete(id);
    await n.peer.stop();
  }

  peer(id: number): QuorumPeer {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`server ${id} is not running`);
    return n.peer;
  }

  /** Every running server's state, as it changes. */
  states$(): Observable<Map<number, ServerState>> {
    const nodes = [...this.nodes.values()];
    return combineLatest(nodes.map((n) => n.state$)).pipe(map((states) => new Map(nodes.map((n, i) => [n.id, states[i]]))));
  }

  /** The running servers that currently lead and serve. */
  leaders(): QuorumPeer[] {
    return [...this.nodes.values()].map((n) => n.peer).filter((p) => p.peerState === ServerState.LEADING && p.zabState === 'BROADCAST');
  }

  /** True when one server leads and every other running one serves with it. */
  isServing(): boolean {
    const peers = [...this.nodes.values()].map((n) => n.peer);
    const leaders = this.leaders();
    if (leaders.length !== 1) return false;
    const leaderId = leaders[0].myId;
    return peers.every((p) => p.myId === leaderId || (p.zabState === 'BROADCAST' && p.leaderId === leaderId && p.zooKeeperServer !== null));
  }

  /** host:port,host:port… of the running servers' client ports. */
  connectString(): string {
    return [...this.nodes.values()].map((n) => `${n.clientAddress.host}:${n.clientAddress.port}`).join(',');
  }

  async close(): Promise<void> {
    for (const id of [...this.nodes.keys()]) await this.stopNode(id);
  }
}
