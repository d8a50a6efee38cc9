import * as net from 'node:net';
import type { ElectionPacket } from '../../lib/quorum/election/election';
import {
  encodeElectionFrame,
  encodeInitialMessage,
  PROTOCOL_VERSION_V1,
  tryParseInitialMessage,
  tryReadElectionFrame,
} from '../../lib/quorum/quorum-cnx-handshake';
import type { PeerAddress } from '../../lib/transport/peer-transport';
import { PeerTransportError } from '../../lib/transport/peer-transport';
import { TcpElectionChannel, type TcpElectionOptions } from '../../plugins/transport-tcp';
import { freePort } from '../support/free-port';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function channel(myId: number, address: PeerAddress, peers: Map<number, PeerAddress>, opts: TcpElectionOptions = {}) {
  const ch = new TcpElectionChannel({ myId, address, peers }, opts);
  await ch.listen();
  cleanups.push(() => ch.close());
  const got: ElectionPacket[] = [];
  ch.inbound$.subscribe((p) => got.push(p));
  return { ch, got, texts: () => got.map((p) => p.data.toString()) };
}

/** A hand-driven peer: a socket and everything read from it. */
class RawConn {
  buf = Buffer.alloc(0);
  closed = false;
  constructor(readonly s: net.Socket) {
    s.on('data', (d) => (this.buf = Buffer.concat([this.buf, d])));
    s.on('close', () => (this.closed = true));
    s.on('error', () => undefined);
    cleanups.push(() => s.destroy());
  }
  static connect(port: number): Promise<RawConn> {
    return new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawConn(s)));
    });
  }
  /** The initial message, then the frames after it. */
  read(): { sid: bigint; version: bigint | null; address: string; frames: string[] } | null {
    const r = tryParseInitialMessage(this.buf);
    if (!r) return null;
    const frames: string[] = [];
    let off = r.bytesRead;
    for (let f = tryReadElectionFrame(this.buf, off); f; f = tryReadElectionFrame(this.buf, off)) {
      frames.push(f.payload.toString());
      off = f.next;
    }
    const a = r.message.addresses[0];
    return { sid: r.message.sid, version: r.message.protocolVersion, address: a ? `${a.host}:${a.port}` : '', frames };
  }
  frames(): string[] {
    const out: string[] = [];
    let off = 0;
    for (let f = tryReadElectionFrame(this.buf, off); f; f = tryReadElectionFrame(this.buf, off)) {
      out.push(f.payload.toString());
      off = f.next;
    }
    return out;
  }
}

/** A listening port played by the test: every accepted connection. */
async function rawListener(port: number): Promise<RawConn[]> {
  const conns: RawConn[] = [];
  const srv = net.createServer((s) => conns.push(new RawConn(s)));
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => srv.close(() => r())));
  return conns;
}

const addr = async (): Promise<PeerAddress> => ({ host: '127.0.0.1', port: await freePort() });

