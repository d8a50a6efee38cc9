import { connect, type Socket } from 'node:net';
import { BinaryOutputArchive, ConnectRequest, ExistsRequest, encode, RequestHeader } from '../../lib/jute';
import { Code, OpCode } from '../../lib/protocol';
import type { StandaloneServer } from '../../lib/server';
import type { RawClient } from '../support/raw-client';
import { TestWorld, eventually, sleep } from './helpers/server';

const world = new TestWorld();
afterEach(() => world.stopAll());

async function stillServes(c: RawClient): Promise<void> {
  const r = await c.request(OpCode.exists, new ExistsRequest({ path: '/', watch: false }));
  expect(r.err).toBe(Code.OK);
}

function frame(...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** Opens a raw socket and resolves when the server has closed it (or rejects after `ms`). */
function rawSocket(s: StandaloneServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: s.host, port: s.port });
    sock.on('error', () => undefined);
    sock.once('connect', () => resolve(sock));
    sock.once('error', reject);
  });
}

function closedWithin(sock: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (sock.destroyed || sock.readableEnded) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(t);
      resolve(true);
    };
    sock.once('end', done);
    sock.once('close', done);
  });
}

async function withBystander() {
  const s = await world.server();
  const bystander = await world.client(s);
  await stillServes(bystander);
  return { s, bystander };
}

describe('bad input on the client port closes only that connection', () => {
  it.each([
    ['a length over jute.maxbuffer', () => Buffer.from([0x00, 0x10, 0x00, 0x00])],
    ['a negative length', () => Buffer.from([0xff, 0xff, 0xff, 0xf0])],
    ['garbage that is not a ConnectRequest', () => frame(Buffer.from('not a connect request'))],
    ['four letters no one knows (read as a huge length)', () => Buffer.from('abcd')],
    [
      'a request before the handshake',
      () => frame(encode(new RequestHeader({ xid: 1, type: OpCode.exists }), new ExistsRequest({ path: '/', watch: false }))),
    ],
  ])('%s', async (_what, bytes) => {
    const { s, bystander } = await withBystander();
    const sock = await rawSocket(s);
    sock.write(bytes());
    expect(await closedWithin(sock, 2000)).toBe(true);
    sock.destroy();
    await stillServes(bystander);
    expect(s.server.isRunning()).toBe(true);
  });

  it('an unknown opcode after the handshake: Unimplemented, then closed', async () => {
    const { s, bystander } = await withBystander();
    const c = await world.client(s);
    const r = await c.requestBytes(999, Buffer.alloc(0));
    expect(r.err).toBe(Code.UNIMPLEMENTED);
    expect(await c.waitClosed(2000)).toBe(true);
    await stillServes(bystander);
    expect(s.server.getNumAliveConnections()).toBe(1);
  });

  it('a request body that does not decode gets an error reply and the server carries on', async () => {
    const { s, bystander } = await withBystander();
    const c = await world.client(s);
    const r = await c.requestBytes(OpCode.getData, Buffer.from([0, 0, 0]));
    expect(r.err).not.toBe(Code.OK);
    await stillServes(bystander);
    expect(s.server.isRunning()).toBe(true);
  });

  it('a header cut short closes the connection', async () => {
    const { s, bystander } = await withBystander();
    const c = await world.client(s);
    c.sendRaw(frame(Buffer.from([0, 0, 0, 1]))); // 4 bytes: half a RequestHeader
    expect(await c.waitClosed(2000)).toBe(true);
    await stillServes(bystander);
  });

  it('a half-closed socket is closed by the server, and its session lives on until it expires', async () => {
    const { s, bystander } = await withBystander();
    const c = await world.client(s, { timeout: 2000, autoPing: false });
    const id = c.sessionId;
    c.socket.end();
    expect(await c.waitClosed(2000)).toBe(true);
    expect(s.server.sessionTracker.isTrackingSession(id)).toBe(true);
    await stillServes(bystander);
  });

  it('a frame cut off by the client closing leaves the server well', async () => {
    const { s, bystander } = await withBystander();
    const sock = await rawSocket(s);
    sock.end(Buffer.from([0, 0, 0, 100, 1, 2, 3])); // promises 100 bytes, sends 3, closes
    expect(await closedWithin(sock, 2000)).toBe(true);
    await stillServes(bystander);
    await eventually(() => s.server.getNumAliveConnections() === 1, 2000, 'the cut-off connection to be forgotten');
  });

  it('a ConnectRequest split across many tiny writes still works', async () => {
    const s = await world.server();
    const sock = await rawSocket(s);
    const oa = new BinaryOutputArchive();
    const at = oa.beginFrame();
    new ConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 2000, sessionId: 0n, passwd: Buffer.alloc(16) }).serialize(oa);
    oa.writeBool(false, 'readOnly');
    oa.endFrame(at);
    const bytes = Buffer.from(oa.toBuffer());
    const got: Buffer[] = [];
    sock.on('data', (d) => got.push(d));
    for (const b of bytes) {
      sock.write(Buffer.from([b]));
      await sleep(1);
    }
    await eventually(() => Buffer.concat(got).length >= 41, 2000, 'a ConnectResponse');
    expect(Buffer.concat(got).readInt32BE(0)).toBe(37); // 36 bytes of record + the read-only flag
    sock.destroy();
  });
});

describe('maxClientCnxns', () => {
  it('closes a connection over the per-address limit at once and accepts again after one leaves', async () => {
    const s = await world.server({ maxClientCnxns: 2 });
    const a = await world.client(s);
    const b = await world.client(s);
    const third = await rawSocket(s);
    expect(await closedWithin(third, 2000)).toBe(true);
    expect(s.server.cnxnFactory.rejectedConnections).toBe(1);
    await stillServes(a);
    await stillServes(b);
    b.destroy();
    await eventually(() => s.server.getNumAliveConnections() === 1, 2000, 'b to be gone');
    const c = await world.client(s);
    await stillServes(c);
  });
});
