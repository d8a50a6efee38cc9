import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import {
  AuthPacket,
  BinaryOutputArchive,
  ConnectRequest,
  ConnectResponse,
  CreateRequest,
  ExistsRequest,
  FrameDecoder,
  GetDataRequest,
  GetDataResponse,
  SetDataRequest,
  WhoAmIResponse,
  DeleteRequest,
  decode,
} from '../../lib/jute';
import { Code, CreateMode, EventType, KeeperState, OpCode, Xid } from '../../lib/protocol';
import { generatePasswd } from '../../lib/server/session-tracker';
import type { FourLetterWordHandler } from '../../lib/server/four-letter-word-hook';
import { OPEN_ACL } from '../support/raw-ops';
import { TestWorld, eventually, sleep } from './helpers/server';

const world = new TestWorld();
afterEach(() => world.stopAll());

const create = (path: string, data = '', flags: number = CreateMode.PERSISTENT) =>
  new CreateRequest({ path, data: Buffer.from(data), acl: OPEN_ACL(), flags });

describe('session handshake', () => {
  it('negotiates the timeout into [min, max] and answers with a Java password and the read-only flag', async () => {
    const s = await world.server({ tickTime: 100 }); // min 200, max 2000
    const hi = await world.client(s, { timeout: 60_000 });
    expect(hi.session.timeOut).toBe(2000);
    expect(hi.session.passwd).toEqual(generatePasswd(hi.sessionId));
    expect(hi.readOnlyFlag).toBe(false);
    expect(Number(BigInt.asUintN(64, hi.sessionId) >> 56n)).toBe(1); // standalone's server id byte, as Java
    const lo = await world.client(s, { timeout: 1 });
    expect(lo.session.timeOut).toBe(200);
    expect(lo.sessionId).toBe(hi.sessionId + 1n);
  });

  it('answers an old client (no read-only flag) without one', async () => {
    const s = await world.server();
    const sock = connect({ host: s.host, port: s.port });
    world.onCleanup(() => void sock.destroy());
    await new Promise((r) => sock.once('connect', r));
    const oa = new BinaryOutputArchive();
    const at = oa.beginFrame();
    new ConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 1000, sessionId: 0n, passwd: Buffer.alloc(16) }).serialize(oa);
    oa.endFrame(at);
    sock.write(Buffer.from(oa.toBuffer()));
    const dec = new FrameDecoder();
    const frame = await new Promise<Buffer>((resolve) => sock.on('data', (d) => dec.push(d).forEach(resolve)));
    expect(frame.length).toBe(36); // ConnectResponse alone
    const rsp = decode(ConnectResponse, frame, { exact: true });
    expect(rsp.timeOut).toBe(1000);
  });

  it('resumes a session with the right password and closes the connection that held it', async () => {
    const s = await world.server();
    const a = await world.client(s, { timeout: 2000 });
    expect((await a.request(OpCode.create, create('/e', 'x', CreateMode.EPHEMERAL))).err).toBe(Code.OK);
    const b = await world.client(s, { sessionId: a.sessionId, passwd: a.session.passwd!, timeout: 2000, lastZxidSeen: a.lastZxid });
    expect(b.sessionId).toBe(a.sessionId);
    expect(b.session.timeOut).toBe(2000);
    expect(await a.waitClosed(2000)).toBe(true);
    // Same session: the ephemeral is still there and still ours.
    const r = await b.request(OpCode.exists, new ExistsRequest({ path: '/e', watch: false }));
    expect(r.err).toBe(Code.OK);
  });

  // Java closes the connection holding the session before it checks the password; zoolab
  // checks first, so a guessed session id cannot knock its owner off.
  it('refuses a wrong password with session 0, timeout 0 and a close, leaving the owner connected', async () => {
    const s = await world.server();
    const a = await world.client(s);
    const bad = Buffer.from(a.session.passwd!);
    bad[0] ^= 1;
    const b = await world.client(s, { sessionId: a.sessionId, passwd: bad });
    expect(b.session.sessionId).toBe(0n);
    expect(b.session.timeOut).toBe(0);
    expect(b.session.passwd).toEqual(Buffer.alloc(16));
    expect(await b.waitClosed(2000)).toBe(true);
    // The real owner is untouched.
    expect((await a.request(OpCode.exists, new ExistsRequest({ path: '/', watch: false }))).err).toBe(Code.OK);
  });

  it('refuses to resume an expired session', async () => {
    const s = await world.server({ tickTime: 50 });
    const a = await world.client(s, { timeout: 100, autoPing: false }); // negotiated to min 100
    const { sessionId, passwd } = a.session;
    expect(await a.waitClosed(3000)).toBe(true); // expiry closes the connection
    const b = await world.client(s, { sessionId, passwd: passwd! });
    expect(b.sessionRefused).toBe(true);
    expect(await b.waitClosed(2000)).toBe(true);
  });

  it('refuses a client that has seen a later zxid than the server', async () => {
    const s = await world.server();
    const c = await world.open(s);
    await expect(c.handshakeWith({ lastZxidSeen: 1000n })).rejects.toThrow();
    expect(await c.waitClosed(2000)).toBe(true);
  });
});