describe('TcpElectionChannel speaks QuorumCnxManager 3.8', () => {
  it('as the higher sid, opens the connection with the V1 initial message and keeps it', async () => {
    const me = await addr();
    const peer = await addr();
    const conns = await rawListener(peer.port);
    const a = await channel(5, me, new Map([[2, peer]]));
    a.ch.send({ sid: 2, data: Buffer.from('vote-1') });
    expect(await until(() => conns.length === 1 && (conns[0].read()?.frames.length ?? 0) === 1, 5_000)).toBe(true);
    expect(conns[0].read()).toEqual({ sid: 5n, version: PROTOCOL_VERSION_V1, address: `127.0.0.1:${me.port}`, frames: ['vote-1'] });
    // Frames from the other side arrive named by its sid.
    conns[0].s.write(encodeElectionFrame(Buffer.from('reply')));
    expect(await until(() => a.got.length === 1, 5_000)).toBe(true);
    expect(a.got[0]).toEqual({ sid: 2, data: Buffer.from('reply') });
  });

  it('as the lower sid, sends its initial message and hangs up; the higher sid connects back and gets the waiting message', async () => {
    const me = await addr();
    const peer = await addr();
    const conns = await rawListener(peer.port);
    const a = await channel(1, me, new Map([[7, peer]]));
    a.ch.send({ sid: 7, data: Buffer.from('older') });
    a.ch.send({ sid: 7, data: Buffer.from('newest') });
    expect(await until(() => conns.length >= 1 && conns[0].closed, 5_000)).toBe(true);
    expect(conns[0].read()).toMatchObject({ sid: 1n, frames: [] });
    // "Server 7" calls back with its own initial message: the channel keeps that connection.
    const back = await RawConn.connect(me.port);
    back.s.write(encodeInitialMessage({ sid: 7n, addresses: [peer] }));
    expect(await until(() => back.frames().length === 1, 5_000)).toBe(true);
    // The send queue holds one message: only the newest is sent.
    expect(back.frames()).toEqual(['newest']);
    expect(back.closed).toBe(false);
  });

  it('drops a connection from a lower sid and connects back to it', async () => {
    const me = await addr();
    const peer = await addr();
    const conns = await rawListener(peer.port);
    await channel(4, me, new Map([[2, peer]]));
    const lower = await RawConn.connect(me.port);
    lower.s.write(encodeInitialMessage({ sid: 2n, addresses: [peer] }));
    expect(await until(() => lower.closed, 5_000)).toBe(true);
    expect(await until(() => conns.length === 1 && conns[0].read() !== null, 5_000)).toBe(true);
    expect(conns[0].read()).toMatchObject({ sid: 4n, address: `127.0.0.1:${me.port}` });
  });

  it('sends its last message again on every new connection (a restarted peer gets it)', async () => {
    const [aAddr, bAddr] = [await addr(), await addr()];
    const peers = (id: number) => new Map([id === 1 ? [2, aAddr] : [1, bAddr]]);
    const a = await channel(2, aAddr, peers(2));
    let b = await channel(1, bAddr, peers(1));
    a.ch.send({ sid: 1, data: Buffer.from('my vote') });
    expect(await until(() => b.texts().includes('my vote'), 5_000)).toBe(true);
    await b.ch.close();
    b = await channel(1, bAddr, peers(1));
    // The restarted lower sid announces itself; the higher one connects back and repeats itself.
    b.ch.send({ sid: 2, data: Buffer.from('back again') });
    expect(await until(() => b.texts().includes('my vote') && a.texts().includes('back again'), 5_000)).toBe(true);
  });

  it('keeps trying, with backoff, to reach a peer a message waits for', async () => {
    const me = await addr();
    const peer = await addr();
    const a = await channel(3, me, new Map([[1, peer]]), { initialBackoffMs: 20, maxBackoffMs: 100 });
    a.ch.send({ sid: 1, data: Buffer.from('are you there') });
    await sleep(300);
    // Nothing else is sent: the retries alone find the peer once it listens.
    const conns = await rawListener(peer.port);
    expect(await until(() => conns.some((c) => (c.read()?.frames ?? []).includes('are you there')), 5_000)).toBe(true);
  });

  it('closes connections whose initial message is bad, unknown or its own, or that send none in time', async () => {
    const me = await addr();
    await channel(3, me, new Map([[1, await addr()]]), { handshakeTimeoutMs: 200 });
    const badVersion = await RawConn.connect(me.port);
    const b = Buffer.alloc(20);
    b.writeBigInt64BE(-5n, 0);
    badVersion.s.write(b);
    const stranger = await RawConn.connect(me.port);
    stranger.s.write(encodeInitialMessage({ sid: 9n, addresses: [{ host: '127.0.0.1', port: 1 }] }));
    const own = await RawConn.connect(me.port);
    own.s.write(encodeInitialMessage({ sid: 3n, addresses: [{ host: '127.0.0.1', port: 1 }] }));
    const silent = await RawConn.connect(me.port);
    expect(await until(() => badVersion.closed && stranger.closed && own.closed, 5_000)).toBe(true);
    expect(await until(() => silent.closed, 2_000)).toBe(true);
  });

  it('closes a connection that sends a frame of a bad length', async () => {
    const me = await addr();
    const a = await channel(3, me, new Map([[5, await addr()]]));
    const c = await RawConn.connect(me.port);
    c.s.write(encodeInitialMessage({ sid: 5n, addresses: [{ host: '127.0.0.1', port: 1 }] }));
    c.s.write(encodeElectionFrame(Buffer.from('fine')));
    const bad = Buffer.alloc(4);
    bad.writeInt32BE(-1, 0);
    c.s.write(bad);
    expect(await until(() => c.closed, 5_000)).toBe(true);
    expect(a.texts()).toEqual(['fine']);
  });

  it('reports an election port in use as EADDRINUSE', async () => {
    const me = await addr();
    await channel(1, me, new Map());
    const again = new TcpElectionChannel({ myId: 2, address: me, peers: new Map() });
    await expect(again.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expect(again.listen()).rejects.toBeInstanceOf(PeerTransportError);
  });
});
