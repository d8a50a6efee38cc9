import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataTree } from '../../lib/data/data-tree';
import { EMPTY_SNAPSHOT_WARNING, restore, RestoreError, type RestoreOptions } from '../../lib/persistence/restore';
import type { SnapshotStore } from '../../lib/persistence/snapshot-store';
import type { TxnEntry, TxnLog } from '../../lib/persistence/txn-log';
import { OpCode } from '../../lib/protocol/op-code';
import { FileTxnLog } from '../../plugins/storage-file/file-txn-log';
import { FileSnapshotStore } from '../../plugins/storage-file/snapshot-file-store';
import { MemoryTxnLog } from '../../plugins/storage-memory/memory-txn-log';
import { MemorySnapshotStore } from '../../plugins/storage-memory/snapshot-memory-store';
import { describeSessions, describeTree, digestAcl, Workload } from './snapshot-fixtures';

/** A data directory that survives "restarts": each open() gives a log and a store over it. */
interface Storage {
  open(): Promise<{ log: TxnLog; snaps: SnapshotStore }>;
  /** Damages the newest snapshot: 'flip' a byte in the middle, or 'truncate' it. */
  damageNewest(how: 'flip' | 'truncate'): Promise<string>;
}

let work: string;
let n = 0;
beforeAll(() => (work = mkdtempSync(join(tmpdir(), 'zoolab-restore-'))));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const backends: Array<[string, () => Storage]> = [
  [
    'files',
    () => {
      const dir = join(work, `d${++n}`, 'version-2');
      return {
        open: async () => ({
          log: await FileTxnLog.open({ dir, forceSync: false, preAllocSize: 4096 }),
          snaps: await FileSnapshotStore.open({ dir, forceSync: false, chunkSize: 256 }),
        }),
        async damageNewest(how) {
          const info = (await new FileSnapshotStore({ dir }).list())[0];
          const path = join(dir, info.name);
          const bytes = readFileSync(path);
          if (how === 'truncate') truncateSync(path, Math.floor(bytes.length / 2));
          else {
            bytes[Math.floor(bytes.length / 2)] ^= 0x10;
            writeFileSync(path, bytes);
          }
          return info.name;
        },
      };
    },
  ],
  [
    'memory',
    () => {
      const log = new MemoryTxnLog();
      const snaps = new MemorySnapshotStore();
      return {
        open: async () => ({ log: log.reopen(), snaps: snaps.reopen() }),
        async damageNewest(how) {
          const info = (await snaps.list())[0];
          const bytes = Buffer.from(snaps.bytes(info.name)!);
          if (how === 'truncate') snaps.setBytes(info.name, bytes.subarray(0, bytes.length / 2));
          else {
            bytes[Math.floor(bytes.length / 2)] ^= 0x10;
            snaps.setBytes(info.name, bytes);
          }
          return info.name;
        },
      };
    },
  ],
];

async function restoreFresh(storage: Storage, extra: Partial<RestoreOptions> = {}) {
  const { log, snaps } = await storage.open();
  const tree = new DataTree({ extendedTypesEnabled: true });
  const sessions = new Map<bigint, number>();
  const warnings: string[] = [];
  const logger = { info() {}, warn: (...a: unknown[]) => warnings.push(String(a[a.length - 1])), error() {}, debug() {} } as never;
  try {
    const result = await restore({ snapshots: snaps, txnLog: log, tree, sessions, logger, ...extra });
    return { result, tree, sessions, warnings, log, snaps };
  } finally {
    await log.close();
    await snaps.close();
  }
}

