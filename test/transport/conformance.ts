import { firstValueFrom, take, toArray, type Subscription } from 'rxjs';
import type { ElectionPacket } from '../../lib/quorum/election/election';
import {
  PeerTransportError,
  type ElectionChannel,
  type PeerAddress,
  type PeerTransport,
  type QuorumConnection,
} from '../../lib/transport/peer-transport';

/**
 * What the conformance suite needs from a transport under test: the transport, fresh
 * addresses to listen on, and a way to let time pass (virtual for the memory network,
 * real for sockets).
 */
export interface ConformanceWorld {
  readonly transport: PeerTransport;
  /** A fresh address nobody listens on yet (the suite listens on it). */
  freshAddress(): Promise<PeerAddress>;
  /** Lets the transport work until `cond()` holds or `maxMs` pass; returns whether it held. */
  waitFor(cond: () => boolean, maxMs: number): Promise<boolean>;
  /** Lets `ms` pass. */
  sleep(ms: number): Promise<void>;
  close(): Promise<void>;
}

export type ConformanceFactory = () => Promise<ConformanceWorld>;

const pkt = (sid: number, text: string): ElectionPacket => ({ sid, data: Buffer.from(text) });
const text = (p: ElectionPacket): string => p.data.toString();

/**
 * The contract of lib/transport/peer-transport.ts, as tests: every PeerTransport
 * (memory, TCP, UDP) runs this with its own world.
 */
