import 'reflect-metadata';
import { createServer, type Server } from 'node:net';
import { Container } from 'inversify';
import { CLOCK, systemClock } from '../../lib/core/clock';
import { LOGGER, silentLogger } from '../../lib/core/logger';
import { RANDOM, SeededRandom } from '../../lib/core/random';
import { InProcessEnsemble } from '../../lib/quorum/ensemble';
import { PEER_TRANSPORT } from '../../lib/transport/peer-transport';
import { MemoryEpochStore, MemorySnapshotStore, MemoryTxnLog, storageMemoryModule } from '../../plugins/storage-memory';
import { tcpPeerTransport, transportTcpModule } from '../../plugins/transport-tcp';
import { freePort } from '../support/free-port';

function listen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(null));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

const close = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));

describe('an in-process ensemble that cannot start', () => {
  it('stops the servers already running and frees their ports before it throws', async () => {
    const ports = new Map<number, { quorumPort: number; electionPort: number; clientPort: number }>();
    for (const id of [1, 2, 3]) ports.set(id, { quorumPort: await freePort(), electionPort: await freePort(), clientPort: await freePort() });
    // Server 3's election port is taken: servers 1 and 2 are up by the time it fails, and
    // server 3 has bound its client port already.
    const blocker = await listen(ports.get(3)!.electionPort);
    expect(blocker).not.toBeNull();
    const world = new Container({ defaultScope: 'Singleton' });
    world.bind(RANDOM).toConstantValue(new SeededRandom(1));
    world.bind(LOGGER).toConstantValue(silentLogger);
    world.bind(CLOCK).toConstantValue(systemClock);
    world.bind(PEER_TRANSPORT).toConstantValue(tcpPeerTransport());
    world.load(transportTcpModule());
    const ensemble = new InProcessEnsemble({
      nodes: 3,
      world,
      storage: () => [storageMemoryModule({ txnLog: new MemoryTxnLog(), snapshots: new MemorySnapshotStore(), epochs: new MemoryEpochStore() })],
      config: { tickTime: 100 },
      ports: (id) => ports.get(id)!,
    });
    try {
      await expect(ensemble.start()).rejects.toThrow(/EADDRINUSE|in use/i);
      // Every port the servers had opened can be bound again.
      const all = [1, 2, 3].flatMap((id) => {
        const p = ports.get(id)!;
        return id === 3 ? [p.clientPort, p.quorumPort] : [p.clientPort, p.electionPort, p.quorumPort];
      });
      for (const port of all) {
        const s = await listen(port);
        expect({ port, free: s !== null }).toEqual({ port, free: true });
        if (s) await close(s);
      }
    } finally {
      await ensemble.close();
      await close(blocker!);
    }
  });
});
