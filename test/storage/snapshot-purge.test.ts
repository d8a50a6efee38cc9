import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataTree } from '../../lib/data/data-tree';
import { restore } from '../../lib/persistence/restore';
import { Container } from 'inversify';
import { DATA_PURGER, logsNeededFrom, namesToPurge, PurgeCountError } from '../../lib/persistence/snapshot-purge';
import { SNAPSHOT_STORE } from '../../lib/persistence/snapshot-store';
import { storageFileModule } from '../../plugins/storage-file';
import { FileTxnLog } from '../../plugins/storage-file/file-txn-log';
import { FileSnapshotStore } from '../../plugins/storage-file/snapshot-file-store';
import { FilePurger, purge } from '../../plugins/storage-file/snapshot-purge';
import { MemorySnapshotPurger } from '../../plugins/storage-memory/snapshot-memory-purger';
import { MemorySnapshotStore } from '../../plugins/storage-memory/snapshot-memory-store';
import { describeTree, Workload } from './snapshot-fixtures';

let work: string;
let n = 0;
beforeAll(() => (work = mkdtempSync(join(tmpdir(), 'zoolab-purge-'))));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hex = (z: bigint) => z.toString(16);

/**
 * Six rounds of: some txns, a snapshot, a new log file — the shape a server that
 * snapshots every few txns leaves behind. Returns the snapshot zxids, oldest first.
 */
async function buildDataDir(dataDir: string, dataLogDir: string) {
  const log = await FileTxnLog.open({ dir: join(dataLogDir, 'version-2'), forceSync: false, preAllocSize: 4096 });
  const snaps = await FileSnapshotStore.open({ dir: join(dataDir, 'version-2'), forceSync: false });
  const w = new Workload(log);
  const snapZxids: bigint[] = [];
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 5; i++) w.create(`/r${round}-${i}`, `${round}.${i}`);
    await log.commit();
    log.rollLog();
    w.setData(`/r${round}-0`, 'after the roll');
    await log.commit();
    snapZxids.push((await snaps.save(w.tree, w.sessions)).zxid);
  }
  w.create('/tail', null);
  await log.commit();
  await log.close();
  return { w, snapZxids };
}

