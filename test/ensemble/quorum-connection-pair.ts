import { SeededRandom } from '../../lib/core/random';
import type { QuorumConnection } from '../../lib/transport/peer-transport';
import { MemoryNetwork, SimulationClock } from '../../plugins/transport-memory';

/** Two ends of one learner connection on the memory network, in virtual time. */
export async function quorumConnectionPair(): Promise<{ clock: SimulationClock; client: QuorumConnection; server: QuorumConnection }> {
  const clock = new SimulationClock();
  const net = new MemoryNetwork(clock, new SeededRandom(1));
  const l = await net.peerTransport.listenQuorum({ myId: 1, address: { host: 'h', port: 1 } });
  let server: QuorumConnection | null = null;
  l.connections$.subscribe((c) => (server = c));
  let client: QuorumConnection | null = null;
  void net.peerTransport.connectQuorum({ myId: 2, address: l.address, timeoutMs: 100 }).then((c) => (client = c));
  await clock.runUntilTrue(() => client !== null && server !== null, 100);
  return { clock, client: client!, server: server! };
}