describe('requests and replies', () => {
  it('answers pipelined requests in order, each with the zxid it saw', async () => {
    const s = await world.server();
    const c = await world.client(s);
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? c.request(OpCode.create, create(`/p${i}`, String(i)))
          : c.request(OpCode.getData, new GetDataRequest({ path: `/p${i - (i % 3)}`, watch: false })),
      ),
    );
    expect(c.arrivals.filter((a) => a.kind === 'reply').map((a) => (a as { xid: number }).xid)).toEqual(
      replies.map((r) => r.xid),
    );
    expect(replies.map((r) => r.xid)).toEqual([...replies.map((r) => r.xid)].sort((x, y) => x - y));
    for (const [i, r] of replies.entries()) {
      expect(r.err).toBe(Code.OK);
      if (i % 3 !== 0) expect(decode(GetDataResponse, r.body).data!.toString()).toBe(String(i - (i % 3)));
    }
    const zxids = replies.map((r) => r.zxid);
    expect(zxids).toEqual([...zxids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  });

  it('delivers a watch notification (xid -1, SyncConnected) before the reply of the write that fired it', async () => {
    const s = await world.server();
    const c = await world.client(s);
    await c.request(OpCode.create, create('/w', 'a'));
    await c.request(OpCode.getData, new GetDataRequest({ path: '/w', watch: true }));
    const set = await c.request(OpCode.setData, new SetDataRequest({ path: '/w', data: Buffer.from('b'), version: -1 }));
    expect(set.err).toBe(Code.OK);
    const tail = c.arrivals.slice(-2);
    expect(tail[0]).toEqual({ kind: 'event', event: { type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: '/w' } });
    expect(tail[1]).toMatchObject({ kind: 'reply', op: OpCode.setData });
  });

  it('notifies another session of a change', async () => {
    const s = await world.server();
    const watcher = await world.client(s);
    const writer = await world.client(s);
    await writer.request(OpCode.create, create('/n', 'a'));
    await watcher.request(OpCode.exists, new ExistsRequest({ path: '/n', watch: true }));
    await writer.request(OpCode.delete, new DeleteRequest({ path: '/n', version: -1 }));
    const e = await watcher.waitForEvent((ev) => ev.path === '/n', 5000, 0);
    expect(e.type).toBe(EventType.NodeDeleted);
  });

  it('answers a ping with xid -2 and the last zxid', async () => {
    const s = await world.server();
    const c = await world.client(s, { autoPing: false });
    const created = await c.request(OpCode.create, create('/z'));
    const ping = await c.request(OpCode.ping, null, { xid: Xid.ping });
    expect(ping.xid).toBe(Xid.ping);
    expect(ping.zxid).toBe(created.zxid);
  });

  it('closes the session on closeSession: reply, then the connection goes and so do its ephemerals', async () => {
    const s = await world.server();
    const a = await world.client(s);
    const b = await world.client(s);
    await a.request(OpCode.create, create('/eph', '', CreateMode.EPHEMERAL));
    const reply = await a.closeSession();
    expect(reply.err).toBe(Code.OK);
    expect(a.closed).toBe(true);
    expect((await b.request(OpCode.exists, new ExistsRequest({ path: '/eph', watch: false }))).err).toBe(Code.NONODE);
    expect(s.server.sessionTracker.isTrackingSession(a.sessionId)).toBe(false);
  });
});