export function runPeerTransportConformance(name: string, factory: ConformanceFactory): void {
  describe(`PeerTransport conformance: ${name}`, () => {
    let world: ConformanceWorld;
    const cleanups: (() => Promise<void> | void)[] = [];

    beforeEach(async () => {
      world = await factory();
    });
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
      await world.close();
    });

    async function elections(ids: number[]): Promise<Map<number, { ch: ElectionChannel; got: ElectionPacket[]; sub: Subscription }>> {
      const addrs = new Map<number, PeerAddress>();
      for (const id of ids) addrs.set(id, await world.freshAddress());
      const out = new Map<number, { ch: ElectionChannel; got: ElectionPacket[]; sub: Subscription }>();
      for (const id of ids) out.set(id, await openElection(id, addrs));
      return out;
    }

    async function openElection(id: number, addrs: Map<number, PeerAddress>) {
      const peers = new Map([...addrs].filter(([k]) => k !== id));
      const ch = await world.transport.openElectionChannel({ myId: id, address: addrs.get(id)!, peers });
      const got: ElectionPacket[] = [];
      const sub = ch.inbound$.subscribe((p) => got.push(p));
      cleanups.push(async () => {
        sub.unsubscribe();
        await ch.close();
      });
      return { ch, got, sub };
    }

    it('delivers election packets between two servers, naming the sender, in order, the last one surely', async () => {
      const e = await elections([1, 2]);
      // QuorumCnxManager's send queue holds one packet: a burst may lose all but the last,
      // but what arrives arrives once and in order.
      for (let i = 0; i < 50; i++) e.get(1)!.ch.send(pkt(2, `m${i}`));
      e.get(2)!.ch.send(pkt(1, 'back'));
      expect(await world.waitFor(() => e.get(2)!.got.some((p) => text(p) === 'm49') && e.get(1)!.got.length >= 1, 10_000)).toBe(true);
      const got = e.get(2)!.got.map((p) => Number(text(p).slice(1)));
      expect(got[got.length - 1]).toBe(49);
      expect(got).toEqual([...got].sort((a, b) => a - b));
      expect(new Set(got).size).toBe(got.length);
      expect(e.get(2)!.got.every((p) => p.sid === 1)).toBe(true);
      expect(e.get(1)!.got.map((p) => [p.sid, text(p)])).toEqual([[2, 'back']]);
      // Once connected, packets sent one at a time all arrive.
      for (let i = 0; i < 5; i++) {
        e.get(1)!.ch.send(pkt(2, `s${i}`));
        expect(await world.waitFor(() => e.get(2)!.got.some((p) => text(p) === `s${i}`), 5_000)).toBe(true);
      }
    });

    it('delivers an election packet a server sends to itself', async () => {
      const e = await elections([1, 2]);
      e.get(1)!.ch.send(pkt(1, 'self'));
      expect(await world.waitFor(() => e.get(1)!.got.length === 1, 5_000)).toBe(true);
      expect(e.get(1)!.got[0].sid).toBe(1);
      expect(text(e.get(1)!.got[0])).toBe('self');
    });

    it('keeps the last election packet for a server that is not up and sends it when it comes up', async () => {
      const addrs = new Map<number, PeerAddress>([
        [1, await world.freshAddress()],
        [2, await world.freshAddress()],
      ]);
      const a = await openElection(1, addrs);
      a.ch.send(pkt(2, 'old'));
      a.ch.send(pkt(2, 'newest'));
      await world.sleep(200);
      const b = await openElection(2, addrs);
      // A peer that comes up announces itself (its election sends to everyone), which is
      // when QuorumCnxManager connects; the last packet kept for it must then arrive.
      b.ch.send(pkt(1, 'hello'));
      expect(await world.waitFor(() => b.got.some((p) => text(p) === 'newest'), 30_000)).toBe(true);
      expect(b.got.filter((p) => text(p) === 'newest').every((p) => p.sid === 1)).toBe(true);
      expect(text(b.got[b.got.length - 1])).toBe('newest');
    });

    it('completes inbound$ when the election channel closes', async () => {
      const e = await elections([1, 2]);
      let completed = false;
      e.get(1)!.ch.inbound$.subscribe({ complete: () => (completed = true) });
      await e.get(1)!.ch.close();
      expect(completed).toBe(true);
      // Sending to a closed peer does not throw.
      e.get(2)!.ch.send(pkt(1, 'lost'));
      await world.sleep(50);
    });

    async function pair(): Promise<{ client: QuorumConnection; server: QuorumConnection; port: number }> {
      const listener = await world.transport.listenQuorum({ myId: 1, address: await world.freshAddress() });
      cleanups.push(() => listener.close());
      const accepted: QuorumConnection[] = [];
      const sub = listener.connections$.subscribe((c) => accepted.push(c));
      cleanups.push(() => sub.unsubscribe());
      const client = await connectWithin(world, { myId: 2, address: listener.address, timeoutMs: 5_000 });
      cleanups.push(() => client.close());
      expect(await world.waitFor(() => accepted.length === 1, 5_000)).toBe(true);
      const server = accepted[0];
      cleanups.push(() => server.close());
      return { client, server, port: listener.address.port };
    }

    it('listens on port 0 and reports the port it bound', async () => {
      const { port } = await pair();
      expect(port).toBeGreaterThan(0);
    });

    it('carries bytes both ways in order, whatever the chunking', async () => {
      const { client, server } = await pair();
      const fromClient = collect(server);
      const fromServer = collect(client);
      const big = Buffer.alloc(1 << 20);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
      for (let off = 0; off < big.length; off += 70_001) client.write(big.subarray(off, off + 70_001));
      server.write(Buffer.from('hello'));
      server.write(Buffer.from(' world'));
      expect(await world.waitFor(() => fromClient.bytes() === big.length && fromServer.bytes() === 11, 20_000)).toBe(true);
      expect(Buffer.concat(fromClient.chunks).equals(big)).toBe(true);
      expect(Buffer.concat(fromServer.chunks).toString()).toBe('hello world');
    });

    it('carries runs of small writes over many turns in order, through a reader that starts late', async () => {
      const { client, server } = await pair();
      const sent: Buffer[] = [];
      let seed = 7;
      const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
      for (let turn = 0; turn < 300; turn++) {
        // Mostly a turn's worth of packets; now and then more than a socket takes at once.
        const count = turn % 50 === 0 ? 400 : 1 + next(80);
        for (let i = 0; i < count; i++) {
          const b = Buffer.allocUnsafe(1 + next(3000));
          for (let j = 0; j < b.length; j++) b[j] = next(256);
          sent.push(b);
          client.write(b);
        }
        await new Promise((r) => setImmediate(r));
      }
      // Nobody read until now: the socket's buffers filled and later turns' writes waited.
      const got = collect(server);
      const all = Buffer.concat(sent);
      expect(await world.waitFor(() => got.bytes() === all.length, 20_000)).toBe(true);
      expect(Buffer.concat(got.chunks).equals(all)).toBe(true);
    });

    it('whenWritable, where a transport has it, settles after what was written reached the other end, and once closed', async () => {
      const { client, server } = await pair();
      if (!client.whenWritable) return;
      const got = collect(server);
      const big = Buffer.alloc(8 << 20, 0x5a);
      for (let off = 0; off < big.length; off += 65_536) client.write(big.subarray(off, off + 65_536));
      let settled = false;
      void client.whenWritable().then(() => (settled = true));
      expect(await world.waitFor(() => settled, 20_000)).toBe(true);
      expect(await world.waitFor(() => got.bytes() === big.length, 20_000)).toBe(true);
      client.close();
      let afterClose = false;
      void client.whenWritable().then(() => (afterClose = true));
      expect(await world.waitFor(() => afterClose, 5_000)).toBe(true);
    });

    it('keeps bytes that arrive before anyone reads them', async () => {
      const { client, server } = await pair();
      client.write(Buffer.from('early'));
      await world.sleep(100);
      const got = collect(server);
      expect(await world.waitFor(() => got.bytes() === 5, 5_000)).toBe(true);
      expect(Buffer.concat(got.chunks).toString()).toBe('early');
    });

    it('ends the other side when one side closes, after the bytes already sent', async () => {
      const { client, server } = await pair();
      const got = collect(server);
      client.write(Buffer.from('last words'));
      client.close();
      expect(client.isOpen).toBe(false);
      expect(await world.waitFor(() => got.ended, 5_000)).toBe(true);
      expect(Buffer.concat(got.chunks).toString()).toBe('last words');
      expect(server.isOpen).toBe(false);
      // Writing after close is ignored, not thrown.
      client.write(Buffer.from('ignored'));
    });

    it('fails to connect where nobody listens, with a PeerTransportError', async () => {
      const address = await world.freshAddress();
      let error: unknown = null;
      const p = world.transport.connectQuorum({ myId: 2, address, timeoutMs: 1_000 }).then(
        (c) => c.close(),
        (e) => (error = e),
      );
      await world.waitFor(() => error !== null, 10_000);
      await p;
      expect(error).toBeInstanceOf(PeerTransportError);
      expect(['ECONNREFUSED', 'ETIMEDOUT']).toContain((error as PeerTransportError).code);
    });

    it('stops accepting once the listener closes, leaving accepted connections open', async () => {
      const listener = await world.transport.listenQuorum({ myId: 1, address: await world.freshAddress() });
      const accepted: QuorumConnection[] = [];
      listener.connections$.subscribe((c) => accepted.push(c));
      const client = await connectWithin(world, { myId: 2, address: listener.address, timeoutMs: 5_000 });
      cleanups.push(() => client.close());
      expect(await world.waitFor(() => accepted.length === 1, 5_000)).toBe(true);
      cleanups.push(() => accepted[0].close());
      await listener.close();
      const got = collect(accepted[0]);
      client.write(Buffer.from('still here'));
      expect(await world.waitFor(() => got.bytes() === 10, 5_000)).toBe(true);
      let error: unknown = null;
      const p = world.transport.connectQuorum({ myId: 3, address: listener.address, timeoutMs: 1_000 }).then(
        (c) => c.close(),
        (e) => (error = e),
      );
      await world.waitFor(() => error !== null, 10_000);
      await p;
      expect(error).toBeInstanceOf(PeerTransportError);
    });

    it('delivers the first connection event as an Observable of accepted connections', async () => {
      const listener = await world.transport.listenQuorum({ myId: 1, address: await world.freshAddress() });
      cleanups.push(() => listener.close());
      const first = firstValueFrom(listener.connections$.pipe(take(1), toArray()));
      const client = await connectWithin(world, { myId: 2, address: listener.address, timeoutMs: 5_000 });
      cleanups.push(() => client.close());
      let got: QuorumConnection[] | null = null;
      void first.then((c) => (got = c));
      expect(await world.waitFor(() => got !== null, 5_000)).toBe(true);
      cleanups.push(() => got![0].close());
      expect(got!).toHaveLength(1);
    });
  });
}

async function connectWithin(world: ConformanceWorld, opts: Parameters<PeerTransport['connectQuorum']>[0]): Promise<QuorumConnection> {
  let conn: QuorumConnection | null = null;
  let error: unknown = null;
  world.transport.connectQuorum(opts).then(
    (c) => (conn = c),
    (e) => (error = e),
  );
  await world.waitFor(() => conn !== null || error !== null, opts.timeoutMs + 1_000);
  if (error) throw error;
  if (!conn) throw new Error('connect did not finish');
  return conn;
}

function collect(c: QuorumConnection) {
  const chunks: Buffer[] = [];
  const state = { ended: false, error: null as unknown };
  c.data$.subscribe({
    next: (b) => chunks.push(b),
    complete: () => (state.ended = true),
    error: (e) => {
      state.ended = true;
      state.error = e;
    },
  });
  return {
    chunks,
    get ended() {
      return state.ended;
    },
    bytes: () => chunks.reduce((n, b) => n + b.length, 0),
  };
}
