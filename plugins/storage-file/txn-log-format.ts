import { adler32 } from '../../lib/persistence/adler32';

/**
 * FileTxnLog's on-disk format (ZooKeeper 3.8, version 2):
 *
 *     file   := FileHeader entry* zeros*
 *     header := magic "ZKLG" (int) · version 2 (int) · dbid 0 (long)           16 bytes
 *     entry  := checksum (long: Adler-32 of payload) · length (int) · payload · 'B'
 *     payload:= TxnHeader · txn record (none for some types) · TxnDigest (when digests are on)
 *
 * Files are named log.<zxid of their first txn in lowercase hex, no padding>.
 */
export const TXNLOG_MAGIC = 0x5a4b4c47;
export const TXNLOG_VERSION = 2;
export const FILE_HEADER_SIZE = 16;
/** checksum (8) + length (4) */
export const ENTRY_PREFIX_SIZE = 12;
export const EOR = 0x42;
/** TxnHeader: clientId (8) cxid (4) zxid (8) time (8) type (4). */
export const TXN_HEADER_SIZE = 32;
/** The zxid's offset inside a payload (after clientId and cxid). */
export const PAYLOAD_ZXID_OFFSET = 12;
/**
 * Java reads the payload with BinaryInputArchive.readBuffer, whose limit is jute.maxbuffer
 * plus zookeeper.jute.maxbuffer.extrasize (both 0xfffff by default).
 */
export const DEFAULT_MAX_ENTRY_SIZE = 0xfffff * 2;

export const LOG_FILE_PREFIX = 'log';
const LOG_NAME = /^log\.([0-9a-fA-F]{1,16})$/;

/** Util.makeLogName: Long.toHexString, so a negative zxid prints as 64-bit two's complement. */
export function makeLogName(zxid: bigint): string {
  return `${LOG_FILE_PREFIX}.${BigInt.asUintN(64, zxid).toString(16)}`;
}

/**
 * The start zxid of a log file name, or null when the name is not a log file's. Stricter
 * than Util.getZxidFromName, which would also take "log.1a.fixed" (TxnLogToolkit's
 * recovery output) for log.1a.
 */
export function zxidFromLogName(name: string): bigint | null {
  const m = LOG_NAME.exec(name);
  return m ? BigInt.asIntN(64, BigInt('0x' + m[1])) : null;
}

/** The log files among `names`, oldest first. */
export function sortLogFiles(names: readonly string[]): Array<{ name: string; zxid: bigint }> {
  const out: Array<{ name: string; zxid: bigint }> = [];
  for (const name of names) {
    const zxid = zxidFromLogName(name);
    if (zxid !== null) out.push({ name, zxid });
  }
  return out.sort((a, b) => (a.zxid < b.zxid ? -1 : a.zxid > b.zxid ? 1 : 0));
}

export function encodeFileHeader(dbid = 0n): Buffer {
  const b = Buffer.alloc(FILE_HEADER_SIZE);
  b.writeInt32BE(TXNLOG_MAGIC, 0);
  b.writeInt32BE(TXNLOG_VERSION, 4);
  b.writeBigInt64BE(dbid, 8);
  return b;
}

/** One entry as FileTxnLog.append writes it: checksum, length, payload, EOR. */
export function encodeEntry(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(ENTRY_PREFIX_SIZE + payload.length + 1);
  out.writeBigInt64BE(BigInt(adler32(payload)), 0);
  out.writeInt32BE(payload.length, 8);
  payload.copy(out, ENTRY_PREFIX_SIZE);
  out[out.length - 1] = EOR;
  return out;
}

export function zxidOfPayload(payload: Buffer): bigint {
  return payload.readBigInt64BE(PAYLOAD_ZXID_OFFSET);
}
