import {
  ConnectRequest,
  ConnectResponse,
  CreateRequest,
  GetDataRequest,
  GetDataResponse,
  ReplyHeader,
  RequestHeader,
  decode,
  encode,
} from '../../lib/jute';
import { BinaryInputArchive } from '../../lib/jute/binary-input-archive';
import { Code, OpCode } from '../../lib/protocol';
import { fourLetterWord } from '../support/four-letter';
import { RawClient } from '../support/raw-client';
import { OPEN_ACL } from '../support/raw-ops';
import { targets, useServer, type RunningServer } from '../support/targets';

/**
 * Bad bytes on the client port, against every target. What Apache ZooKeeper 3.8 does in
 * each case was observed and is what these tests expect: a framing error closes the
 * connection without a reply; a well-framed request the server cannot use gets an error
 * reply (and, for an unknown opcode, a close); none of it disturbs other sessions.
 */
const MAX_BUFFER = 0xfffff; // jute.maxbuffer's default

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function frame(body: Buffer): Buffer {
  return Buffer.concat([int32(body.length), body]);
}

interface Outcome {
  closed: boolean;
  bytes: Buffer;
}

/** Connects (with or without the handshake), sends, and reports what came back. */
async function probe(server: RunningServer, handshake: boolean, send: (c: RawClient) => void, waitMs = 1500): Promise<Outcome> {
  const c = handshake
    ? await RawClient.connect(server.host, server.port, { autoPing: false })
    : await RawClient.open(server.host, server.port);
  const got: Buffer[] = [];
  c.socket.on('data', (d) => got.push(d));
  try {
    send(c);
    const closed = await c.waitClosed(waitMs);
    return { closed, bytes: Buffer.concat(got) };
  } finally {
    c.destroy();
  }
}

function replyOf(bytes: Buffer): { xid: number; zxid: bigint; err: number } {
  expect(bytes.length).toBeGreaterThanOrEqual(20);
  expect(bytes.readInt32BE(0)).toBe(bytes.length - 4);
  return decode(ReplyHeader, bytes.subarray(4));
}

/** A new session on the same server still creates and reads a znode. */
async function expectServerHealthy(server: RunningServer, tag: string): Promise<void> {
  const c = await RawClient.connect(server.host, server.port);
  try {
    const path = `/healthy-${tag}`;
    const created = await c.request(OpCode.create, new CreateRequest({ path, data: Buffer.from(tag), acl: OPEN_ACL(), flags: 0 }));
    expect(created.err).toBe(Code.OK);
    const read = await c.request(OpCode.getData, new GetDataRequest({ path, watch: false }));
    expect(read.err).toBe(Code.OK);
    expect(decode(GetDataResponse, read.body).data?.toString()).toBe(tag);
  } finally {
    await c.closeSession();
  }
}

