import { closeSync, fdatasyncSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DataTree } from '../lib/data/data-tree';
import { ACL, Id } from '../lib/jute/records/data';
import { CreateTxn, SetDataTxn, TxnDigest, TxnHeader } from '../lib/jute/records/txn';
import { OpCode, Perms } from '../lib/protocol';
import { FileSnapshotStore } from '../plugins/storage-file/snapshot-file-store';
import { FileTxnLog } from '../plugins/storage-file/file-txn-log';

export interface FsyncRate {
  /** 1 KiB appended then fdatasync (what FileTxnLog.commit does: FileHandle.datasync). */
  fdatasyncPerSec: number;
  /** The same with fsync. */
  fsyncPerSec: number;
}

/**
 * The disk's own limit for a log: sequential 1 KiB writes into a sparse preallocated
 * file (as both servers preallocate theirs), each followed by a sync, for `seconds` each.
 */
export function measureFsyncRate(dir: string, seconds: number): FsyncRate {
  const run = (sync: (fd: number) => void): number => {
    const path = join(dir, `fsync-probe-${process.pid}`);
    const fd = openSync(path, 'w');
    try {
      const block = Buffer.alloc(1024, 0x61);
      writeSync(fd, Buffer.alloc(1), 0, 1, 64 * 1024 * 1024 - 1);
      sync(fd);
      let pos = 16;
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < seconds * 1000) {
        writeSync(fd, block, 0, block.length, pos);
        pos += block.length;
        sync(fd);
        n++;
      }
      return n / ((performance.now() - t0) / 1000);
    } finally {
      closeSync(fd);
      rmSync(path, { force: true });
    }
  };
  return { fdatasyncPerSec: run(fdatasyncSync), fsyncPerSec: run(fsyncSync) };
}

export interface BuiltDataDir {
  znodes: number;
  logTxns: number;
  snapshotZxid: bigint;
  lastZxid: bigint;
  snapshotBytes: number;
  buildMs: number;
}

const OPEN = [new ACL({ perms: Perms.ALL, id: new Id({ scheme: 'world', id: 'anyone' }) })];

/**
 * A data directory as a server with `znodes` nodes would leave it, made straight through
 * the storage APIs (no server, no client): /bench/dNNNN/nNNNN nodes with `dataBytes` of
 * data each, one snapshot of them, then `logTxns` setData txns (with digests, as 3.8
 * logs them) in the log after it, so that a start restores the snapshot and replays the log.
 */
export async function buildDataDir(dataDir: string, znodes: number, logTxns: number, dataBytes: number): Promise<BuiltDataDir> {
  const t0 = performance.now();
  const v2 = join(dataDir, 'version-2');
  const tree = new DataTree({});
  const data = Buffer.alloc(dataBytes, 0x62);
  let zxid = 0n;
  const time = BigInt(Date.now());
  const apply = (type: number, txn: CreateTxn | SetDataTxn) => {
    const hdr = new TxnHeader({ clientId: 0n, cxid: 0, zxid: ++zxid, time, type });
    tree.processTxn(hdr, txn, null);
    return hdr;
  };
  const perDir = 1000;
  const dirs = Math.ceil((znodes - 1) / (perDir + 1));
  apply(OpCode.create, new CreateTxn({ path: '/bench', data: null, acl: OPEN, ephemeral: false, parentCVersion: -1 }));
  let made = 1;
  for (let d = 0; d < dirs && made < znodes; d++) {
    const dir = `/bench/d${String(d).padStart(4, '0')}`;
    apply(OpCode.create, new CreateTxn({ path: dir, data: null, acl: OPEN, ephemeral: false, parentCVersion: -1 }));
    made++;
    for (let i = 0; i < perDir && made < znodes; i++, made++) {
      apply(OpCode.create, new CreateTxn({ path: `${dir}/n${String(i).padStart(4, '0')}`, data, acl: OPEN, ephemeral: false, parentCVersion: -1 }));
    }
  }
  const snaps = await FileSnapshotStore.open({ dir: v2, forceSync: false });
  const saved = await snaps.save(tree, new Map());
  await snaps.close();

  const log = await FileTxnLog.open({ dir: v2, forceSync: false });
  const versions = new Map<string, number>();
  for (let k = 0; k < logTxns; k++) {
    const d = k % dirs;
    const path = `/bench/d${String(d).padStart(4, '0')}/n${String(Math.floor(k / dirs) % perDir).padStart(4, '0')}`;
    const version = (versions.get(path) ?? 0) + 1;
    versions.set(path, version);
    const txn = new SetDataTxn({ path, data, version });
    const hdr = apply(OpCode.setData, txn);
    log.append({ hdr, txn, digest: new TxnDigest({ version: 2, treeDigest: tree.getTreeDigest() }) });
    if (k % 1000 === 999) await log.commit();
  }
  await log.commit();
  await log.close();
  return { znodes: made, logTxns, snapshotZxid: saved.zxid, lastZxid: zxid, snapshotBytes: saved.size, buildMs: performance.now() - t0 };
}
