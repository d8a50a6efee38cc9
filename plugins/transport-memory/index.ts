import { ContainerModule } from 'inversify';
import { CLIENT_SOCKET_FACTORY } from '../../lib/client/client-socket';
import { CLOCK, type Clock } from '../../lib/core/clock';
import { SeededRandom } from '../../lib/core/random';
import { CLIENT_TRANSPORT } from '../../lib/transport/client-transport';
import { PEER_TRANSPORT } from '../../lib/transport/peer-transport';
import { MemoryClientNetwork } from './memory-client-network';
import { MemoryNetwork } from './memory-network';
import type { NetworkFaults } from './network-faults';
import { SimulationClock, settle } from './simulation-clock';

export { MemoryNetwork, MemoryClientNetwork, SimulationClock, settle };
export type { NetworkFaults, ElectionMessageHook, MessageVerdict, ElectionMessageEvent } from './network-faults';

export interface TransportMemoryOptions {
  /** The network to join; a new one (on the container's clock, seeded) when absent. */
  network?: MemoryNetwork;
  clients?: MemoryClientNetwork;
  seed?: number;
  faults?: Partial<NetworkFaults>;
}

/**
 * The simulated world of an in-process ensemble as one module: PEER_TRANSPORT on the
 * memory network, CLIENT_TRANSPORT and CLIENT_SOCKET_FACTORY on the memory client
 * network. Load it in the parent container so every node shares the same world.
 */
export function transportMemoryModule(opts: TransportMemoryOptions = {}): ContainerModule {
  let clients: MemoryClientNetwork | null = opts.clients ?? null;
  return new ContainerModule(({ bind }) => {
    bind(PEER_TRANSPORT).toDynamicValue((ctx) => (opts.network ?? new MemoryNetwork(ctx.get(CLOCK), new SeededRandom(opts.seed ?? 1), opts.faults)).peerTransport);
    // One client network for both ends, so clients reach the servers.
    const sharedClients = (clock: Clock) => (clients ??= new MemoryClientNetwork(clock));
    bind(CLIENT_TRANSPORT).toDynamicValue((ctx) => sharedClients(ctx.get(CLOCK)));
    bind(CLIENT_SOCKET_FACTORY).toDynamicValue((ctx) => sharedClients(ctx.get(CLOCK)));
  });
}
