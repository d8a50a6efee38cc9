import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import { CLIENT_SOCKET_FACTORY } from '../lib/client/client-socket';
import { CLOCK, systemClock, type Clock } from '../lib/core/clock';
import { LOGGER, silentLogger, type Logger } from '../lib/core/logger';
import { RANDOM, SeededRandom } from '../lib/core/random';
import type { ServerConfig } from '../lib/config/server-config';
import { InProcessEnsemble, type EnsembleNodeSpec, type InProcessEnsembleOptions } from '../lib/quorum/ensemble';
import { CLIENT_TRANSPORT } from '../lib/transport/client-transport';
import { PEER_TRANSPORT, type PeerTransport } from '../lib/transport/peer-transport';
import type { FileIO } from '../lib/persistence/file-io';
import { nodeFileIO, storageFileModule } from './storage-file';
import { trackedFileIO } from './tracked-file-io';
import { MemoryEpochStore, MemorySnapshotStore, MemoryTxnLog, storageMemoryModule } from './storage-memory';
import { MemoryClientNetwork, MemoryNetwork, SimulationClock, type NetworkFaults } from './transport-memory';
import * as transportTcp from './transport-tcp';
import { freePort } from './transport-tcp/free-port';

export interface StartEnsembleOptions {
  /** How many voting servers (ids 1..n), or each server's id and type. */
  nodes: number | readonly EnsembleNodeSpec[];
  /**
   * 'memory': a simulated network on a virtual clock (deterministic from `seed`; drive
   * it with `ensemble.clock`). 'tcp': loopback sockets on free ports and the wall clock.
   */
  transport?: 'memory' | 'tcp';
  /** A PeerTransport to use instead of the one `transport` picks (with the wall clock and TCP clients). */
  peerTransport?: PeerTransport;
  /** 'memory' (kept across a server's restarts), or 'file' under `dataDir`/server.N. */
  storage?: 'memory' | { dataDir: string };
  /** A module binding ELECTION_FACTORY (default FastLeaderElection). */
  election?: ContainerModule;
  seed?: number;
  /** The simulated network's faults (memory transport). */
  faults?: Partial<NetworkFaults>;
  config?: Partial<ServerConfig>;
  logger?: Logger;
  peer?: InProcessEnsembleOptions['peer'];
}

/** An in-process ensemble with the world it runs in. */
export interface StartedEnsemble {
  readonly ensemble: InProcessEnsemble;
  readonly world: Container;
  readonly clock: Clock;
  /** The simulated networks (memory transport only). */
  readonly network: MemoryNetwork | null;
  readonly clients: MemoryClientNetwork | null;
  close(): Promise<void>;
}

/**
 * startInProcessEnsemble: picks the plugins (lib/ never does) and starts every server.
 * With the memory transport nothing moves until `clock` (a SimulationClock) is run.
 */
export async function startInProcessEnsemble(opts: StartEnsembleOptions): Promise<StartedEnsemble> {
  const seed = opts.seed ?? 1;
  const world = new Container({ defaultScope: 'Singleton' });
  world.bind(RANDOM).toConstantValue(new SeededRandom(seed));
  world.bind(LOGGER).toConstantValue(opts.logger ?? silentLogger);
  let network: MemoryNetwork | null = null;
  let clients: MemoryClientNetwork | null = null;
  let clock: Clock;
  let fileIO: FileIO | undefined;
  let ports: InProcessEnsembleOptions['ports'];
  const ids = typeof opts.nodes === 'number' ? Array.from({ length: opts.nodes }, (_, i) => i + 1) : opts.nodes.map((n) => n.id);
  if ((opts.transport ?? (opts.peerTransport ? 'tcp' : 'memory')) === 'memory') {
    const sim = new SimulationClock();
    // Files finish in real time: virtual time waits for them before it moves on.
    if (opts.storage && opts.storage !== 'memory') {
      sim.ioGraceMs = 3;
      fileIO = trackedFileIO(nodeFileIO, (p) => sim.track(p));
    }
    clock = sim;
    network = new MemoryNetwork(sim, new SeededRandom(seed).fork('network'), opts.faults);
    clients = new MemoryClientNetwork(sim);
    world.bind(CLOCK).toConstantValue(sim);
    world.bind(PEER_TRANSPORT).toConstantValue(network.peerTransport);
    world.bind(CLIENT_TRANSPORT).toConstantValue(clients);
    world.bind(CLIENT_SOCKET_FACTORY).toConstantValue(clients);
  } else {
    clock = systemClock;
    world.bind(CLOCK).toConstantValue(clock);
    world.bind(PEER_TRANSPORT).toConstantValue(opts.peerTransport ?? transportTcp.tcpPeerTransport());
    world.load(transportTcp.transportTcpModule());
    const free = new Map<number, { quorumPort: number; electionPort: number; clientPort: number }>();
    for (const id of ids) free.set(id, { quorumPort: await freePort(), electionPort: await freePort(), clientPort: await freePort() });
    ports = (id) => free.get(id)!;
  }
  const stores = new Map<number, { txnLog: MemoryTxnLog; snapshots: MemorySnapshotStore; epochs: MemoryEpochStore }>();
  const storage = (id: number): ContainerModule[] => {
    if (opts.storage && opts.storage !== 'memory') {
      return [storageFileModule({ dataLogDir: `${opts.storage.dataDir}/server.${id}`, io: fileIO })];
    }
    let s = stores.get(id);
    if (!s) {
      s = { txnLog: new MemoryTxnLog(), snapshots: new MemorySnapshotStore(), epochs: new MemoryEpochStore() };
      stores.set(id, s);
    }
    return [storageMemoryModule(s)];
  };
  const ensemble = new InProcessEnsemble({
    nodes: opts.nodes,
    world,
    storage,
    election: opts.election,
    config: opts.config,
    ports,
    peer: opts.peer,
  });
  await ensemble.start();
  return { ensemble, world, clock, network, clients, close: () => ensemble.close() };
}