describe.each(targets)('bad input on the client port ($name)', (target) => {
  const server = useServer(target);

  test('a length prefix above jute.maxbuffer before the handshake closes the connection silently', async () => {
    const o = await probe(server(), false, (c) => c.sendRaw(int32(MAX_BUFFER + 1)));
    expect(o).toEqual({ closed: true, bytes: Buffer.alloc(0) });
    await expectServerHealthy(server(), 'oversize-before');
  });

  test('a length prefix above jute.maxbuffer after the handshake closes the connection silently', async () => {
    const o = await probe(server(), true, (c) => c.sendRaw(int32(0x7fffffff)));
    expect(o).toEqual({ closed: true, bytes: Buffer.alloc(0) });
    await expectServerHealthy(server(), 'oversize-after');
  });

  test('a length prefix of exactly jute.maxbuffer is accepted (the server waits for the body)', async () => {
    const o = await probe(server(), false, (c) => c.sendRaw(int32(MAX_BUFFER)), 500);
    expect(o.closed).toBe(false);
  });

  test.each([
    ['a negative length prefix before the handshake', false, -5],
    ['a negative length prefix after the handshake', true, -1],
    ['a zero length prefix before the handshake', false, 0],
    ['a zero length prefix after the handshake', true, 0],
  ])('%s closes the connection silently', async (_, handshake, len) => {
    const o = await probe(server(), handshake as boolean, (c) => c.sendRaw(int32(len as number)));
    expect(o).toEqual({ closed: true, bytes: Buffer.alloc(0) });
    await expectServerHealthy(server(), `len-${len}-${handshake}`);
  });

  test('garbage framed as a connect request closes the connection silently', async () => {
    const long = await probe(server(), false, (c) => c.sendRaw(frame(Buffer.from('this is not a connect request, only text'))));
    expect(long).toEqual({ closed: true, bytes: Buffer.alloc(0) });
    const short = await probe(server(), false, (c) => c.sendRaw(frame(Buffer.from('abc'))));
    expect(short).toEqual({ closed: true, bytes: Buffer.alloc(0) });
    await expectServerHealthy(server(), 'garbage-before');
  });

  test('a frame too short for a request header closes the connection silently', async () => {
    const o = await probe(server(), true, (c) => c.sendRaw(frame(Buffer.from('xyz'))));
    expect(o).toEqual({ closed: true, bytes: Buffer.alloc(0) });
    await expectServerHealthy(server(), 'garbage-after');
  });

  test('a truncated request body gets MARSHALLINGERROR with its xid and the connection stays usable', async () => {
    const c = await RawClient.connect(server().host, server().port);
    try {
      const body = Buffer.from([0, 0, 0, 9, 0x2f]); // a path that claims 9 bytes and has 1
      const bad = await c.requestBytes(OpCode.getData, body, { xid: 41 });
      expect({ xid: bad.xid, err: bad.err, body: bad.body.length }).toEqual({ xid: 41, err: Code.MARSHALLINGERROR, body: 0 });
      expect(bad.zxid).toBeGreaterThan(0n);
      const good = await c.request(OpCode.getData, new GetDataRequest({ path: '/', watch: false }));
      expect(good.err).toBe(Code.OK);
    } finally {
      await c.closeSession();
    }
  });

  test.each([99, -50, 1000])('unknown opcode %i gets UNIMPLEMENTED (zxid -1) and then the connection is closed', async (op) => {
    const o = await probe(server(), true, (c) => c.sendRaw(frame(encode(new RequestHeader({ xid: 7, type: op })))));
    expect(o.closed).toBe(true);
    const h = replyOf(o.bytes);
    expect({ xid: h.xid, zxid: h.zxid, err: h.err, len: o.bytes.length }).toEqual({ xid: 7, zxid: -1n, err: Code.UNIMPLEMENTED, len: 20 });
    await expectServerHealthy(server(), `unknown-op-${op}`);
  });

  test('the session of a connection closed for an unknown opcode survives and can be resumed', async () => {
    const c = await RawClient.connect(server().host, server().port, { autoPing: false });
    c.sendRaw(frame(encode(new RequestHeader({ xid: 3, type: 77 }))));
    expect(await c.waitClosed(2000)).toBe(true);
    const again = await RawClient.connect(server().host, server().port, {
      sessionId: c.sessionId,
      passwd: c.session.passwd!,
    });
    expect(again.sessionRefused).toBe(false);
    expect(again.sessionId).toBe(c.sessionId);
    await again.closeSession();
  });

  test('a request sent before the connect handshake closes the connection silently', async () => {
    const getData = frame(encode(new RequestHeader({ xid: 1, type: OpCode.getData }), new GetDataRequest({ path: '/', watch: false })));
    const o = await probe(server(), false, (c) => c.sendRaw(getData));
    expect(o).toEqual({ closed: true, bytes: Buffer.alloc(0) });
    await expectServerHealthy(server(), 'before-handshake');
  });

  test('a half-closed socket is closed by the server, before or after the handshake', async () => {
    const before = await probe(server(), false, (c) => c.socket.end());
    expect(before.closed).toBe(true);
    const idle = await probe(server(), true, (c) => c.socket.end());
    expect(idle).toEqual({ closed: true, bytes: Buffer.alloc(0) });
    // A request followed by FIN: Java drops the connection (and the unsent reply) at once.
    const getData = frame(encode(new RequestHeader({ xid: 1, type: OpCode.getData }), new GetDataRequest({ path: '/', watch: false })));
    const busy = await probe(server(), true, (c) => {
      c.sendRaw(getData);
      c.socket.end();
    });
    expect(busy.closed).toBe(true);
    const partial = await probe(server(), true, (c) => {
      c.sendRaw(Buffer.from([0, 0, 0, 20, 1, 2]));
      c.socket.end();
    });
    expect(partial.closed).toBe(true);
    await expectServerHealthy(server(), 'half-close');
  });

  test('a connect request without the read-only byte (an old client) gets a response without it', async () => {
    const req = new ConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 3000, sessionId: 0n, passwd: Buffer.alloc(16) });
    const o = await probe(server(), false, (c) => c.sendRaw(frame(encode(req))), 300);
    expect(o.closed).toBe(false);
    expect(o.bytes.readInt32BE(0)).toBe(36);
    const ia = new BinaryInputArchive(o.bytes.subarray(4));
    const resp = ConnectResponse.deserialize(ia);
    expect(ia.remaining).toBe(0);
    expect(resp.timeOut).toBe(3000);
    expect(resp.sessionId).not.toBe(0n);
    expect(resp.passwd?.length).toBe(16);
  });

  test('a connect request for an unknown session is refused with timeOut 0, session 0, and closed', async () => {
    const req = new ConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 3000, sessionId: 12345n, passwd: Buffer.alloc(16) });
    const o = await probe(server(), false, (c) => c.sendRaw(frame(Buffer.concat([encode(req), Buffer.from([0])]))));
    expect(o.closed).toBe(true);
    expect(o.bytes.readInt32BE(0)).toBe(37);
    const ia = new BinaryInputArchive(o.bytes.subarray(4));
    const resp = ConnectResponse.deserialize(ia);
    expect(resp.toJSON()).toEqual({ protocolVersion: 0, timeOut: 0, sessionId: '0', passwd: '00'.repeat(16) });
    expect(ia.readBool()).toBe(false);
  });

  test('a client that has seen a newer zxid than the server is closed without a response', async () => {
    const req = new ConnectRequest({ protocolVersion: 0, lastZxidSeen: 1n << 40n, timeOut: 3000, sessionId: 0n, passwd: Buffer.alloc(16) });
    const o = await probe(server(), false, (c) => c.sendRaw(frame(Buffer.concat([encode(req), Buffer.from([0])]))));
    expect(o).toEqual({ closed: true, bytes: Buffer.alloc(0) });
    await expectServerHealthy(server(), 'future-zxid');
  });

  test('ruok still answers imok after all of the above', async () => {
    expect(await fourLetterWord(server().host, server().port, 'ruok')).toBe('imok');
  });
});
