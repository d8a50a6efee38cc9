import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileIO } from '../../lib/persistence/file-io';
import { decodeEntry, listLogFiles } from './file-txn-iterator';
import { LogFileScanner } from './log-file-scanner';
import { formatTxnEntry, type FormatOptions } from './log-formatter';
import { nodeFileIO } from './node-file-io';

export interface DumpOptions extends FormatOptions {
  /** Where text goes (process.stdout.write for the CLI). */
  out: (text: string) => void;
  io?: FileIO;
  maxEntrySize?: number;
}

export interface DumpResult {
  files: string[];
  txns: number;
  tornTails: Array<{ file: string; offset: number; reason: string }>;
}

/**
 * `zoolab log dump`: prints log files as TxnLogToolkit -d does. `target` is a log file, a
 * directory of log files, or a dataLogDir whose version-2 holds them. A torn tail is
 * reported and ends its file; corruption (damage before valid data) throws
 * TxnLogCorruptError after everything before it was printed.
 */
export async function dumpTxnLog(target: string, opts: DumpOptions): Promise<DumpResult> {
  const io = opts.io ?? nodeFileIO;
  const paths = await resolveLogFiles(io, target);
  const result: DumpResult = { files: paths, txns: 0, tornTails: [] };
  for (const path of paths) {
    if (paths.length > 1) opts.out(`${path}:\n`);
    const scanner = await LogFileScanner.open(io, path, { maxEntrySize: opts.maxEntrySize });
    let count = 0;
    try {
      if (scanner.header) {
        opts.out(`ZooKeeper Transactional Log File with dbid ${scanner.header.dbid} txnlog format version ${scanner.header.version}\n`);
      } else {
        opts.out('No file header: the file was created but its first write never completed.\n');
      }
      for (let e = await scanner.next(); e; e = await scanner.next()) {
        opts.out(formatTxnEntry(decodeEntry(path, e), opts));
        count++;
      }
      const end = scanner.end!;
      if (end.kind === 'torn') {
        opts.out(`Torn tail at byte offset ${end.offset}: ${end.reason} (${end.size - end.offset} bytes after the last whole txn).\n`);
        result.tornTails.push({ file: path, offset: end.offset, reason: end.reason });
      }
      opts.out(`EOF reached after ${count} txns.\n`);
    } finally {
      result.txns += count;
      await scanner.close();
    }
  }
  return result;
}

async function resolveLogFiles(io: FileIO, target: string): Promise<string[]> {
  if (!(await stat(target)).isDirectory()) return [target];
  let files = await listLogFiles(io, target);
  if (files.length === 0 && (await io.exists(join(target, 'version-2')))) {
    files = await listLogFiles(io, join(target, 'version-2'));
  }
  return files.map((f) => f.path);
}
