import { firstValueFrom } from 'rxjs';
import { freePort } from '../support/free-port';
import { tcpPeerTransport } from '../../plugins/transport-tcp';
import { runPeerTransportConformance } from './conformance';
import { realTimeWorld } from './real-time-world';

runPeerTransportConformance('tcp', async () => realTimeWorld(tcpPeerTransport({ cnxTimeoutMs: 1000 }), freePort));

describe('a TCP quorum connection\'s whenWritable', () => {
  it('waits while the other end reads nothing, and settles once it reads', async () => {
    const transport = tcpPeerTransport({ cnxTimeoutMs: 1000 });
    const listener = await transport.listenQuorum({ myId: 1, address: { host: '127.0.0.1', port: await freePort() } });
    const accepted = firstValueFrom(listener.connections$);
    const client = await transport.connectQuorum({ myId: 2, address: listener.address, timeoutMs: 5_000 });
    const server = await accepted;
    try {
      // The accepted side reads nothing until data$ is subscribed: 32 MB fill the kernel's buffers.
      const chunk = Buffer.alloc(1 << 20, 0x33);
      for (let i = 0; i < 32; i++) client.write(chunk);
      let settled = false;
      void client.whenWritable!().then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      let got = 0;
      server.data$.subscribe((b) => (got += b.length));
      const end = Date.now() + 10_000;
      while (!settled && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      expect(settled).toBe(true);
      while (got < 32 << 20 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      expect(got).toBe(32 << 20);
    } finally {
      client.close();
      server.close();
      await listener.close();
    }
  });
});
