import { SeededRandom } from '../../lib/core/random';
import { MemoryNetwork, SimulationClock } from '../../plugins/transport-memory';
import { runPeerTransportConformance } from './conformance';

runPeerTransportConformance('memory', async () => {
  const clock = new SimulationClock();
  const net = new MemoryNetwork(clock, new SeededRandom(7), { latency: [1, 5] });
  let port = 1;
  return {
    transport: net.peerTransport,
    freshAddress: async () => ({ host: '10.0.0.1', port: port++ }),
    waitFor: (cond, maxMs) => clock.runUntilTrue(cond, maxMs),
    sleep: (ms) => clock.runFor(ms),
    close: async () => undefined,
  };
});
