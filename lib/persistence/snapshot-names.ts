/**
 * Snapshot file names, as ZooKeeper 3.8 spells them: snapshot.<zxid in lowercase hex,
 * no padding><extension>, where the extension names the compression
 * (SnapStream.StreamMode: none, ".gz", ".snappy") and a reader picks its decoder from it.
 */
export type SnapshotCompression = 'none' | 'gz' | 'snappy';

export const SNAPSHOT_FILE_PREFIX = 'snapshot';
/** AtomicFileOutputStream writes <name>.tmp and renames it when the file is complete. */
export const SNAPSHOT_TMP_EXTENSION = '.tmp';

const EXTENSIONS: Record<SnapshotCompression, string> = { none: '', gz: '.gz', snappy: '.snappy' };
const NAME = /^snapshot\.([0-9a-fA-F]{1,16})(?:\.(gz|snappy))?$/i;

/** A zookeeper.snapshot.compression.method value zoolab does not know. */
export class SnapshotCompressionError extends Error {
  override name = 'SnapshotCompressionError';
  constructor(readonly value: string) {
    super(`unknown snapshot compression method ${JSON.stringify(value)}: expected gz, snappy or empty (none)`);
  }
}

/**
 * zookeeper.snapshot.compression.method → compression. Java matches the names ignoring
 * case and silently falls back to no compression for anything else; zoolab rejects an
 * unknown name instead, so a typo does not go unnoticed.
 */
export function parseSnapshotCompression(value: string | undefined | null): SnapshotCompression {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'none' || v === 'checked') return 'none';
  if (v === 'gz' || v === 'snappy') return v;
  throw new SnapshotCompressionError(value ?? '');
}

/** Util.makeSnapshotName: Long.toHexString, so a negative zxid prints as 64-bit two's complement. */
export function makeSnapshotName(zxid: bigint, compression: SnapshotCompression = 'none'): string {
  return `${SNAPSHOT_FILE_PREFIX}.${BigInt.asUintN(64, zxid).toString(16)}${EXTENSIONS[compression]}`;
}

/**
 * The zxid and compression of a snapshot file name, or null when the name is not one a
 * snapshot is written under (a leftover "snapshot.1a.tmp" is not a snapshot).
 */
export function parseSnapshotName(name: string): { zxid: bigint; compression: SnapshotCompression } | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const ext = (m[2] ?? '').toLowerCase();
  return { zxid: BigInt.asIntN(64, BigInt('0x' + m[1])), compression: ext === '' ? 'none' : (ext as SnapshotCompression) };
}

/**
 * Util.getZxidFromName: the second dot-separated part as hex when the first is `prefix`,
 * else -1. Looser than parseSnapshotName ("snapshot.1a.tmp" gives 0x1a); PurgeTxnLog uses
 * this one, so leftovers of old snapshots are removed with them.
 */
export function javaZxidFromName(name: string, prefix: string): bigint {
  const parts = name.split('.');
  if (parts.length < 2 || parts[0] !== prefix) return -1n;
  // Long.parseLong(s, 16): an optional sign, then hex digits, no more than a long holds.
  if (!/^[+-]?[0-9a-fA-F]+$/.test(parts[1])) return -1n;
  const v = BigInt(parts[1].startsWith('-') ? '-0x' + parts[1].slice(1) : '0x' + parts[1].replace(/^\+/, ''));
  return BigInt.asIntN(64, v) === v ? v : -1n;
}
