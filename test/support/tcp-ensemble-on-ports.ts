import { Container } from 'inversify';
import { CLOCK, systemClock } from '../../lib/core/clock';
import { LOGGER, silentLogger } from '../../lib/core/logger';
import { RANDOM, SeededRandom } from '../../lib/core/random';
import { InProcessEnsemble } from '../../lib/quorum/ensemble';
import { MemoryEpochStore, MemorySnapshotStore, MemoryTxnLog, storageMemoryModule } from '../../plugins/storage-memory';
import { transportTcpModule, transportTcpPeerModule } from '../../plugins/transport-tcp';
import type { PeerPorts } from './java-quorum-peer';

export interface TcpEnsembleOnPortsOptions {
  /** server id → its quorum, election and client ports (shared with Java peers of the same ensemble). */
  ports: ReadonlyMap<number, PeerPorts>;
  tickTime: number;
  seed: number;
  /** Peer options (InProcessEnsemble's `peer`), e.g. a small commitLogCount. */
  peer?: Record<string, unknown>;
}

/**
 * zoolab peers of a 3-server ensemble in this process, over real TCP on fixed ports and the
 * wall clock, each keeping its log, snapshots and epochs in memory across a stop and start
 * (a restarted peer finds its data, as on disk).
 */
export function tcpEnsembleOnPorts(o: TcpEnsembleOnPortsOptions): InProcessEnsemble {
  const world = new Container({ defaultScope: 'Singleton' });
  world.bind(CLOCK).toConstantValue(systemClock);
  world.bind(RANDOM).toConstantValue(new SeededRandom(o.seed));
  world.bind(LOGGER).toConstantValue(silentLogger);
  world.load(transportTcpModule(), transportTcpPeerModule());
  const stores = new Map<number, { txnLog: MemoryTxnLog; snapshots: MemorySnapshotStore; epochs: MemoryEpochStore }>();
  return new InProcessEnsemble({
    nodes: 3,
    world,
    storage: (id) => {
      let s = stores.get(id);
      if (!s) stores.set(id, (s = { txnLog: new MemoryTxnLog(), snapshots: new MemorySnapshotStore(), epochs: new MemoryEpochStore() }));
      return [storageMemoryModule(s)];
    },
    config: { tickTime: o.tickTime, initLimit: 10, syncLimit: 5, fourLetterWordWhitelist: ['*'] },
    ports: (id) => ({ quorumPort: o.ports.get(id)!.q, electionPort: o.ports.get(id)!.e, clientPort: o.ports.get(id)!.c }),
    peer: o.peer as never,
  });
}
