import * as dgram from 'node:dgram';
import type { ElectionPacket } from '../../lib/quorum/election/election';
import type { PeerAddress } from '../../lib/transport/peer-transport';
import { UdpElectionChannel, type DatagramHook, type UdpElectionOptions } from '../../plugins/transport-udp';
import { decodeDatagram, encodeAck, encodeData, DatagramError, MAX_DATAGRAM, MAX_FRAGMENT_PAYLOAD } from '../../plugins/transport-udp/udp-datagram';
import { InboundStream } from '../../plugins/transport-udp/udp-inbound-stream';
import { OutboundStream } from '../../plugins/transport-udp/udp-outbound-stream';
import { seeded } from '../ensemble-tcp/support/process-ensemble';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

function udpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

/** A network that drops, duplicates and delays (so reorders) datagrams, from a seed. */
function lossy(seed: number, f: { drop: number; dup: number; maxDelayMs: number }, sizes?: number[]): DatagramHook {
  const rnd = seeded(seed);
  return (d, _to, send) => {
    sizes?.push(d.length);
    const copies = rnd() < f.drop ? 0 : rnd() < f.dup ? 2 : 1;
    for (let i = 0; i < copies; i++) setTimeout(send, Math.floor(rnd() * f.maxDelayMs));
  };
}

const channels: UdpElectionChannel[] = [];
afterEach(async () => {
  for (const c of channels.splice(0)) await c.close();
});

async function open(myId: number, addrs: Map<number, PeerAddress>, opts: UdpElectionOptions = {}) {
  const ch = new UdpElectionChannel({ myId, address: addrs.get(myId)!, peers: new Map([...addrs].filter(([k]) => k !== myId)) }, opts);
  await ch.listen();
  channels.push(ch);
  const got: ElectionPacket[] = [];
  ch.inbound$.subscribe((p) => got.push(p));
  return { ch, got, texts: () => got.map((p) => p.data.toString()) };
}

async function addresses(ids: number[]): Promise<Map<number, PeerAddress>> {
  const m = new Map<number, PeerAddress>();
  for (const id of ids) m.set(id, { host: '127.0.0.1', port: await udpPort() });
  return m;
}

describe('UDP election datagrams', () => {
  it('round-trip DATA (split to fit the MTU) and ACK datagrams', () => {
    const payload = Buffer.alloc(MAX_FRAGMENT_PAYLOAD * 2 + 5, 7);
    const ds = encodeData({ from: 3n, incarnation: 99n, seq: 12, base: 10, payload });
    expect(ds).toHaveLength(3);
    expect(ds.every((d) => d.length <= MAX_DATAGRAM)).toBe(true);
    const parts = ds.map((d) => decodeDatagram(d));
    expect(parts.map((p) => (p.kind === 'data' ? [p.from, p.incarnation, p.seq, p.base, p.fragment, p.fragments] : null))).toEqual([
      [3n, 99n, 12, 10, 0, 3],
      [3n, 99n, 12, 10, 1, 3],
      [3n, 99n, 12, 10, 2, 3],
    ]);
    expect(Buffer.concat(parts.map((p) => (p.kind === 'data' ? p.payload : Buffer.alloc(0)))).equals(payload)).toBe(true);
    expect(decodeDatagram(encodeAck({ from: 1n, incarnation: 5n, ackedIncarnation: 99n, cumulative: 11, seq: 12 }))).toEqual({
      kind: 'ack',
      from: 1n,
      incarnation: 5n,
      ackedIncarnation: 99n,
      cumulative: 11,
      seq: 12,
    });
  });

  it('rejects what is not one of its datagrams with a typed error', () => {
    const good = encodeData({ from: 1n, incarnation: 1n, seq: 1, base: 1, payload: Buffer.from('x') })[0];
    const code = (b: Buffer) => {
      try {
        decodeDatagram(b);
        return 'ok';
      } catch (e) {
        expect(e).toBeInstanceOf(DatagramError);
        return (e as DatagramError).code;
      }
    };
    expect(code(good.subarray(0, 10))).toBe('truncated');
    expect(code(Buffer.concat([Buffer.from([0, 0]), good.subarray(2)]))).toBe('bad-magic');
    const v = Buffer.from(good);
    v[2] = 9;
    expect(code(v)).toBe('bad-version');
    const k = Buffer.from(good);
    k[3] = 7;
    expect(code(k)).toBe('bad-kind');
    const f = Buffer.from(good);
    f.writeUInt16BE(3, 28);
    expect(code(f)).toBe('bad-fragment');
    const s = Buffer.from(good);
    s.writeUInt32BE(0, 20);
    expect(code(s)).toBe('bad-fragment');
  });
});

