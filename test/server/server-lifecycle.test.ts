import { CreateRequest, CreateTTLRequest, DeleteRequest, DeleteTxn, ExistsRequest, GetDataRequest, GetDataResponse, TxnHeader, decode } from '../../lib/jute';
import { Code, CreateMode, OpCode } from '../../lib/protocol';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryTxnLog } from '../../plugins/storage-memory';
import { OPEN_ACL } from '../support/raw-ops';
import { TestWorld, eventually, sleep } from './helpers/server';

const world = new TestWorld();
afterEach(() => world.stopAll());

const create = (path: string, data = '', flags: number = CreateMode.PERSISTENT) =>
  new CreateRequest({ path, data: Buffer.from(data), acl: OPEN_ACL(), flags });
const exists = (path: string) => new ExistsRequest({ path, watch: false });

/** A txn log whose commits take a while, as an fsync does. */
class SlowTxnLog extends MemoryTxnLog {
  constructor(private readonly delayMs: number) {
    super();
  }
  override async commit(): Promise<void> {
    await sleep(this.delayMs);
    return super.commit();
  }
}

describe('restart from the txn log', () => {
  it('restores znodes, the zxid and live sessions (which can resume)', async () => {
    const log = new MemoryTxnLog();
    const s1 = await world.server({}, { storage: { txnLog: log } });
    const a = await world.client(s1, { timeout: 2000 });
    await a.request(OpCode.create, create('/persist', 'kept'));
    const last = await a.request(OpCode.create, create('/eph', '', CreateMode.EPHEMERAL));
    const { sessionId, passwd } = a.session;
    await s1.close();

    const s2 = await world.server({}, { storage: { txnLog: log } });
    expect(s2.server.getLastProcessedZxid()).toBe(last.zxid);
    const b = await world.client(s2);
    const got = await b.request(OpCode.getData, new GetDataRequest({ path: '/persist', watch: false }));
    expect(decode(GetDataResponse, got.body).data!.toString()).toBe('kept');
    const next = await b.request(OpCode.create, create('/after'));
    expect(next.zxid).toBeGreaterThan(last.zxid);
    const again = await world.client(s2, { sessionId, passwd: passwd!, lastZxidSeen: last.zxid });
    expect(again.sessionRefused).toBe(false);
    expect((await again.request(OpCode.exists, exists('/eph'))).err).toBe(Code.OK);
  });

  it("expires a restored session nobody comes back for, and drops its ephemerals", async () => {
    const log = new MemoryTxnLog();
    const s1 = await world.server({ tickTime: 50 }, { storage: { txnLog: log } });
    const a = await world.client(s1, { timeout: 200 });
    await a.request(OpCode.create, create('/eph', '', CreateMode.EPHEMERAL));
    await s1.close();
    const s2 = await world.server({ tickTime: 50 }, { storage: { txnLog: log } });
    const b = await world.client(s2);
    expect((await b.request(OpCode.exists, exists('/eph'))).err).toBe(Code.OK);
    await eventually(async () => (await b.request(OpCode.exists, exists('/eph'))).err === Code.NONODE, 3000, 'the ephemeral to go');
  });

  it('keeps the log in files under dataDir (default plugins) and restores from them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoolab-server-'));
    world.onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const s1 = await world.server({ dataDir: dir });
    const a = await world.client(s1);
    const made = await a.request(OpCode.create, create('/durable', 'yes'));
    await s1.close();
    expect(readdirSync(join(dir, 'version-2')).some((f) => f.startsWith('log.'))).toBe(true);
    const s2 = await world.server({ dataDir: dir });
    expect(s2.server.getLastProcessedZxid()).toBe(made.zxid);
    const b = await world.client(s2);
    expect((await b.request(OpCode.exists, exists('/durable'))).err).toBe(Code.OK);
  });

  it('drops what was never committed', async () => {
    const log = new MemoryTxnLog();
    const s1 = await world.server({}, { storage: { txnLog: log } });
    const a = await world.client(s1);
    await a.request(OpCode.create, create('/ok'));
    await s1.close();
    log.reopen();
    log.append({ hdr: new TxnHeader({ clientId: 0n, cxid: 0, zxid: 999n, time: 0n, type: OpCode.delete }), txn: new DeleteTxn({ path: '/ok' }) });
    await log.close(); // crash before the commit
    const s2 = await world.server({}, { storage: { txnLog: log } });
    const b = await world.client(s2);
    expect((await b.request(OpCode.exists, exists('/ok'))).err).toBe(Code.OK);
  });
});

describe('group commit through the server', () => {
  it('answers concurrent writes from many sessions in a few commits, each after its commit', async () => {
    const log = new SlowTxnLog(30);
    const s = await world.server({}, { storage: { txnLog: log } });
    const clients = await Promise.all(Array.from({ length: 20 }, () => world.client(s)));
    const before = log.commitCount;
    const replies = await Promise.all(clients.map((c, i) => c.request(OpCode.create, create(`/g${i}`))));
    expect(replies.every((r) => r.err === Code.OK)).toBe(true);
    const commits = log.commitCount - before;
    expect(commits).toBeLessThanOrEqual(4);
    expect(log.size).toBe(s.server.syncStats.txnsLogged);
    expect(s.server.syncStats.maxBatchSize).toBeGreaterThan(1);
  });
});

describe('ContainerManager', () => {
  it('deletes a container once its last child is gone', async () => {
    const s = await world.server({ containerCheckIntervalMs: 100 });
    const c = await world.client(s);
    expect((await c.request(OpCode.createContainer, create('/box', '', CreateMode.CONTAINER))).err).toBe(Code.OK);
    await sleep(250);
    expect((await c.request(OpCode.exists, exists('/box'))).err).toBe(Code.OK); // never used: kept
    await c.request(OpCode.create, create('/box/item'));
    await c.request(OpCode.delete, new DeleteRequest({ path: '/box/item', version: -1 }));
    await eventually(async () => (await c.request(OpCode.exists, exists('/box'))).err === Code.NONODE, 3000, 'the container to go');
  });

  it('deletes a TTL node unchanged for longer than its TTL', async () => {
    const s = await world.server({ containerCheckIntervalMs: 100, extendedTypesEnabled: true });
    const c = await world.client(s);
    const ttl = new CreateTTLRequest({ path: '/ttl', data: Buffer.from('x'), acl: OPEN_ACL(), flags: CreateMode.PERSISTENT_WITH_TTL, ttl: 200n });
    expect((await c.request(OpCode.createTTL, ttl)).err).toBe(Code.OK);
    expect((await c.request(OpCode.exists, exists('/ttl'))).err).toBe(Code.OK);
    await eventually(async () => (await c.request(OpCode.exists, exists('/ttl'))).err === Code.NONODE, 3000, 'the TTL node to go');
  });

  it('paces deletes to maxPerMinute', async () => {
    const s = await world.server({ containerCheckIntervalMs: 60_000, containerMaxPerMinute: 600 }); // one per 100 ms
    const c = await world.client(s);
    for (const p of ['/c1', '/c2', '/c3']) {
      await c.request(OpCode.createContainer, create(p, '', CreateMode.CONTAINER));
      await c.request(OpCode.create, create(`${p}/x`));
      await c.request(OpCode.delete, new DeleteRequest({ path: `${p}/x`, version: -1 }));
    }
    const cm = s.server.containerManager!;
    cm.checkContainers();
    expect(cm.submitted).toBe(1);
    await eventually(() => cm.submitted === 3, 2000, 'the paced deletes');
    await eventually(async () => (await c.request(OpCode.exists, exists('/c3'))).err === Code.NONODE, 2000, 'all containers to go');
  });
});