describe.each(backends)('restore over %s (FileTxnSnapLog.restore)', (_name, make) => {
  it('an empty data directory starts an empty tree at zxid 0 and writes snapshot.0', async () => {
    const storage = make();
    const { result, tree, sessions } = await restoreFresh(storage);
    expect(result).toMatchObject({ lastProcessedZxid: 0n, snapshot: null, txnsLoaded: 0 });
    expect(result.initialSnapshot?.name).toBe('snapshot.0');
    expect(describeTree(tree)).toEqual(describeTree(new DataTree({ extendedTypesEnabled: true })));
    expect(sessions.size).toBe(0);
    const again = await restoreFresh(storage);
    expect(again.result.snapshot?.name).toBe('snapshot.0');
    expect(again.result.initialSnapshot).toBeNull();
  });

  it('with db.autocreate off an empty directory restores to zxid -1 and writes nothing', async () => {
    const storage = make();
    const { result, tree } = await restoreFresh(storage, { autoCreateDB: false });
    expect(result.lastProcessedZxid).toBe(-1n);
    expect(tree.lastProcessedZxid).toBe(-1n);
    const { snaps } = await storage.open();
    expect(await snaps.list()).toEqual([]);
  });

  it('snapshot + the log after it equals the tree the txns built, sessions included', async () => {
    const storage = make();
    const { log, snaps } = await storage.open();
    const w = new Workload(log).populate();
    await log.commit();
    await snaps.save(w.tree, w.sessions);
    const snapZxid = w.zxid;
    w.createSession(0x1000000aa0009n, 9000);
    w.create('/after', 'after the snapshot', { owner: 0x1000000aa0009n });
    w.setData('/app', 'v3');
    w.delete('/app/eph1');
    w.closeSession(0x1000000aa0002n);
    log.rollLog();
    w.create('/in-a-new-log-file', 'x');
    await log.commit();
    await log.close();
    await snaps.close();

    const loaded: TxnEntry[] = [];
    const { result, tree, sessions } = await restoreFresh(storage, { onTxnLoaded: (e) => loaded.push(e) });
    expect(result.snapshot?.zxid).toBe(snapZxid);
    expect(result.txnsLoaded).toBe(6);
    expect(loaded.map((e) => e.hdr.zxid)).toEqual(w.applied.slice(-6).map((e) => e.hdr.zxid));
    expect(result.lastProcessedZxid).toBe(w.zxid);
    expect(tree.lastProcessedZxid).toBe(w.zxid);
    expect(describeTree(tree)).toEqual(describeTree(w.tree));
    expect(describeSessions(sessions)).toEqual(describeSessions(w.sessions));
    expect(tree.digests.mismatches).toBe(0);
  });

  it('a corrupt newest snapshot is skipped with a warning; the older one plus a longer replay gives the same tree', async () => {
    const storage = make();
    const { log, snaps } = await storage.open();
    const w = new Workload(log).populate();
    await log.commit();
    await snaps.save(w.tree, w.sessions);
    const older = w.zxid;
    for (let i = 0; i < 20; i++) w.create(`/between-${i}`, `${i}`);
    w.closeSession(0x1000000aa0001n);
    await log.commit();
    await snaps.save(w.tree, w.sessions);
    w.setData('/app', 'after both');
    await log.commit();
    await log.close();
    await snaps.close();

    for (const how of ['flip', 'truncate'] as const) {
      const damaged = await storage.damageNewest(how);
      const { result, tree, sessions, warnings } = await restoreFresh(storage);
      expect(result.skipped.map((s) => s.info.name)).toEqual([damaged]);
      expect(warnings).toContain(`problem reading snap file ${damaged}`);
      expect(result.snapshot?.zxid).toBe(older);
      expect(result.txnsLoaded).toBe(22);
      expect(describeTree(tree)).toEqual(describeTree(w.tree));
      expect(describeSessions(sessions)).toEqual(describeSessions(w.sessions));
      if (how === 'flip') {
        // put a good newest back for the truncation round
        const { snaps: s } = await storage.open();
        await s.remove((await s.list())[0]);
        const rebuilt = new Workload(null);
        for (const e of w.applied.slice(0, -1)) rebuilt.tree.processTxn(e.hdr, e.txn);
        await s.save(rebuilt.tree, w.sessions);
      }
    }
  });

  it('when every snapshot is unreadable, restore refuses to start', async () => {
    const storage = make();
    const { log, snaps } = await storage.open();
    const w = new Workload(log).populate();
    await log.commit();
    await snaps.save(w.tree, w.sessions);
    await log.close();
    await snaps.close();
    await storage.damageNewest('flip');
    await expect(restoreFresh(storage)).rejects.toThrow(RestoreError);
    await expect(restoreFresh(storage)).rejects.toThrow(/Not able to find valid snapshots/);
  });

  it('a log without any snapshot is refused unless snapshot.trust.empty', async () => {
    const storage = make();
    const { log, snaps } = await storage.open();
    const w = new Workload(log).populate();
    await log.commit();
    await log.close();
    await snaps.close();
    await expect(restoreFresh(storage)).rejects.toThrow(`${EMPTY_SNAPSHOT_WARNING}Something is broken!`);
    const { result, tree, sessions, warnings } = await restoreFresh(storage, { trustEmptySnapshot: true });
    expect(warnings).toContain(`${EMPTY_SNAPSHOT_WARNING}This should only be allowed during upgrading.`);
    expect(result.snapshot).toBeNull();
    expect(result.lastProcessedZxid).toBe(w.zxid);
    expect(describeTree(tree)).toEqual(describeTree(w.tree));
    expect(describeSessions(sessions)).toEqual(describeSessions(w.sessions));
  });

  it('replays over a fuzzy snapshot: txns already in it fail harmlessly and the tree converges', async () => {
    const storage = make();
    const { log, snaps } = await storage.open();
    const w = new Workload(log).populate();
    for (let i = 0; i < 60; i++) w.create(`/f${i}`, 'x'.repeat(40));
    await log.commit();
    // Simulate the background writer: take the snapshot's zxid now, apply more txns, and
    // only then serialize (the memory store cannot interleave, so the file case does it live).
    const fuzzyAt = w.zxid;
    const saving = snaps.save(w.tree, w.sessions);
    for (let i = 0; i < 60; i += 3) {
      w.setData(`/f${i}`, `changed ${i}`);
      w.delete(`/f${i + 1}`);
      w.create(`/f${i + 1}`, 're-created');
      // new ACL lists appear after the ACL cache was copied into the snapshot
      w.create(`/f${i}/kid`, 'k', { acl: digestAcl(`user${i}:hash${i}`) });
      if (i % 2 === 0) w.setACL(`/f${i + 2}`, digestAcl(`other${i}:h`));
      await log.commit();
      await new Promise((r) => setImmediate(r));
    }
    await saving;
    await log.commit();
    await log.close();
    await snaps.close();
    const { result, tree } = await restoreFresh(storage);
    expect(result.snapshot?.zxid).toBe(fuzzyAt);
    // The file store wrote while txns were applied: its digest trailer is from a later zxid.
    const again = await storage.open();
    const loaded = await again.snaps.load(result.snapshot!, new DataTree({ extendedTypesEnabled: true }), new Map());
    await again.log.close();
    if (_name === 'files') expect(loaded.digest!.zxid).toBeGreaterThan(fuzzyAt);
    else expect(loaded.digest!.zxid).toBe(fuzzyAt);
    expect(describeTree(tree)).toEqual(describeTree(w.tree));
    expect(tree.digests.mismatches).toBe(0);
    expect(tree.digests.digestFromLoadedSnapshot).toBeNull();
  });
});