describe('purge (PurgeTxnLog)', () => {
  it('FileTxnLog.getLogFiles: the log that covers the snapshot zxid and every later one', () => {
    const logs = ['log.1', 'log.14', 'log.b', 'log.30', 'acceptedEpoch'];
    expect(logsNeededFrom(logs, 0x15n)).toEqual(['log.14', 'log.30']);
    expect(logsNeededFrom(logs, 0x14n)).toEqual(['log.14', 'log.30']);
    expect(logsNeededFrom(logs, 0x13n)).toEqual(['log.b', 'log.14', 'log.30']);
    expect(logsNeededFrom(logs, 0x100n)).toEqual(['log.30']);
    expect(logsNeededFrom(logs, 0n)).toEqual(['log.1', 'log.b', 'log.14', 'log.30']);
  });

  it('deletes older snapshots (leftover .tmp ones too) and logs no retained snapshot needs', () => {
    const got = namesToPurge(
      0x20n,
      ['log.1', 'log.10', 'log.1c', 'log.25', 'log.1c.fixed'],
      ['snapshot.5', 'snapshot.18.gz', 'snapshot.19.tmp', 'snapshot.20', 'snapshot.30', 'currentEpoch'],
    );
    expect(got.logs).toEqual(['log.1', 'log.10']);
    expect(got.snapshots).toEqual(['snapshot.5', 'snapshot.18.gz', 'snapshot.19.tmp']);
  });

  it('keeps the newest N snapshots and the logs to replay from the oldest of them; restore still works', async () => {
    const dataDir = join(work, `p${++n}`);
    const { w, snapZxids } = await buildDataDir(dataDir, dataDir);
    const dir = join(dataDir, 'version-2');
    const before = readdirSync(dir);
    expect(before.filter((f) => f.startsWith('snapshot.'))).toHaveLength(6);
    const result = await purge(dataDir, null, 3);
    const kept = snapZxids.slice(-3);
    expect(result.retainedSnapshots).toEqual(kept.reverse().map((z) => `snapshot.${hex(z)}`));
    expect(result.leastRetainedZxid).toBe(snapZxids[3]);
    const after = readdirSync(dir).sort();
    expect(after.filter((f) => f.startsWith('snapshot.'))).toEqual(snapZxids.slice(3).map((z) => `snapshot.${hex(z)}`).sort());
    const logsLeft = after.filter((f) => f.startsWith('log.'));
    expect(logsLeft).toEqual(logsNeededFrom(before.filter((f) => f.startsWith('log.')), snapZxids[3]).sort());
    expect(result.removed).toHaveLength(before.length - after.length);
    expect(result.failed).toEqual([]);

    // Every retained snapshot can still be restored from: damage the newer ones one by one.
    for (let i = 0; i < 3; i++) {
      const log = await FileTxnLog.open({ dir, forceSync: false });
      const snaps = await FileSnapshotStore.open({ dir });
      const tree = new DataTree({ extendedTypesEnabled: true });
      const r = await restore({ snapshots: snaps, txnLog: log, tree, sessions: new Map() });
      await log.close();
      expect(r.snapshot?.zxid).toBe(snapZxids[5 - i]);
      expect(describeTree(tree)).toEqual(describeTree(w.tree));
      const newest = join(dir, `snapshot.${hex(snapZxids[5 - i])}`);
      writeFileSync(newest, readFileSync(newest).subarray(0, 100));
    }
  });

  it('works across separate dataDir and dataLogDir, and a torn snapshot does not count as retained', async () => {
    const dataDir = join(work, `p${++n}`);
    const dataLogDir = join(work, `p${++n}`);
    const { snapZxids } = await buildDataDir(dataDir, dataLogDir);
    const newest = join(dataDir, 'version-2', `snapshot.${hex(snapZxids[5])}`);
    truncateSync(newest, 50);
    const purger = new FilePurger(dataDir, dataLogDir);
    const result = await purger.purge(3);
    expect(result.retainedSnapshots).toEqual([snapZxids[4], snapZxids[3], snapZxids[2]].map((z) => `snapshot.${hex(z)}`));
    const snaps = readdirSync(join(dataDir, 'version-2')).filter((f) => f.startsWith('snapshot.'));
    // the torn one is newer than the least retained, so it stays (as in Java)
    expect(snaps.sort()).toEqual(snapZxids.slice(2).map((z) => `snapshot.${hex(z)}`).sort());
    const logs = readdirSync(join(dataLogDir, 'version-2'));
    expect(logs.every((f) => f.startsWith('log.'))).toBe(true);
    expect(logs.length).toBeGreaterThan(0);
  });

  it("the storage-file module's purger first fsyncs the snapshots its store saved without (FileSnapshotStore.syncPending)", async () => {
    const dataDir = join(work, `p${++n}`);
    const c = new Container();
    c.load(storageFileModule({ dataLogDir: dataDir, preAllocSize: 4096 }));
    const store = c.get(SNAPSHOT_STORE) as FileSnapshotStore;
    const w = new Workload().populate();
    for (let i = 0; i < 4; i++) {
      w.create(`/s${i}`);
      await store.save(w.tree, w.sessions);
    }
    expect(store.stats.fsyncs).toBe(0);
    const result = await c.get(DATA_PURGER).purge(3);
    expect(store.stats.fsyncs).toBe(4);
    expect(result.retainedSnapshots).toHaveLength(3);
  });

  it('deletes nothing while no snapshot looks valid, and refuses a count below 3', async () => {
    const dataDir = join(work, `p${++n}`);
    const { snapZxids } = await buildDataDir(dataDir, dataDir);
    for (const z of snapZxids) truncateSync(join(dataDir, 'version-2', `snapshot.${hex(z)}`), 3);
    const before = readdirSync(join(dataDir, 'version-2'));
    expect((await purge(dataDir, dataDir, 3)).removed).toEqual([]);
    expect(readdirSync(join(dataDir, 'version-2'))).toEqual(before);
    await expect(purge(dataDir, dataDir, 2)).rejects.toThrow(PurgeCountError);
    await expect(purge(dataDir, dataDir, 2)).rejects.toThrow('count should be greater than or equal to 3');
  });

  it('the memory store keeps its newest N snapshots', async () => {
    const store = new MemorySnapshotStore();
    const w = new Workload();
    for (let i = 0; i < 5; i++) {
      w.create(`/m${i}`, null);
      await store.save(w.tree, w.sessions);
    }
    const result = await new MemorySnapshotPurger(store).purge(3);
    expect(result.removed).toEqual(['snapshot.2', 'snapshot.1']);
    expect((await store.list()).map((i) => i.name)).toEqual(['snapshot.5', 'snapshot.4', 'snapshot.3']);
    await expect(new MemorySnapshotPurger(store).purge(1)).rejects.toThrow(PurgeCountError);
  });
});
