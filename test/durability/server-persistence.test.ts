import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { silentLogger } from '../../lib/core/logger';
import type { ServerConfig } from '../../lib/config/server-config';
import type { DataTree } from '../../lib/data/data-tree';
import { CheckVersionRequest, CreateRequest, ExistsRequest, SetDataRequest } from '../../lib/jute';
import { RestoreError } from '../../lib/persistence/restore';
import type { SavedSnapshot } from '../../lib/persistence/snapshot-store';
import { parseSnapshot } from '../../lib/persistence/snapshot-format';
import { TXN_LOG, type TxnEntry } from '../../lib/persistence/txn-log';
import { Code, OpCode } from '../../lib/protocol';
import type { StandaloneServer, StandaloneServerOptions } from '../../lib/server';
import { startDefaultStandaloneServer, type DefaultPluginOptions } from '../../plugins/defaults';
import { dumpTxnLog, FileSnapshotStore, FileTxnLog, nodeFileIO } from '../../plugins/storage-file';
import { readTxnLog } from '../../plugins/storage-file/file-txn-iterator';
import { MemorySnapshotStore, MemoryTxnLog } from '../../plugins/storage-memory';
import { fourLetterWord } from '../support/four-letter';
import { RawClient } from '../support/raw-client';
import { serverFixture } from '../support/server-fixture';
import { OPEN_ACL } from '../support/raw-ops';
import { VirtualClock } from '../server/helpers/virtual-clock';
import { Workload } from '../storage/snapshot-fixtures';

jest.setTimeout(60_000);

const { servers, clients, newDir } = serverFixture('zoolab-persist-');

async function start(cfg: Partial<ServerConfig>, opts: StandaloneServerOptions & DefaultPluginOptions = {}): Promise<StandaloneServer> {
  const s = await startDefaultStandaloneServer(
    { clientPort: 0, clientPortAddress: '127.0.0.1', tickTime: 200, ...cfg },
    { logger: silentLogger, seed: 7, ...opts },
  );
  servers.push(s);
  return s;
}

async function stop(s: StandaloneServer): Promise<void> {
  servers.splice(servers.indexOf(s), 1);
  await s.close();
}

async function client(s: StandaloneServer): Promise<RawClient> {
  const c = await RawClient.connect(s.host, s.port, { timeout: 4000 });
  clients.push(c);
  return c;
}

/** One create at a time, so that each snapshot has finished before the next is due. */
async function createOneByOne(c: RawClient, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const r = await c.request(OpCode.create, new CreateRequest({ path: `${prefix}${i}`, data: Buffer.from(`d${i}`), acl: OPEN_ACL(), flags: 0 }));
    expect(r.err).toBe(Code.OK);
  }
}

async function createMany(c: RawClient, prefix: string, count: number): Promise<void> {
  const replies = await Promise.all(
    Array.from({ length: count }, (_, i) => c.request(OpCode.create, new CreateRequest({ path: `${prefix}${i}`, data: Buffer.from(`d${i}`), acl: OPEN_ACL(), flags: 0 }))),
  );
  expect(replies.map((r) => r.err).filter((e) => e !== Code.OK)).toEqual([]);
}

const exists = async (c: RawClient, path: string) => (await c.request(OpCode.exists, new ExistsRequest({ path, watch: false }))).err === Code.OK;
const files = (dir: string, prefix: string) => readdirSync(join(dir, 'version-2')).filter((f) => f.startsWith(prefix)).sort();

/** A pino logger whose lines land in `lines`. */
function capturingLogger(lines: string[]) {
  return pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
}

