import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../lib/core/logger';
import { CreateRequest, GetDataRequest, SetDataRequest } from '../../lib/jute';
import { DataTree } from '../../lib/data/data-tree';
import { SnapshotCheckpointMismatchError, type SnapshotCheckpoint } from '../../lib/persistence/snapshot-store';
import { restore } from '../../lib/persistence/restore';
import { Code, OpCode } from '../../lib/protocol';
import type { StandaloneServer } from '../../lib/server';
import { ZKDatabase } from '../../lib/server/zk-database';
import { startDefaultStandaloneServer } from '../../plugins/defaults';
import { FileSnapshotStore, FileTxnLog, nodeFileIO } from '../../plugins/storage-file';
import { LogCheckpointer } from '../../plugins/storage-file/log-checkpointer';
import { snapshotWorkerScript } from '../../plugins/storage-file/snapshot-worker-client';
import { MemoryTxnLog } from '../../plugins/storage-memory';
import { RawClient } from '../support/raw-client';
import { OPEN_ACL } from '../support/raw-ops';
import { Workload } from './snapshot-fixtures';

jest.setTimeout(60_000);

let work: string;
let n = 0;
beforeAll(() => (work = mkdtempSync(join(tmpdir(), 'zoolab-snapworker-'))));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const newDir = () => join(work, `d${++n}`);

const checkpointOf = (w: Workload, over: Partial<SnapshotCheckpoint> = {}): SnapshotCheckpoint => ({
  zxid: w.tree.lastProcessedZxid,
  digest: w.tree.getTreeDigest(),
  nodeCount: w.tree.getNodeCount(),
  sessionCount: w.sessions.size,
  treeOptions: { extendedTypesEnabled: true },
  ...over,
});

/** A log and a snapshot store in one directory, with a workload logged into it. */
async function logged(): Promise<{ dir: string; log: FileTxnLog; store: FileSnapshotStore; w: Workload }> {
  const dir = newDir();
  const log = await FileTxnLog.open({ dir, forceSync: false });
  const store = await FileSnapshotStore.open({ dir, forceSync: false });
  const w = new Workload(log);
  await store.save(w.tree, w.sessions);
  w.populate();
  await log.commit();
  return { dir, log, store, w };
}

describe('LogCheckpointer: snapshots rebuilt from the snapshots and log on disk', () => {
  it('writes the tree at the checkpoint, which restores to the live tree', async () => {
    const { dir, log, store, w } = await logged();
    const cp = new LogCheckpointer(store, nodeFileIO, dir);
    const saved = await cp.save(checkpointOf(w));
    expect(saved.zxid).toBe(w.tree.lastProcessedZxid);
    expect(saved.nodes).toBe(w.tree.getNodeCount() - 1);

    // Further txns: the next checkpoint replays only those, from the tree it kept.
    w.createSession(0x77n);
    w.create('/later', 'x', { owner: 0x77n });
    w.setData('/later', 'y');
    await log.commit();
    const again = await cp.save(checkpointOf(w));
    expect(again.zxid).toBe(w.tree.lastProcessedZxid);
    expect(again.sessions).toBe(w.sessions.size);

    const tree = new DataTree({ extendedTypesEnabled: true });
    const sessions = new Map<bigint, number>();
    const fresh = await FileSnapshotStore.open({ dir, forceSync: false });
    await fresh.load((await fresh.list())[0], tree, sessions);
    expect(tree.lastProcessedZxid).toBe(w.tree.lastProcessedZxid);
    expect(tree.getTreeDigest()).toBe(w.tree.getTreeDigest());
    expect(String(tree.getNode('/later')!.data)).toBe('y');
    expect([...(tree.getEphemerals(0x77n) ?? [])]).toEqual(['/later']);
    expect([...sessions]).toEqual([...w.sessions]);
    await log.close();
  });

  it('writes nothing when the rebuilt tree differs from the live one, and starts over next time', async () => {
    const { dir, log, store, w } = await logged();
    const cp = new LogCheckpointer(store, nodeFileIO, dir);
    const before = (await store.list()).map((s) => s.name);
    await expect(cp.save(checkpointOf(w, { digest: w.tree.getTreeDigest() + 1n }))).rejects.toThrow(/digest/);
    await expect(cp.save(checkpointOf(w, { nodeCount: 3 }))).rejects.toBeInstanceOf(SnapshotCheckpointMismatchError);
    await expect(cp.save(checkpointOf(w, { sessionCount: 99 }))).rejects.toThrow(/sessions/);
    expect(cp.zxid).toBeNull();
    expect((await store.list()).map((s) => s.name)).toEqual(before);
    await expect(cp.save(checkpointOf(w))).resolves.toMatchObject({ zxid: w.tree.lastProcessedZxid });
    await log.close();
  });

  it('refuses a zxid the log does not reach (an uncommitted txn is not on disk)', async () => {
    const { dir, log, store, w } = await logged();
    w.create('/uncommitted', 'x');
    const cp = new LogCheckpointer(store, nodeFileIO, dir);
    await expect(cp.save(checkpointOf(w))).rejects.toThrow(/the log ends at 0x[0-9a-f]+, before/);
    await log.close();
  });
});