describe('restore edge cases', () => {
  it('warns when the log skips zxids right after the snapshot (purged or lost logs)', async () => {
    const log = new MemoryTxnLog();
    const snaps = new MemorySnapshotStore();
    const w = new Workload(null).populate();
    await snaps.save(w.tree, w.sessions);
    const gap = new Workload(log, { startZxid: w.zxid + 5n });
    gap.create('/late', null);
    await log.commit();
    const warnings: string[] = [];
    const logger = { info() {}, warn: (m: string) => warnings.push(m), error() {}, debug() {} } as never;
    const tree = new DataTree({ extendedTypesEnabled: true });
    await restore({ snapshots: snaps, txnLog: log, tree, sessions: new Map(), logger });
    expect(warnings.some((m) => /txns in between are missing/.test(m))).toBe(true);
  });

  it('a createSession txn without its record is a RestoreError', async () => {
    const snaps = new MemorySnapshotStore();
    const w = new Workload(null);
    w.createSession(5n);
    expect(w.applied[0].hdr.type).toBe(OpCode.createSession);
    // A log plugin that hands back a header without its record.
    const broken = {
      lastLoggedZxid: () => 1n,
      read: async function* () {
        yield { hdr: w.applied[0].hdr, txn: null };
      },
    } as unknown as TxnLog;
    await expect(
      restore({ snapshots: snaps, txnLog: broken, tree: new DataTree(), sessions: new Map(), trustEmptySnapshot: true }),
    ).rejects.toThrow(RestoreError);
  });
});
