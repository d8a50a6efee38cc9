import { CreateRequest, DeleteRequest, ExistsRequest, ReplyHeader } from '../../lib/jute';
import { BinaryInputArchive } from '../../lib/jute/binary-input-archive';
import { silentLogger } from '../../lib/core/logger';
import { Code, CreateMode, OpCode, Xid } from '../../lib/protocol';
import { startStandaloneServer, type StandaloneServer } from '../../lib/server';
import { storageMemoryModule } from '../../plugins/storage-memory';
import { transportTcpModule } from '../../plugins/transport-tcp';
import { OPEN_ACL } from '../support/raw-ops';
import { FakeConnection, connectFrame, requestFrame } from './helpers/fake-connection';
import { VirtualClock } from './helpers/virtual-clock';

/** Lets the chain's promise-based steps (group commit) run; virtual time does not move. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

let server: StandaloneServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(clock: VirtualClock, cfg = {}) {
  server = await startStandaloneServer(
    { clientPort: 0, tickTime: 100, ...cfg },
    { plugins: [storageMemoryModule(), transportTcpModule()], clock, logger: silentLogger },
  );
  return server;
}

async function connectFake(s: StandaloneServer, timeout: number): Promise<FakeConnection> {
  const c = new FakeConnection();
  s.server.cnxnFactory.accept(c);
  c.send(connectFrame(timeout));
  await settle();
  expect(c.frames).toHaveLength(1);
  return c;
}

const lastReply = (c: FakeConnection) => ReplyHeader.deserialize(new BinaryInputArchive(c.frames[c.frames.length - 1]));

describe('a server on a virtual clock', () => {
  it('expires a silent session exactly on the tick after its timeout, and keeps a pinging one', async () => {
    const clock = new VirtualClock(1_000_000);
    const s = await start(clock);
    const silent = await connectFake(s, 400);
    const pinging = await connectFake(s, 400);
    silent.send(requestFrame(1, OpCode.create, new CreateRequest({ path: '/e', data: null, acl: OPEN_ACL(), flags: CreateMode.EPHEMERAL })));
    await settle();
    expect(lastReply(silent).err).toBe(Code.OK);
    // Created at t0 = 1,000,000 with timeout 400: due in the bucket at 1,000,500.
    for (let t = 1_000_100; t <= 1_000_400; t += 100) {
      clock.advanceTo(t);
      pinging.send(requestFrame(Xid.ping, OpCode.ping, null));
      await settle();
    }
    expect(silent.ended).toBe(false);
    clock.advanceTo(1_000_499);
    await settle();
    expect(silent.ended).toBe(false);
    clock.advanceTo(1_000_500);
    await settle();
    expect(silent.ended).toBe(true); // expired: closeSession went through the chain and closed it
    expect(pinging.ended).toBe(false);
    pinging.send(requestFrame(2, OpCode.exists, new ExistsRequest({ path: '/e', watch: false })));
    await settle();
    expect(lastReply(pinging)).toMatchObject({ xid: 2, err: Code.NONODE });
  });

  it('closes a connection that never says anything after the sessionless timeout', async () => {
    const clock = new VirtualClock(0);
    const s = await start(clock);
    const mute = new FakeConnection();
    s.server.cnxnFactory.accept(mute);
    clock.advanceBy(9_999);
    expect(mute.ended).toBe(false);
    clock.advanceBy(10_001);
    expect(mute.ended).toBe(true);
    expect(s.server.getNumAliveConnections()).toBe(0);
  });

  it('reaps an emptied container on the container manager tick', async () => {
    const clock = new VirtualClock(0);
    const s = await start(clock, { containerCheckIntervalMs: 1000 });
    const c = await connectFake(s, 4000);
    const send = async (xid: number, type: number, path: string, flags: number = CreateMode.PERSISTENT) => {
      c.send(requestFrame(xid, type, new CreateRequest({ path, data: null, acl: OPEN_ACL(), flags })));
      await settle();
      return lastReply(c);
    };
    expect((await send(1, OpCode.createContainer, '/box', CreateMode.CONTAINER)).err).toBe(Code.OK);
    expect((await send(2, OpCode.create, '/box/x')).err).toBe(Code.OK);
    c.send(requestFrame(3, OpCode.delete, new DeleteRequest({ path: '/box/x', version: -1 })));
    await settle();
    expect(s.server.dataTree.getNode('/box')).toBeDefined();
    clock.advanceTo(1000);
    await settle();
    expect(s.server.dataTree.getNode('/box')).toBeUndefined();
  });
});
