import { ConnectResponse, CreateRequest, ExistsRequest, ReplyHeader, decode } from '../../lib/jute';
import { BinaryInputArchive } from '../../lib/jute/binary-input-archive';
import { Code, CreateMode, OpCode } from '../../lib/protocol';
import { MemoryTxnLog } from '../../plugins/storage-memory';
import { OPEN_ACL } from '../support/raw-ops';
import { FakeConnection, connectFrame, requestFrame } from './helpers/fake-connection';
import { TestWorld, eventually, sleep } from './helpers/server';

const world = new TestWorld();
afterEach(() => world.stopAll());

const create = (path: string) => new CreateRequest({ path, data: Buffer.alloc(0), acl: OPEN_ACL(), flags: CreateMode.PERSISTENT });
const replies = (c: FakeConnection) =>
  c.frames.slice(1).map((f) => ReplyHeader.deserialize(new BinaryInputArchive(f)));

class SlowTxnLog extends MemoryTxnLog {
  constructor(private readonly delayMs: number) {
    super();
  }
  override async commit(): Promise<void> {
    await sleep(this.delayMs);
    return super.commit();
  }
}

describe('per-connection flow control', () => {
  it('holds requests that arrive with the ConnectRequest until the session exists', async () => {
    const s = await world.server({}, { storage: { txnLog: new SlowTxnLog(20) } });
    const c = new FakeConnection();
    s.server.cnxnFactory.accept(c);
    c.send(Buffer.concat([connectFrame(), requestFrame(1, OpCode.exists, new ExistsRequest({ path: '/', watch: false }))]));
    expect(c.paused).toBe(true); // no reading until the createSession is durable
    await eventually(() => c.frames.length === 2, 2000, 'the connect response and the reply');
    expect(decode(ConnectResponse, c.frames[0]).timeOut).toBe(2000); // clamped to 20 ticks
    expect(replies(c)[0]).toMatchObject({ xid: 1, err: Code.OK });
    expect(c.paused).toBe(false);
  });

  it('stops reading while the socket buffer is full and resumes on drain', async () => {
    const s = await world.server();
    const c = new FakeConnection();
    s.server.cnxnFactory.accept(c);
    c.send(connectFrame());
    await eventually(() => c.frames.length === 1, 2000, 'the connect response');
    c.writable = false; // the client stops reading
    c.send(Buffer.concat([1, 2, 3].map((x) => requestFrame(x, OpCode.exists, new ExistsRequest({ path: '/', watch: false })))));
    expect(c.paused).toBe(true);
    expect(c.frames).toHaveLength(2); // one answered; the rest wait in the connection
    c.drain();
    await eventually(() => c.frames.length === 4, 2000, 'the held requests to be answered');
    expect(replies(c).map((h) => h.xid)).toEqual([1, 2, 3]);
    expect(c.paused).toBe(false);
  });

  it('stops reading a connection with too many requests in the server', async () => {
    const s = await world.server({}, { storage: { txnLog: new SlowTxnLog(20) }, server: { maxOutstandingPerCnxn: 2 } });
    const c = new FakeConnection();
    s.server.cnxnFactory.accept(c);
    c.send(connectFrame());
    await eventually(() => c.frames.length === 1, 2000, 'the connect response');
    c.send(Buffer.concat([1, 2, 3, 4, 5].map((x) => requestFrame(x, OpCode.create, create(`/n${x}`)))));
    expect(c.paused).toBe(true);
    expect(s.server.getInProcess()).toBe(2);
    await eventually(() => c.frames.length === 6, 3000, 'all five replies');
    expect(replies(c).map((h) => [h.xid, h.err])).toEqual([1, 2, 3, 4, 5].map((x) => [x, Code.OK]));
    expect(c.paused).toBe(false);
  });

  it('throttles connections with requests in flight when the server is over globalOutstandingLimit', async () => {
    const s = await world.server({ globalOutstandingLimit: 1 }, { storage: { txnLog: new SlowTxnLog(20) } });
    const busy = new FakeConnection('127.0.0.10');
    const idle = new FakeConnection('127.0.0.11');
    s.server.cnxnFactory.accept(busy);
    s.server.cnxnFactory.accept(idle);
    busy.send(connectFrame());
    idle.send(connectFrame());
    await eventually(() => busy.frames.length === 1 && idle.frames.length === 1, 2000, 'both sessions');
    busy.send(Buffer.concat([1, 2, 3].map((x) => requestFrame(x, OpCode.create, create(`/b${x}`)))));
    expect(busy.paused).toBe(true);
    expect(idle.paused).toBe(false); // nothing in flight: not throttled
    await eventually(() => busy.frames.length === 4, 3000, 'the busy connection to finish');
    expect(busy.paused).toBe(false);
  });

  it('stops reading connections with requests in flight while the sync backlog is over its high-water mark', async () => {
    const s = await world.server({}, { storage: { txnLog: new SlowTxnLog(30) }, server: { syncHighWaterMark: 3 } });
    const c = new FakeConnection();
    s.server.cnxnFactory.accept(c);
    c.send(connectFrame());
    await eventually(() => c.frames.length === 1, 2000, 'the connect response');
    c.send(Buffer.concat([1, 2, 3, 4, 5, 6].map((x) => requestFrame(x, OpCode.create, create(`/s${x}`)))));
    await sleep(5);
    expect(c.paused).toBe(true);
    await eventually(() => c.frames.length === 7, 3000, 'all replies');
    expect(c.paused).toBe(false);
  });
});
