import type { PeerAddress, PeerTransport } from '../../lib/transport/peer-transport';
import type { ConformanceWorld } from './conformance';

/** A conformance world on real sockets and the wall clock, addresses on 127.0.0.1. */
export function realTimeWorld(transport: PeerTransport, port: () => Promise<number>): ConformanceWorld {
  return {
    transport,
    freshAddress: async (): Promise<PeerAddress> => ({ host: '127.0.0.1', port: await port() }),
    waitFor: async (cond, maxMs) => {
      const end = Date.now() + maxMs;
      while (!cond()) {
        if (Date.now() > end) return false;
        await new Promise((r) => setTimeout(r, 5));
      }
      return true;
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    close: async () => undefined,
  };
}