describe('InboundStream and OutboundStream', () => {
  const data = (seq: number, base: number, inc = 1n) => decodeDatagram(encodeData({ from: 1n, incarnation: inc, seq, base, payload: Buffer.from(`m${seq}`) })[0]) as never;
  const texts = (bs: Buffer[]) => bs.map((b) => b.toString());

  it('delivers early messages once the gap fills, each once, and skips a gap the sender gave up', () => {
    const s = new InboundStream();
    expect(texts(s.receive(data(2, 1)).deliver)).toEqual([]);
    expect(texts(s.receive(data(1, 1)).deliver)).toEqual(['m1', 'm2']);
    const dup = s.receive(data(2, 1));
    expect(dup.deliver).toEqual([]);
    expect(dup.ack).toEqual({ ackedIncarnation: 1n, cumulative: 2, seq: 2 });
    expect(texts(s.receive(data(5, 3)).deliver)).toEqual([]);
    // The sender moved its base past 3 and 4: what arrived of them goes, the rest is skipped.
    expect(texts(s.receive(data(6, 5)).deliver)).toEqual(['m5', 'm6']);
    expect(s.delivered).toBe(6);
  });

  it('starts afresh for a restarted sender and ignores its old life', () => {
    const s = new InboundStream();
    s.receive(data(1, 1, 10n));
    s.receive(data(2, 1, 10n));
    expect(texts(s.receive(data(1, 1, 11n)).deliver)).toEqual(['m1']);
    expect(s.receive(data(3, 1, 10n))).toEqual({ deliver: [], ack: null });
  });

  it('backs off, and keeps only the newest message for a peer that stays silent', () => {
    const o = new OutboundStream({ initialRtoMs: 10, maxRtoMs: 40, collapseAfterRounds: 3, maxUnacked: 4 });
    for (let i = 0; i < 6; i++) o.enqueue(Buffer.from(`m${i}`));
    expect(o.unacked.map((m) => m.seq)).toEqual([3, 4, 5, 6]);
    expect(o.base).toBe(3);
    o.timedOut();
    expect(o.rtoMs).toBe(20);
    o.timedOut();
    expect(o.unacked).toHaveLength(4);
    o.timedOut();
    expect(o.rtoMs).toBe(40);
    expect(o.unacked.map((m) => m.data.toString())).toEqual(['m5']);
    expect(o.acked(6, 6, 1n)).toBe(false);
    expect(o.rtoMs).toBe(10);
    expect(o.peerSeen(1n)).toBe('first');
    expect(o.needsResend()).toBe(false);
    expect(o.peerSeen(2n)).toBe('restarted');
    expect(o.needsResend()).toBe(true);
    expect(o.peerSeen(1n)).toBe('stale');
  });
});