describe('snapshots while serving (SyncRequestProcessor)', () => {
  it('rolls the log and snapshots every snapCount/2+1 … snapCount txns, and restarts from the newest snapshot', async () => {
    const log = new MemoryTxnLog();
    const s = await start({ snapCount: 10 }, { storage: { txnLog: log } });
    const c = await client(s);
    for (let i = 0; i < 10; i++) await createMany(c, `/p${i}-`, 10);
    const stats = s.server.syncStats;
    const txns = stats.txnsLogged;
    // One snapshot (or skip) per 6 to 10 txns, each after a roll of the log.
    const snaps = (stats.snapshotsStarted ?? 0) + (stats.snapshotsSkipped ?? 0);
    expect(snaps).toBeGreaterThanOrEqual(Math.floor(txns / 10));
    expect(snaps).toBeLessThanOrEqual(Math.ceil(txns / 6));
    expect(log.rollCount).toBe(snaps);
    c.destroy();
    await stop(s);

    const again = await start({ snapCount: 10 }, { storage: { txnLog: log } });
    const restored = again.server.zkDb.lastRestore!;
    expect(restored.snapshot!.zxid).toBeGreaterThan(0n);
    expect(restored.txnsLoaded).toBeLessThan(11);
    const c2 = await client(again);
    expect(await exists(c2, '/p9-9')).toBe(true);
  });

  it('skips a snapshot while the previous one is still being written ("Too busy to snap")', async () => {
    class SlowSnapshots extends MemorySnapshotStore {
      override async save(tree: DataTree, sessions: ReadonlyMap<bigint, number>): Promise<SavedSnapshot> {
        const saved = super.save(tree, sessions);
        await new Promise((r) => setTimeout(r, 300));
        return saved;
      }
    }
    const lines: string[] = [];
    const s = await start({ snapCount: 4 }, { storage: { snapshots: new SlowSnapshots() }, logger: capturingLogger(lines) });
    const c = await client(s);
    for (let i = 0; i < 8; i++) await createMany(c, `/b${i}-`, 3);
    expect(s.server.syncStats.snapshotsSkipped).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('Too busy to snap, skipping'))).toBe(true);
  });

  it('keeps serving when a periodic snapshot fails (the log still holds everything), and logs why', async () => {
    class FailingSnapshots extends MemorySnapshotStore {
      saves = 0;
      override async save(tree: DataTree, sessions: ReadonlyMap<bigint, number>): Promise<SavedSnapshot> {
        // snapshot.0 (new database) and the start-up one succeed; every later one fails.
        if (this.saves++ > 1) throw new Error('disk full');
        return super.save(tree, sessions);
      }
    }
    const lines: string[] = [];
    const log = new MemoryTxnLog();
    const snapshots = new FailingSnapshots();
    const s = await start({ snapCount: 4 }, { storage: { txnLog: log, snapshots }, logger: capturingLogger(lines) });
    const c = await client(s);
    await createOneByOne(c, '/f', 20);
    expect(snapshots.saves).toBeGreaterThan(3);
    expect(lines.some((l) => l.includes('Unexpected exception taking a snapshot') && l.includes('disk full'))).toBe(true);
    c.destroy();
    await stop(s);
    // Nothing was lost: the whole log restores (into a store without the old snapshots).
    const raw = new Map([['snapshot.trust.empty', 'true']]);
    const again = await start({ raw }, { storage: { txnLog: log, snapshots: new MemorySnapshotStore() } });
    expect(await exists(await client(again), '/f19')).toBe(true);
  });

  it('spreads snapshots by the injected Random: the same seed snapshots at the same zxids', async () => {
    const zxidsFor = async (seed: number) => {
      const snapshots = new MemorySnapshotStore();
      const s = await start({ snapCount: 20 }, { storage: { snapshots }, seed });
      const c = await client(s);
      for (let i = 0; i < 100; i++) await c.request(OpCode.create, new CreateRequest({ path: `/s${i}`, data: null, acl: OPEN_ACL(), flags: 0 }));
      c.destroy();
      await stop(s);
      return (await snapshots.list()).map((i) => i.zxid);
    };
    const a = await zxidsFor(11);
    expect(await zxidsFor(11)).toEqual(a);
    expect(await zxidsFor(12)).not.toEqual(a);
  });
});