describe('authentication', () => {
  it('adds digest ids to the connection (whoAmI shows them)', async () => {
    const s = await world.server();
    const c = await world.client(s);
    const r = await c.request(OpCode.auth, new AuthPacket({ type: 0, scheme: 'digest', auth: Buffer.from('alice:secret') }), { xid: Xid.auth });
    expect(r.err).toBe(Code.OK);
    const who = decode(WhoAmIResponse, (await c.request(OpCode.whoAmI, null)).body);
    expect(who.clientInfo!.map((i) => [i.authScheme, i.user])).toEqual([
      ['ip', '127.0.0.1'],
      ['digest', 'alice'],
    ]);
  });

  it('answers AUTHFAILED for an unknown scheme and closes only that connection', async () => {
    const s = await world.server();
    const other = await world.client(s);
    const c = await world.client(s);
    const r = await c.request(OpCode.auth, new AuthPacket({ type: 0, scheme: 'kerberos?', auth: Buffer.from('x') }), { xid: Xid.auth });
    expect(r.err).toBe(Code.AUTHFAILED);
    expect(await c.waitClosed(2000)).toBe(true);
    expect(s.server.serverStats.getAuthFailedCount()).toBe(1);
    expect((await other.request(OpCode.exists, new ExistsRequest({ path: '/', watch: false }))).err).toBe(Code.OK);
  });
});

describe('sessions over the wire', () => {
  it('expires a silent session and removes its ephemerals; a pinging one lives on', async () => {
    const s = await world.server({ tickTime: 50 });
    const silent = await world.client(s, { timeout: 200, autoPing: false });
    const pinging = await world.client(s, { timeout: 200 });
    await silent.request(OpCode.create, create('/silent', '', CreateMode.EPHEMERAL));
    await pinging.request(OpCode.create, create('/pinging', '', CreateMode.EPHEMERAL));
    expect(await silent.waitClosed(3000)).toBe(true);
    await sleep(400);
    expect(pinging.closed).toBe(false);
    expect((await pinging.request(OpCode.exists, new ExistsRequest({ path: '/silent', watch: false }))).err).toBe(Code.NONODE);
    expect((await pinging.request(OpCode.exists, new ExistsRequest({ path: '/pinging', watch: false }))).err).toBe(Code.OK);
  });
});

describe('four-letter words', () => {
  const handler: FourLetterWordHandler = {
    isFourLetterWord: (w) => w === 'ruok' || w === 'stmk' || w === 'srvr',
    async handle(word, server, cnxn) {
      if (word === 'stmk') return `mask ${(await cnxn.readBytes(8)).readBigInt64BE(0)}`;
      if (word === 'srvr') return `Zxid: 0x${server.getLastProcessedZxid().toString(16)}\nConnections: ${server.getNumAliveConnections()}\n`;
      return 'imok';
    },
  };

  async function ask(port: number, bytes: Buffer, halfClose = false): Promise<string> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port });
      const got: Buffer[] = [];
      sock.on('data', (d) => got.push(d));
      sock.on('error', reject);
      sock.on('close', () => resolve(Buffer.concat(got).toString()));
      sock.on('connect', () => (halfClose ? sock.end(bytes) : sock.write(bytes)));
    });
  }

  it('hands a known word to the handler, writes its answer and closes', async () => {
    const s = await world.server({}, { fourLetterWords: handler });
    expect(await ask(s.port, Buffer.from('ruok'))).toBe('imok');
    expect(await ask(s.port, Buffer.from('ruok'), true)).toBe('imok'); // nc-style half-close
    const mask = Buffer.alloc(12);
    mask.write('stmk');
    mask.writeBigInt64BE(42n, 4);
    expect(await ask(s.port, mask)).toBe('mask 42');
    expect(await ask(s.port, Buffer.from('srvr'))).toMatch(/^Zxid: 0x0\nConnections: 1\n$/);
  });

  it('treats the word as a length when four-letter words are off', async () => {
    const s = await world.server({}, { fourLetterWords: null });
    expect(await ask(s.port, Buffer.from('ruok'))).toBe('');
  });

  it("answers ZooKeeper's words by default, within the whitelist", async () => {
    const s = await world.server({ fourLetterWordWhitelist: ['ruok', 'srvr'] });
    expect(await ask(s.port, Buffer.from('ruok'))).toBe('imok');
    expect(await ask(s.port, Buffer.from('srvr'))).toMatch(/Mode: standalone\n/);
    expect(await ask(s.port, Buffer.from('stat'))).toBe('stat is not executed because it is not in the whitelist.\n');
  });
});

describe('logging', () => {
  it('logs why a connection was closed', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const s = await world.server({}, { logger: pino({ level: 'info' }, sink) });
    const c = await world.open(s);
    c.sendRaw(Buffer.from([0x7f, 0, 0, 0]));
    expect(await c.waitClosed(2000)).toBe(true);
    await eventually(() => lines.some((l) => l.includes('closing client connection')), 2000, 'the close to be logged');
    const line = JSON.parse(lines.find((l) => l.includes('closing client connection'))!);
    expect(line.reason).toMatch(/len error: .*exceeds jute.maxbuffer=1048575/);
  });
});