describe('UdpElectionChannel', () => {
  it('delivers every message once and in order over a network that drops, duplicates and reorders', async () => {
    const addrs = await addresses([1, 2]);
    const sizes: number[] = [];
    const net = { outboundHook: lossy(42, { drop: 0.3, dup: 0.1, maxDelayMs: 15 }, sizes), retransmit: { initialRtoMs: 20 } };
    const a = await open(1, addrs, net);
    const b = await open(2, addrs, net);
    for (let burst = 0; burst < 10; burst++) {
      for (let i = 0; i < 20; i++) a.ch.send({ sid: 2, data: Buffer.from(`a${burst * 20 + i}`) });
      b.ch.send({ sid: 1, data: Buffer.from(`b${burst}`) });
      expect(await until(() => b.got.length === (burst + 1) * 20, 10_000)).toBe(true);
    }
    expect(b.texts()).toEqual(Array.from({ length: 200 }, (_, i) => `a${i}`));
    expect(b.got.every((p) => p.sid === 1)).toBe(true);
    // One at a time, b's messages may be superseded while a round of losses hides a from
    // b (only the newest is kept then), but what arrives is in order, once, and the last.
    expect(await until(() => a.texts().includes('b9'), 10_000)).toBe(true);
    const fromB = a.texts().map((t) => Number(t.slice(1)));
    expect(fromB).toEqual([...new Set(fromB)].sort((x, y) => x - y));
    expect(fromB[fromB.length - 1]).toBe(9);
    await sleep(100);
    expect(b.got).toHaveLength(200);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_DATAGRAM);
  });

  it('carries a message larger than a datagram in MTU-sized pieces, through loss', async () => {
    const addrs = await addresses([1, 2]);
    const sizes: number[] = [];
    const net = { outboundHook: lossy(7, { drop: 0.2, dup: 0.05, maxDelayMs: 5 }, sizes), retransmit: { initialRtoMs: 20 } };
    const a = await open(1, addrs, net);
    const b = await open(2, addrs, net);
    const big = Buffer.alloc(100_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 13) & 0xff;
    a.ch.send({ sid: 2, data: big });
    expect(await until(() => b.got.length === 1, 15_000)).toBe(true);
    expect(b.got[0].data.equals(big)).toBe(true);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_DATAGRAM);
  });

  it('sends the last message again to a peer that restarted, when it is first heard from', async () => {
    const addrs = await addresses([1, 2]);
    const a = await open(1, addrs);
    let b = await open(2, addrs);
    a.ch.send({ sid: 2, data: Buffer.from('vote') });
    expect(await until(() => b.got.length === 1, 5_000)).toBe(true);
    await b.ch.close();
    b = await open(2, addrs, { incarnation: b.ch.incarnation + 1n });
    b.ch.send({ sid: 1, data: Buffer.from('hello again') });
    expect(await until(() => b.texts().includes('vote'), 5_000)).toBe(true);
    expect(await until(() => a.texts().includes('hello again'), 5_000)).toBe(true);
  });

  it('keeps only the newest message for a peer that is down, and delivers it when the peer comes up', async () => {
    const addrs = await addresses([1, 2]);
    const a = await open(1, addrs, { retransmit: { initialRtoMs: 10, maxRtoMs: 80 } });
    for (let i = 0; i < 5; i++) a.ch.send({ sid: 2, data: Buffer.from(`n${i}`) });
    await sleep(300);
    const b = await open(2, addrs);
    expect(await until(() => b.texts().includes('n4'), 5_000)).toBe(true);
    await sleep(100);
    expect(b.texts()).toEqual(['n4']);
  });

  it('ignores garbage and datagrams from servers it does not know, and goes on working', async () => {
    const addrs = await addresses([1, 2]);
    const a = await open(1, addrs);
    const b = await open(2, addrs);
    const raw = dgram.createSocket('udp4');
    const to = addrs.get(2)!;
    await new Promise<void>((r) => raw.send(Buffer.from('not a datagram'), to.port, to.host, () => r()));
    const stranger = encodeData({ from: 9n, incarnation: 1n, seq: 1, base: 1, payload: Buffer.from('intruder') })[0];
    await new Promise<void>((r) => raw.send(stranger, to.port, to.host, () => r()));
    raw.close();
    a.ch.send({ sid: 2, data: Buffer.from('real') });
    expect(await until(() => b.got.length === 1, 5_000)).toBe(true);
    expect(b.texts()).toEqual(['real']);
  });

  it('delivers a message to itself, refuses an empty one, and completes inbound$ on close', async () => {
    const addrs = await addresses([1, 2]);
    const a = await open(1, addrs);
    a.ch.send({ sid: 1, data: Buffer.from('me') });
    expect(await until(() => a.got.length === 1, 1_000)).toBe(true);
    expect(a.got[0].sid).toBe(1);
    expect(() => a.ch.send({ sid: 2, data: Buffer.alloc(0) })).toThrow(DatagramError);
    let done = false;
    a.ch.inbound$.subscribe({ complete: () => (done = true) });
    await a.ch.close();
    expect(done).toBe(true);
    a.ch.send({ sid: 2, data: Buffer.from('after close') });
  });
});