describe('start-up (ZooKeeperServer.loadData)', () => {
  it('drops the ephemerals of sessions a snapshot holds nodes for but no longer lists, and takes a snapshot', async () => {
    const dataDir = newDir();
    const w = new Workload();
    w.createSession(0x77n);
    w.createSession(0x55n);
    w.create('/e-dead', 'x', { owner: 0x55n });
    w.create('/e-live', 'y', { owner: 0x77n });
    w.sessions.delete(0x55n); // as a fuzzy snapshot taken while the session closed may hold
    await (await FileSnapshotStore.open({ dir: join(dataDir, 'version-2') })).save(w.tree, w.sessions);
    const s = await start({ dataDir });
    const c = await client(s);
    expect(await exists(c, '/e-dead')).toBe(false);
    expect(await exists(c, '/e-live')).toBe(true);
    expect(files(dataDir, 'snapshot.')).toEqual(['snapshot.4']);
  });

  /** A store whose saves wait for `open()` once `hold()` is called. */
  class GatedSnapshots extends MemorySnapshotStore {
    private gate: Promise<void> | null = null;
    private release: () => void = () => undefined;
    started = 0;
    finished = 0;
    hold(): void {
      this.gate = new Promise((r) => (this.release = r));
    }
    open(): void {
      this.release();
      this.gate = null;
    }
    override async save(tree: DataTree, sessions: ReadonlyMap<bigint, number>): Promise<SavedSnapshot> {
      this.started++;
      const saved = super.save(tree, sessions);
      if (this.gate !== null) await this.gate;
      const out = await saved;
      this.finished++;
      return out;
    }
  }
  async function within<T>(p: Promise<T>, ms: number): Promise<T | 'still waiting'> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([p, new Promise<'still waiting'>((r) => (timer = setTimeout(() => r('still waiting'), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('serves while its start-up snapshot is written when the restore dropped nothing; close waits for it', async () => {
    const log = new MemoryTxnLog();
    const snapshots = new GatedSnapshots();
    const first = await start({}, { storage: { txnLog: log, snapshots } });
    await createMany(await client(first), '/before', 5);
    await stop(first);
    snapshots.hold();
    const before = snapshots.started;
    const again = await within(start({}, { storage: { txnLog: log, snapshots: snapshots.reopen() } }), 3000);
    expect(again).not.toBe('still waiting');
    const s = again as StandaloneServer;
    // The snapshot has begun and not ended, and the server answers meanwhile.
    expect(snapshots.started).toBe(before + 1);
    expect(snapshots.finished).toBe(before);
    const c = await client(s);
    expect(await exists(c, '/before4')).toBe(true);
    await createMany(c, '/during', 3);
    snapshots.open();
    await stop(s);
    expect(snapshots.finished).toBe(snapshots.started);
    // It holds the tree as the restore left it: a start from it alone has /before4 and not /during0.
    const restored = await start({}, { storage: { txnLog: new MemoryTxnLog(), snapshots: snapshots.reopen() } });
    const c2 = await client(restored);
    expect(await exists(c2, '/before4')).toBe(true);
    expect(await exists(c2, '/during0')).toBe(false);
  });

  it("waits for the start-up snapshot when the restore dropped a dead session's ephemerals (no txn holds that)", async () => {
    const snapshots = new GatedSnapshots();
    const w = new Workload();
    w.createSession(0x77n);
    w.createSession(0x55n);
    w.create('/e-dead', 'x', { owner: 0x55n });
    w.sessions.delete(0x55n);
    await snapshots.save(w.tree, w.sessions);
    snapshots.hold();
    const starting = start({}, { storage: { txnLog: new MemoryTxnLog(), snapshots } });
    expect(await within(starting, 500)).toBe('still waiting');
    snapshots.open();
    const s = await starting;
    expect(await exists(await client(s), '/e-dead')).toBe(false);
    expect(snapshots.finished).toBe(snapshots.started);
  });

  it('refuses a log without any snapshot unless zookeeper.snapshot.trust.empty is set', async () => {
    const dataDir = newDir();
    const w = new Workload(await FileTxnLog.open({ dir: join(dataDir, 'version-2') }));
    w.createSession(0x10n);
    w.create('/from-old-release', 'kept');
    await w.log!.commit();
    await w.log!.close();
    await expect(start({ dataDir })).rejects.toThrow(RestoreError);
    await expect(start({ dataDir })).rejects.toThrow('No snapshot found, but there are log entries. Something is broken!');
    const s = await start({ dataDir, raw: new Map([['zookeeper.snapshot.trust.empty', 'true']]) });
    expect(await exists(await client(s), '/from-old-release')).toBe(true);
  });

  it('restores a bare check request from the log (a txn type Java cannot read back)', async () => {
    const dataDir = newDir();
    const s = await start({ dataDir });
    const c = await client(s);
    await createMany(c, '/checked', 1);
    // Java (and zoolab, following it) never answers a bare check: its txn has no Stat to
    // send. The setData behind it shows it went through, and has the next zxid.
    c.request(OpCode.check, new CheckVersionRequest({ path: '/checked0', version: 0 })).catch(() => undefined);
    const set = await c.request(OpCode.setData, new SetDataRequest({ path: '/checked0', data: Buffer.from('after the check'), version: 0 }));
    expect(set.err).toBe(Code.OK);
    const checkZxid = set.zxid - 1n;
    c.destroy();
    await stop(s);
    // Start from the snapshot taken before the check, so restore replays it.
    for (const f of files(dataDir, 'snapshot.')) if (f !== 'snapshot.0') rmSync(join(dataDir, 'version-2', f));
    let dump = '';
    await dumpTxnLog(dataDir, { out: (t) => (dump += t), timeZone: 'UTC' });
    expect(dump).toMatch(new RegExp(`zxid 0x${checkZxid.toString(16)} check `));
    const again = await start({ dataDir });
    expect(again.server.zkDb.lastRestore!.txnsLoaded).toBeGreaterThanOrEqual(4);
    const c2 = await client(again);
    expect(await exists(c2, '/checked0')).toBe(true);
  });
});

describe('data directories', () => {
  it('keeps snapshots in dataDir and the log in dataLogDir when they differ, and restores from both', async () => {
    const dataDir = newDir();
    const dataLogDir = newDir();
    const s = await start({ dataDir, dataLogDir, snapCount: 10 });
    await createOneByOne(await client(s), '/split', 30);
    await stop(s);
    expect(files(dataDir, 'log.')).toEqual([]);
    expect(files(dataLogDir, 'snapshot.')).toEqual([]);
    expect(files(dataDir, 'snapshot.').length).toBeGreaterThan(2);
    expect(files(dataLogDir, 'log.').length).toBeGreaterThan(2);
    const again = await start({ dataDir, dataLogDir });
    expect(await exists(await client(again), '/split29')).toBe(true);
  });

  it('reports the bytes in the snapshot and log directories (dirs / conf: datadir_size, logdir_size)', async () => {
    const dataDir = newDir();
    const dataLogDir = newDir();
    const s = await start({ dataDir, dataLogDir, snapCount: 10, fourLetterWordWhitelist: ['*'] });
    await createOneByOne(await client(s), '/sized', 15);
    const sum = (dir: string) => readdirSync(join(dir, 'version-2')).reduce((n, f) => n + statSync(join(dir, 'version-2', f)).size, 0);
    const sizes = () => `datadir_size: ${sum(dataDir)}\nlogdir_size: ${sum(dataLogDir)}\n`;
    // A background snapshot may still be growing: ask until the answer agrees with the
    // files as they were both before and after it (a file that grew in between, after a
    // matching answer, failed the comparison once).
    let dirs = '';
    let expected = '';
    for (let i = 0; i < 50; i++) {
      expected = sizes();
      dirs = await fourLetterWord(s.host, s.port, 'dirs');
      if (dirs === expected && sizes() === expected) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(dirs).toBe(expected);
    // The log is preallocated (64 MiB by default), the snapshots are small but there.
    expect(sum(dataLogDir)).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    expect(sum(dataDir)).toBeGreaterThan(0);
  });

  it('honours digest.enabled=false: no digest in logged txns or snapshots; a server with digests on restores them', async () => {
    const dataDir = newDir();
    const off = await start({ dataDir, snapCount: 10, digestEnabled: false });
    const c = await client(off);
    await createOneByOne(c, '/nodigest', 25);
    const set = await c.request(OpCode.setData, new SetDataRequest({ path: '/nodigest3', data: Buffer.from('changed'), version: 0 }));
    expect(set.err).toBe(Code.OK);
    expect(off.server.zkDb.dataTree.digestEnabled).toBe(false);
    await stop(off);

    const v2 = join(dataDir, 'version-2');
    const logged: TxnEntry[] = [];
    for await (const e of readTxnLog(nodeFileIO, v2, 0n)) logged.push(e);
    expect(logged.length).toBeGreaterThanOrEqual(26);
    expect(logged.filter((e) => e.digest != null)).toEqual([]);
    const snapshots = files(dataDir, 'snapshot.');
    expect(snapshots.length).toBeGreaterThan(2);
    for (const name of snapshots) expect(parseSnapshot(readFileSync(join(v2, name))).hasDigestTrailer).toBe(false);

    // Java reads such a directory with digests on or off; so does zoolab.
    const on = await start({ dataDir, fourLetterWordWhitelist: ['*'] });
    expect(on.server.zkDb.lastRestore!.txnsLoaded).toBeGreaterThan(0);
    const c2 = await client(on);
    expect(await exists(c2, '/nodigest24')).toBe(true);
    const set2 = await c2.request(OpCode.setData, new SetDataRequest({ path: '/nodigest3', data: Buffer.from('again'), version: 1 }));
    expect(set2.err).toBe(Code.OK);
    expect(await fourLetterWord(on.host, on.port, 'mntr')).toMatch(/zk_digest_mismatches_count\t0\n/);
  });

  it('honours forceSync=no: neither the log nor snapshots are fsynced', async () => {
    const dataDir = newDir();
    const s = await start({ dataDir, forceSync: false, snapCount: 10 });
    await createMany(await client(s), '/nosync', 30);
    const log = (await s.container.getAsync(TXN_LOG)) as FileTxnLog;
    const snaps = s.server.zkDb.snapshots as FileSnapshotStore;
    expect(log.stats.commits).toBeGreaterThan(0);
    expect(log.stats.fsyncs).toBe(0);
    expect(snaps.stats.saves).toBeGreaterThan(1);
    expect(snaps.stats.fsyncs).toBe(0);
  });

  it('writes gz snapshots when zookeeper.snapshot.compression.method=gz, and reads them back', async () => {
    const dataDir = newDir();
    const raw = new Map([['zookeeper.snapshot.compression.method', 'gz']]);
    const s = await start({ dataDir, snapCount: 10, raw });
    await createOneByOne(await client(s), '/gz', 25);
    await stop(s);
    const names = files(dataDir, 'snapshot.');
    expect(names.length).toBeGreaterThan(2);
    expect(names.every((f) => f.endsWith('.gz'))).toBe(true);
    const again = await start({ dataDir });
    expect(again.server.zkDb.lastRestore!.snapshot!.compression).toBe('gz');
    expect(await exists(await client(again), '/gz24')).toBe(true);
  });
});

describe('autopurge (DatadirCleanupManager)', () => {
  it('purges at start and then every purgeInterval hours on the server clock, keeping snapRetainCount snapshots', async () => {
    const dataDir = newDir();
    const clock = new VirtualClock(1_000_000);
    const s = await start({ dataDir, autopurgePurgeInterval: 1, autopurgeSnapRetainCount: 3 }, { clock });
    const c = await client(s);
    const snapshotAfterWrite = async (i: number) => {
      s.server.zkDb.rollLog();
      await c.request(OpCode.create, new CreateRequest({ path: `/a${i}`, data: null, acl: OPEN_ACL(), flags: 0 }));
      await s.server.takeSnapshot();
    };
    for (let i = 0; i < 5; i++) await snapshotAfterWrite(i);
    expect(files(dataDir, 'snapshot.').length).toBe(6);
    const purger = s.server.purgeManager!;
    clock.advanceBy(0);
    await purger.idle();
    expect(purger.runs).toBe(1);
    expect(files(dataDir, 'snapshot.')).toEqual(['snapshot.4', 'snapshot.5', 'snapshot.6']);
    // Logs older than the oldest kept snapshot's go too; the one it starts in stays.
    expect(files(dataDir, 'log.').map((f) => BigInt(`0x${f.slice(4)}`)).every((z) => z >= 4n)).toBe(true);

    for (let i = 5; i < 8; i++) await snapshotAfterWrite(i);
    clock.advanceBy(59 * 60_000);
    await purger.idle();
    expect(purger.runs).toBe(1);
    clock.advanceBy(60_000);
    await purger.idle();
    expect(purger.runs).toBe(2);
    expect(files(dataDir, 'snapshot.').length).toBe(3);
    // (The first session expired in the virtual hour: ask on a new one.)
    expect(await exists(await client(s), '/a7')).toBe(true);
  });

  it('is off with purgeInterval 0 (the default)', async () => {
    const s = await start({ dataDir: newDir() });
    expect(s.server.purgeManager).toBeNull();
  });

});
