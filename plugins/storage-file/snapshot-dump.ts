import { basename } from 'node:path';
import type { FileIO } from '../../lib/persistence/file-io';
import { parseSnapshot } from '../../lib/persistence/snapshot-format';
import { formatSnapshot } from '../../lib/persistence/snapshot-formatter';
import { javaZxidFromName, SNAPSHOT_FILE_PREFIX, type SnapshotCompression } from '../../lib/persistence/snapshot-names';
import { nodeFileIO } from './node-file-io';
import { decompress } from './snapshot-compression';

export interface SnapshotDumpOptions {
  /** -d: print each node's data (Base64) instead of its length. */
  dumpData?: boolean;
  /** -json: ncdu's JSON export. */
  json?: boolean;
  /** IANA zone for ctime / mtime; defaults to the process's local zone, as Java does. */
  timeZone?: string;
  /** The JSON header's timestamp; defaults to now. */
  now?: number;
  io?: FileIO;
}

export interface SnapshotDump {
  text: string;
  /** false when a seal did not match: printed anyway, as SnapshotFormatter does not check. */
  checksumValid: boolean;
  nodes: number;
  sessions: number;
}

/** SnapStream.getStreamMode: the last extension picks the decoder, anything else is plain. */
export function compressionOfFileName(name: string): SnapshotCompression {
  const parts = name.split('.');
  const ext = parts.length > 1 ? parts[parts.length - 1].toLowerCase() : '';
  return ext === 'gz' || ext === 'snappy' ? ext : 'none';
}

/**
 * `zoolab snapshot dump`: what `java org.apache.zookeeper.server.SnapshotFormatter [-d|-json]
 * <file>` prints for the same file, byte for byte (given the same time zone). A file that
 * is not a snapshot or ends early throws SnapshotFormatError.
 */
export async function dumpSnapshot(file: string, opts: SnapshotDumpOptions = {}): Promise<SnapshotDump> {
  if (opts.dumpData && opts.json) throw new Error('Cannot specify both data dump (-d) and json mode (-json) in same call');
  const io = opts.io ?? nodeFileIO;
  const name = basename(file);
  const f = await io.open(file, 'read');
  let bytes: Buffer;
  try {
    bytes = await f.read(0, await f.size());
  } finally {
    await f.close();
  }
  const raw = await decompress(compressionOfFileName(name), bytes);
  // SnapshotFormatter reads the header, sessions and tree only: no seal check, no digest.
  const parsed = parseSnapshot(raw, { source: name, verifyChecksum: false, digestEnabled: false });
  const counts = { nodes: parsed.nodes.length, sessions: parsed.sessions.length };
  const text = formatSnapshot(parsed, {
    fileNameZxid: javaZxidFromName(name, SNAPSHOT_FILE_PREFIX),
    dumpData: opts.dumpData,
    json: opts.json,
    timeZone: opts.timeZone,
    now: opts.now ?? Date.now(),
  });
  return { text, checksumValid: parsed.checksumValid, ...counts };
}
