import { dirname } from 'node:path';
import type { FileIO } from '../../lib/persistence/file-io';
import { listLogFiles, type LogFileRef } from './file-txn-iterator';
import { LogFileScanner, type ScanOptions } from './log-file-scanner';
import { FILE_HEADER_SIZE } from './txn-log-format';

/** What was cut from a log file whose last write was torn. */
export interface TornTailRepair {
  readonly file: string;
  /** Where the file now ends (just past its last whole entry). */
  readonly offset: number;
  readonly reason: string;
  /** Bytes removed, zeros of the preallocation included. */
  readonly bytesDropped: number;
  /** The file held no whole entry and was deleted. */
  readonly removedFile: boolean;
}

export interface FileSummary {
  readonly file: LogFileRef;
  readonly entries: number;
  readonly lastZxid: bigint | null;
  readonly repair: TornTailRepair | null;
}

/**
 * Scans one file to its end and, if `repair`, cuts a torn tail off (a file left without
 * any whole entry is deleted: it is what a crash during the file's first write leaves).
 */
export async function scanAndRepair(io: FileIO, file: LogFileRef, repair: boolean, opts: ScanOptions): Promise<FileSummary> {
  const scanner = await LogFileScanner.open(io, file.path, opts);
  let entries = 0;
  let lastZxid: bigint | null = null;
  let end;
  try {
    end = await scanner.drain((e) => {
      entries++;
      lastZxid = e.zxid;
    });
  } finally {
    await scanner.close();
  }
  if (!repair) return { file, entries, lastZxid, repair: null };
  if (entries === 0) {
    await io.unlink(file.path);
    await io.syncDir(dirname(file.path));
    const reason = end.kind === 'torn' ? end.reason : 'no whole entry';
    return { file, entries, lastZxid, repair: { file: file.path, offset: 0, reason, bytesDropped: scanner.size, removedFile: true } };
  }
  if (end.kind !== 'torn') return { file, entries, lastZxid, repair: null };
  const f = await io.open(file.path, 'update');
  try {
    await f.truncate(end.offset);
    await f.sync();
  } finally {
    await f.close();
  }
  return {
    file,
    entries,
    lastZxid,
    repair: { file: file.path, offset: end.offset, reason: end.reason, bytesDropped: end.size - end.offset, removedFile: false },
  };
}

/**
 * The last logged zxid, scanning from the newest file back to the first that holds an
 * entry; with `repair`, torn tails met on the way are cut (files left empty are removed).
 */
export async function recoverLastZxid(
  io: FileIO,
  dir: string,
  repair: boolean,
  opts: ScanOptions,
): Promise<{ lastZxid: bigint; repairs: TornTailRepair[] }> {
  const files = await listLogFiles(io, dir);
  const repairs: TornTailRepair[] = [];
  for (let i = files.length - 1; i >= 0; i--) {
    const s = await scanAndRepair(io, files[i], repair, opts);
    if (s.repair) repairs.push(s.repair);
    if (s.lastZxid !== null) return { lastZxid: s.lastZxid, repairs };
  }
  return { lastZxid: 0n, repairs };
}

/** Cuts torn tails off every log file in `dir`. */
export async function truncateTornTails(io: FileIO, dir: string, opts: ScanOptions): Promise<TornTailRepair[]> {
  const repairs: TornTailRepair[] = [];
  for (const f of await listLogFiles(io, dir)) {
    const s = await scanAndRepair(io, f, true, opts);
    if (s.repair) repairs.push(s.repair);
  }
  return repairs;
}

/**
 * FileTxnLog.truncate: removes every entry with zxid > `zxid` — later files are deleted
 * and the file holding `zxid` is cut just after it. Java cuts after the first entry with
 * zxid ≥ the target, which keeps one entry too many when the target itself is absent;
 * here exactly the entries ≤ `zxid` stay. Returns the zxid of the last entry kept (0n if none).
 */
export async function truncateLogAfter(io: FileIO, dir: string, zxid: bigint, opts: ScanOptions): Promise<bigint> {
  const files = await listLogFiles(io, dir);
  for (let i = files.length - 1; i >= 0; i--) {
    const f = files[i];
    if (f.zxid > zxid) {
      await io.unlink(f.path);
      continue;
    }
    const scanner = await LogFileScanner.open(io, f.path, opts);
    let keepEnd = FILE_HEADER_SIZE;
    let kept: bigint | null = null;
    let cut = false;
    try {
      for (let e = await scanner.next(); e; e = await scanner.next()) {
        if (e.zxid > zxid) {
          cut = true;
          break;
        }
        keepEnd = e.end;
        kept = e.zxid;
      }
    } finally {
      await scanner.close();
    }
    if (kept === null) {
      await io.unlink(f.path);
      continue;
    }
    if (cut) {
      const h = await io.open(f.path, 'update');
      try {
        await h.truncate(keepEnd);
        await h.sync();
      } finally {
        await h.close();
      }
    }
    await io.syncDir(dir);
    return kept;
  }
  await io.syncDir(dir);
  return 0n;
}
