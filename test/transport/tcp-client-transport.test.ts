import * as net from 'node:net';
import { once } from 'node:events';
import { TcpClientTransport } from '../../plugins/transport-tcp/tcp-client-transport';
import type { ClientConnection, ClientListener } from '../../lib/transport/client-transport';

/**
 * The client port's output: what a connection writes is held until the event loop has
 * handled the I/O of its turn, then leaves in one write per connection.
 */
describe('TcpClientTransport output', () => {
  let listener: ClientListener;
  const accepted: ClientConnection[] = [];
  const clients: net.Socket[] = [];
  let waiters: Array<() => void> = [];

  beforeEach(async () => {
    listener = await new TcpClientTransport().listen({ host: '127.0.0.1', port: 0 }, (c) => {
      accepted.push(c);
      for (const w of waiters) w();
      waiters = [];
    });
  });

  afterEach(async () => {
    for (const s of clients) s.destroy();
    clients.length = 0;
    accepted.length = 0;
    await listener.close();
  });

  async function connect(n: number): Promise<{ client: net.Socket; received: () => Buffer; chunks: Buffer[] }[]> {
    const out = [];
    for (let i = 0; i < n; i++) {
      const client = net.connect(listener.address.port, '127.0.0.1');
      clients.push(client);
      const chunks: Buffer[] = [];
      client.on('data', (d: Buffer) => chunks.push(d));
      await once(client, 'connect');
      out.push({ client, chunks, received: () => Buffer.concat(chunks) });
    }
    while (accepted.length < n) await new Promise<void>((r) => waiters.push(r));
    return out;
  }

  async function until(cond: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('sends one turn of writes to many connections, each in order and in one chunk', async () => {
    const peers = await connect(20);
    // The server side knows its connections in accept order; match them by remote port.
    const byPort = new Map(accepted.map((c) => [c.remotePort, c]));
    peers.forEach((p, i) => {
      const c = byPort.get(p.client.localPort!)!;
      c.write(Buffer.from(`a${i};`));
      c.write(Buffer.from(`b${i};`));
    });
    // Nothing has left yet: the writes wait for the end of the turn.
    expect(peers.every((p) => p.chunks.length === 0)).toBe(true);
    await until(() => peers.every((p, i) => p.received().length === `a${i};b${i};`.length));
    peers.forEach((p, i) => {
      expect(p.received().toString()).toBe(`a${i};b${i};`);
      // Both writes went out in one writev, so they arrive together.
      expect(p.chunks).toHaveLength(1);
    });
  });

  it('flushes writes made while the flush of an earlier turn is pending or running', async () => {
    const [p] = await connect(1);
    const c = accepted[0];
    c.write(Buffer.from('one;'));
    // Written from a check-phase callback, after the first flush was scheduled.
    setImmediate(() => c.write(Buffer.from('two;')));
    await until(() => p.received().length === 8);
    setImmediate(() => setImmediate(() => c.write(Buffer.from('three;'))));
    await until(() => p.received().length === 14);
    expect(p.received().toString()).toBe('one;two;three;');
  });

  it('delivers what was written before end(), and refuses writes after it', async () => {
    const [p] = await connect(1);
    const c = accepted[0];
    c.write(Buffer.from('last words'));
    c.end();
    expect(c.write(Buffer.from('too late'))).toBe(false);
    await once(p.client, 'end');
    expect(p.received().toString()).toBe('last words');
  });

  it('flushes at the check phase, not after each callback (nextTick)', async () => {
    await connect(3);
    const uncork = jest.spyOn(net.Socket.prototype, 'uncork');
    try {
      for (const c of accepted) c.write(Buffer.from('x'));
      await new Promise<void>((r) => process.nextTick(r));
      // A data callback's nextTick runs before the next socket's callback: still held.
      expect(uncork).not.toHaveBeenCalled();
      await new Promise<void>((r) => setImmediate(r));
      expect(uncork).toHaveBeenCalledTimes(3);
    } finally {
      uncork.mockRestore();
    }
  });
});
