import {
  ConnectionLossError,
  EventType,
  KeeperState,
  RequestTimeoutError,
  SessionExpiredError,
  States,
  ZooKeeper,
  type WatchedEvent,
  type ZooKeeperOptions,
} from '../../lib/client';
import { SeededRandom } from '../../lib/core/random';
import { BinaryInputArchive, GetDataResponse, SetWatches, Stat } from '../../lib/jute';
import { OpCode, Xid } from '../../lib/protocol';
import { FakeServer, MemoryNetwork, VirtualClock, settle } from './support/memory-network';

/**
 * The client's protocol machinery against scripted servers on an in-memory network, in
 * virtual time: handshake bytes, pings, read timeouts, reconnects, expiry, read-only mode,
 * protocol violations. Nothing here waits on a wall clock.
 */
describe('client protocol (in-memory network, virtual time)', () => {
  let clock: VirtualClock;
  let net: MemoryNetwork;
  const made: ZooKeeper[] = [];

  const client = (connectString: string, opts: ZooKeeperOptions = {}) => {
    const zk = new ZooKeeper(connectString, { clock, socketFactory: net, random: new SeededRandom(1), sessionTimeout: 3000, spinDelayMs: 0, ...opts });
    made.push(zk);
    return zk;
  };
  const run = async (ms: number, step = 10) => {
    for (let t = 0; t < ms; t += step) {
      clock.advanceBy(Math.min(step, ms - t));
      await settle();
    }
  };
  const events = (zk: ZooKeeper) => {
    const out: WatchedEvent[] = [];
    zk.events$.subscribe((e) => out.push(e));
    return out;
  };

  beforeEach(() => {
    clock = new VirtualClock();
    net = new MemoryNetwork();
  });
  afterEach(async () => {
    for (const zk of made.splice(0)) {
      const closing = zk.close();
      await run(5000, 100);
      await closing;
    }
  });

  it('opens with a ConnectRequest followed by the read-only flag', async () => {
    const s = net.add('h:1', new FakeServer());
    const zk = client('h:1', { canBeReadOnly: true, sessionTimeout: 5000 });
    await run(10);
    expect(zk.state).toBe(States.CONNECTED);
    const { request, readOnly } = s.last.connect!;
    expect(request.toJSON()).toEqual({ protocolVersion: 0, lastZxidSeen: '0', timeOut: 5000, sessionId: '0', passwd: '00000000000000000000000000000000' });
    expect(readOnly).toBe(true);
    expect(zk.sessionId).toBe(0x100n);
    expect(zk.sessionTimeout).toBe(5000);
  });

  it('accepts a server that sends no read-only flag', async () => {
    net.add('h:1', new FakeServer({ omitReadOnlyFlag: true }));
    const zk = client('h:1');
    await run(10);
    expect(zk.state).toBe(States.CONNECTED);
  });

  it('pings every readTimeout/2 of idleness and stays connected', async () => {
    const s = net.add('h:1', new FakeServer());
    const zk = client('h:1', { sessionTimeout: 3000 });
    await run(10);
    await run(10000);
    const pings = s.last.requests.filter((r) => r.type === OpCode.ping);
    // readTimeout = 2000: a ping after each 1000 ms without sending.
    expect(pings.length).toBeGreaterThanOrEqual(9);
    expect(pings.length).toBeLessThanOrEqual(11);
    expect(pings.every((p) => p.xid === Xid.ping)).toBe(true);
    expect(zk.state).toBe(States.CONNECTED);
    expect(s.all).toHaveLength(1);
  });

  it('drops a silent connection after readTimeout and reconnects to the next server with the same session', async () => {
    const a = net.add('a:1', new FakeServer({ answerPings: false }));
    const b = net.add('b:1', new FakeServer());
    const zk = client('a:1,b:1');
    const seen = events(zk);
    await run(10);
    const first = a.all.length ? a : b;
    const id = zk.sessionId;
    first.opts.answerPings = false;
    (first === a ? b : a).opts.answerPings = true;
    await run(1900);
    expect(zk.state).toBe(States.CONNECTED);
    await run(300);
    expect(zk.state).not.toBe(States.CONNECTED);
    await run(2000);
    expect(zk.state).toBe(States.CONNECTED);
    expect(zk.sessionId).toBe(id);
    const second = first === a ? b : a;
    expect(second.last.connect!.request.sessionId).toBe(id);
    expect(seen.map((e) => e.state)).toEqual([KeeperState.SyncConnected, KeeperState.Disconnected, KeeperState.SyncConnected]);
  });

  it('tries the hosts in a shuffled order fixed by the injected Random', async () => {
    for (const h of ['a:1', 'b:1', 'c:1', 'd:1']) net.add(h, new FakeServer({ timeout: 3000 }));
    const order = (seed: number) => {
      const n = new MemoryNetwork();
      const zk = new ZooKeeper('a:1,b:1,c:1,d:1', { clock, socketFactory: n, random: new SeededRandom(seed), spinDelayMs: 0, reconnectDelayMs: 0 });
      made.push(zk);
      return n;
    };
    const n1 = order(7);
    const n2 = order(7);
    await run(10);
    await run(100);
    expect(n1.attempts.slice(0, 4)).toEqual(n2.attempts.slice(0, 4));
    expect(new Set(n1.attempts.slice(0, 4))).toEqual(new Set(['a:1', 'b:1', 'c:1', 'd:1']));
  });

  it('waits spinDelay after a full round of refused hosts, then keeps trying', async () => {
    const zk = client('a:1,b:1', { spinDelayMs: 1000, reconnectDelayMs: 0 });
    await run(30);
    expect(net.attempts).toHaveLength(2);
    await run(900);
    expect(net.attempts).toHaveLength(2);
    await run(200);
    // The pause comes only when the round wraps to the last host that worked (or the first).
    expect(net.attempts).toEqual(['b:1', 'a:1', 'b:1', 'a:1']);
    await run(500);
    expect(net.attempts).toHaveLength(4);
    net.add('a:1', new FakeServer());
    net.add('b:1', new FakeServer());
    await run(2500);
    expect(zk.state).toBe(States.CONNECTED);
  });

  it('reports Expired when the server answers the reconnect with timeout 0', async () => {
    const s = net.add('h:1', new FakeServer({ autoReply: false }));
    const zk = client('h:1', { reconnectDelayMs: 0 });
    const seen = events(zk);
    await run(10);
    const pending = zk.getData('/x').catch((e) => e);
    await settle();
    s.opts.timeout = 0;
    s.last.close();
    await run(100);
    expect(zk.state).toBe(States.CLOSED);
    expect(await pending).toBeInstanceOf(ConnectionLossError);
    await expect(zk.exists('/')).rejects.toBeInstanceOf(SessionExpiredError);
    expect(seen.map((e) => e.state)).toEqual([KeeperState.SyncConnected, KeeperState.Disconnected, KeeperState.Expired]);
  });

  it('enters CONNECTEDREADONLY, then moves to a read-write server found by "isro"', async () => {
    const ro = net.add('ro:1', new FakeServer({ readOnly: true }));
    const zk = client('ro:1', { canBeReadOnly: true, reconnectDelayMs: 0 });
    const seen = events(zk);
    await run(10);
    expect(zk.state).toBe(States.CONNECTEDREADONLY);
    expect(seen.map((e) => e.state)).toEqual([KeeperState.ConnectedReadOnly]);
    // Only a read-only server seen so far: a reconnect asks for a new session.
    ro.last.close();
    await run(50);
    expect(ro.last.connect!.request.sessionId).toBe(0n);
    // A server that answers "isro" with "rw" appears; the client probes and moves there.
    const rw = net.add('ro:1', new FakeServer({ readOnly: false }));
    await run(2000);
    expect(rw.all.some((c) => c.fourLetterWord === 'isro')).toBe(true);
    expect(zk.state).toBe(States.CONNECTED);
    expect(seen.map((e) => e.state)).toContain(KeeperState.SyncConnected);
  });

  it('drops the connection when a reply comes back with the wrong xid', async () => {
    const s = net.add('h:1', new FakeServer({ autoReply: false }));
    const zk = client('h:1');
    await run(10);
    const r = zk.getData('/a').catch((e) => e);
    await settle();
    await settle();
    const req = s.last.requests.find((q) => q.type === OpCode.getData)!;
    s.last.reply(req.xid + 5);
    await run(10);
    expect(await r).toBeInstanceOf(ConnectionLossError);
    expect(s.all.length).toBeGreaterThanOrEqual(1);
    expect(zk.state).not.toBe(States.CLOSED);
  });

  it('drops the connection on a frame longer than jute.maxbuffer', async () => {
    const s = net.add('h:1', new FakeServer());
    const zk = client('h:1', { maxPacketLength: 1000 });
    const seen = events(zk);
    await run(10);
    s.last.sendRaw(Buffer.from([0, 0, 0x10, 0]));
    await run(10);
    expect(seen.map((e) => e.state)).toContain(KeeperState.Disconnected);
  });

  it('assigns increasing xids at send time and matches replies in order', async () => {
    const s = net.add('h:1', new FakeServer({ autoReply: false }));
    const zk = client('h:1');
    await run(10);
    const results = [zk.getData('/a'), zk.getData('/b'), zk.getData('/c')];
    await settle();
    await settle();
    const reqs = s.last.requests.filter((q) => q.type === OpCode.getData);
    expect(reqs.map((q) => q.xid)).toEqual([1, 2, 3]);
    for (const [i, q] of reqs.entries()) {
      s.last.reply(q.xid, 0, new GetDataResponse({ data: Buffer.from(`d${i}`), stat: new Stat() }), BigInt(10 + i));
    }
    const got = await Promise.all(results);
    expect(got.map((g) => g.data!.toString())).toEqual(['d0', 'd1', 'd2']);
    expect(zk.lastZxid).toBe(12n);
  });

  it('re-sends auth, then SetWatches with the last zxid, before requests queued while reconnecting', async () => {
    const s = net.add('h:1', new FakeServer({ autoReply: false }));
    const zk = client('h:1', { reconnectDelayMs: 0 });
    await run(10);
    await zk.addAuth('digest', 'u:p');
    const w = zk.exists('/watched', { watch: true });
    await settle();
    await settle();
    const ex = s.last.requests.find((q) => q.type === OpCode.exists)!;
    s.last.reply(ex.xid, -101, null, 42n);
    await w;
    s.last.close();
    await settle();
    const queued = zk.getChildren('/q').catch((e) => e);
    await run(100);
    const types = s.last.requests.map((q) => q.type);
    expect(types.slice(0, 3)).toEqual([OpCode.auth, OpCode.setWatches, OpCode.getChildren]);
    for (const q of s.last.requests.slice(1, 3)) s.last.reply(q.xid);
    const sw = SetWatches.deserialize(new BinaryInputArchive(s.last.requests[1].body));
    expect(sw.relativeZxid).toBe(42n);
    expect(sw.existWatches).toEqual(['/watched']);
    expect(s.last.requests[1].xid).toBeGreaterThan(0);
    await queued;
  });

  it('fails a request that goes unanswered for requestTimeoutMs, and reconnects', async () => {
    const s = net.add('h:1', new FakeServer({ autoReply: false }));
    const zk = client('h:1', { requestTimeoutMs: 500, reconnectDelayMs: 0 });
    await run(10);
    const r = zk.getData('/slow').catch((e) => e);
    await run(600);
    expect(await r).toBeInstanceOf(RequestTimeoutError);
    expect(s.all.length).toBe(2);
  });

  it('keeps the clock: nothing happens between ticks of virtual time', async () => {
    net.add('h:1', new FakeServer());
    const zk = client('h:1');
    const seen = events(zk);
    await settle();
    expect(zk.state).toBe(States.CONNECTING);
    await run(10);
    expect(seen.map((e) => [e.type, e.state])).toEqual([[EventType.None, KeeperState.SyncConnected]]);
  });
});