describe('ZKDatabase.takeSnapshotFromLog', () => {
  it('snapshots the live tree when the store cannot make one from the log', async () => {
    const dir = newDir();
    const store = await FileSnapshotStore.open({ dir, forceSync: false });
    const failing = Object.assign(Object.create(store) as FileSnapshotStore, {
      saveFromLog: () => Promise.reject(new SnapshotCheckpointMismatchError('differs')),
    });
    const db = new ZKDatabase(new MemoryTxnLog(), {}, silentLogger, { snapshots: failing });
    db.dataTree.lastProcessedZxid = 5n;
    const saved = await db.takeSnapshotFromLog();
    expect(saved!.zxid).toBe(5n);
    expect(store.stats.saves).toBe(1);
  });
});

describe('zoolab.snapshotWorker=yes: a standalone server snapshots in a worker thread', () => {
  const servers: StandaloneServer[] = [];
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.close().catch(() => undefined);
  });

  const start = async (dataDir: string, worker: boolean) => {
    const raw = new Map(worker ? [['zoolab.snapshotWorker', 'yes']] : []);
    const s = await startDefaultStandaloneServer(
      { clientPort: 0, clientPortAddress: '127.0.0.1', tickTime: 200, dataDir, snapCount: 40, raw },
      { logger: silentLogger, seed: 3 },
    );
    servers.push(s);
    const c = await RawClient.connect(s.host, s.port, { timeout: 4000 });
    clients.push(c);
    return { s, c };
  };

  it('writes its periodic snapshots off the event loop; a restart finds everything', async () => {
    expect(snapshotWorkerScript()).not.toBeNull();
    const dataDir = newDir();
    const { s, c } = await start(dataDir, true);
    for (let i = 0; i < 150; i++) {
      const r = await c.request(OpCode.create, new CreateRequest({ path: `/w${i}`, data: Buffer.from(`d${i}`), acl: OPEN_ACL(), flags: 0 }));
      expect(r.err).toBe(Code.OK);
      if (i % 3 === 0) expect((await c.request(OpCode.setData, new SetDataRequest({ path: `/w${i}`, data: Buffer.from('v2'), version: -1 }))).err).toBe(Code.OK);
    }
    const store = s.server.zkDb.snapshots as FileSnapshotStore;
    // On a loaded machine the worker's first snapshot (it starts a thread) can outlast the
    // writes above, and the server skips snapshots due meanwhile: write on until it has
    // made two, or for 20 s.
    const deadline = Date.now() + 20_000;
    for (let i = 0; store.stats.fromLog < 2 && Date.now() < deadline; i++) {
      expect((await c.request(OpCode.setData, new SetDataRequest({ path: `/w${i % 150}`, data: Buffer.from('v3'), version: -1 }))).err).toBe(Code.OK);
    }
    await store.close();
    expect(store.stats.fromLog).toBeGreaterThan(1);
    const live = { zxid: s.server.zkDb.lastProcessedZxid, digest: s.server.zkDb.dataTree.getTreeDigest() };
    servers.splice(0);
    await s.close();

    // Restore starts from the newest snapshot, one the worker wrote, and reaches the live tree.
    const snaps = readdirSync(join(dataDir, 'version-2')).filter((f) => f.startsWith('snapshot.'));
    expect(snaps.length).toBeGreaterThan(2);
    const tree = new DataTree();
    const restored = await restore({
      snapshots: await FileSnapshotStore.open({ dir: join(dataDir, 'version-2') }),
      txnLog: await FileTxnLog.open({ dir: join(dataDir, 'version-2') }),
      tree,
      sessions: new Map(),
    });
    expect(restored.snapshot!.zxid).toBe(store.lastSnapshotInfo()!.zxid);
    expect(restored.lastProcessedZxid).toBe(live.zxid);
    expect(tree.getTreeDigest()).toBe(live.digest);

    const { c: c2 } = await start(dataDir, false);
    const r = await c2.request(OpCode.getData, new GetDataRequest({ path: '/w147', watch: false }));
    expect(r.err).toBe(Code.OK);
  });
});
