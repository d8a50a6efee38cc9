import { freePort } from '../support/free-port';
import { tcpTestPeerTransport } from '../ensemble/support/tcp-test-peer-transport';
import { runPeerTransportConformance } from './conformance';

/** The suite on real sockets and real time: the test-only TCP transport the Java interop test uses. */
runPeerTransportConformance('tcp (test-only)', async () => ({
  transport: tcpTestPeerTransport(),
  freshAddress: async () => ({ host: '127.0.0.1', port: await freePort() }),
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
}));
