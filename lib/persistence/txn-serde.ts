import { BinaryInputArchive } from '../jute/binary-input-archive';
import { BinaryOutputArchive } from '../jute/binary-output-archive';
import { JuteError, JuteTruncatedError } from '../jute/errors';
import {
  CheckVersionTxn,
  CloseSessionTxn,
  CreateContainerTxn,
  CreateSessionTxn,
  CreateTTLTxn,
  CreateTxn,
  CreateTxnV0,
  DeleteTxn,
  ErrorTxn,
  MultiTxn,
  SetACLTxn,
  SetDataTxn,
  TxnDigest,
  TxnHeader,
} from '../jute/records/txn';
import type { JuteRecord, RecordClass } from '../jute/types';
import { OpCode } from '../protocol/op-code';
import type { TxnEntry } from './txn-log';

/** A txn whose type has no record (SerializeUtils throws IOException "Unsupported Txn"). */
export class UnsupportedTxnError extends JuteError {
  override name = 'UnsupportedTxnError';
  constructor(readonly type: number) {
    super(`unsupported txn type ${type}`);
  }
}

/** SerializeUtils.deserializeTxn's type → record table (plus check, which Java lacks). */
export function txnRecordClass(type: number): RecordClass<any> | null {
  switch (type) {
    case OpCode.createSession:
      return CreateSessionTxn;
    case OpCode.closeSession:
      return CloseSessionTxn;
    case OpCode.create:
    case OpCode.create2:
      return CreateTxn;
    case OpCode.createTTL:
      return CreateTTLTxn;
    case OpCode.createContainer:
      return CreateContainerTxn;
    case OpCode.delete:
    case OpCode.deleteContainer:
      return DeleteTxn;
    case OpCode.reconfig:
    case OpCode.setData:
      return SetDataTxn;
    case OpCode.setACL:
      return SetACLTxn;
    case OpCode.error:
      return ErrorTxn;
    case OpCode.multi:
      return MultiTxn;
    case OpCode.check:
      // A bare check request is logged as a txn of its own type (PrepRequestProcessor
      // makes a CheckVersionTxn for it); Java's SerializeUtils cannot read it back and
      // fails restore. zoolab reads it, so a log holding one restores here.
      return CheckVersionTxn;
    default:
      throw new UnsupportedTxnError(type);
  }
}

/** Util.marshallTxnEntry: header, txn (if any), digest (if any), back to back. */
export function serializeTxn(entry: TxnEntry): Buffer {
  if (entry.bytes !== undefined) return Buffer.from(entry.bytes);
  // One reused archive and one exact-size copy: a fresh 256-byte archive grew (and
  // copied) three times for a 1 KiB setData before the copy out.
  const oa = scratch;
  oa.reset();
  try {
    serializeTxnInto(entry, oa);
    return Buffer.from(oa.toBuffer());
  } finally {
    if (oa.length > SCRATCH_KEEP) scratch = new BinaryOutputArchive(4096);
  }
}

/** serializeTxn appended to `oa`, for a caller that frames entries in a buffer of its own. */
export function serializeTxnInto(entry: TxnEntry, oa: BinaryOutputArchive): void {
  if (entry.bytes !== undefined) {
    oa.writeRaw(entry.bytes);
    return;
  }
  entry.hdr.serialize(oa);
  entry.txn?.serialize(oa);
  entry.digest?.serialize(oa);
}

let scratch = new BinaryOutputArchive(4096);
const SCRATCH_KEEP = 64 * 1024;

/**
 * SerializeUtils.deserializeTxn: reads what serializeTxn wrote, including the compat
 * cases Java keeps (a pre-3.3 CreateTxn without parentCVersion, a closeSession from before
 * CloseSessionTxn, a txn without a digest). With `shareBuffers` a value may be a view of
 * `buf` (see BinaryInputArchive.shareBuffers): for bytes that are this txn's alone and
 * never reused, such as a proposal's data.
 */
export function deserializeTxn(buf: Buffer, maxBuffer?: number, shareBuffers = false): TxnEntry {
  const ia = new BinaryInputArchive(buf, maxBuffer);
  ia.shareBuffers = shareBuffers;
  const hdr = TxnHeader.deserialize(ia);
  const start = ia.offset;
  if (hdr.type === OpCode.closeSession) return closeSessionEntry(buf, hdr, start, maxBuffer);
  const cls = txnRecordClass(hdr.type);
  let txn: JuteRecord | null = null;
  try {
    txn = cls!.deserialize(ia) as JuteRecord;
  } catch (e) {
    if (!(e instanceof JuteTruncatedError)) throw e;
    if (hdr.type === OpCode.create) {
      const v0 = CreateTxnV0.deserialize(new BinaryInputArchive(buf, maxBuffer, start));
      // parentCVersion -1 makes DataTree.processTxn fix the parent's cversion up.
      txn = new CreateTxn({ path: v0.path, data: v0.data, acl: v0.acl, ephemeral: v0.ephemeral, parentCVersion: -1 });
      return { hdr, txn, digest: null };
    }
    throw e;
  }
  return withDigest(buf, ia, hdr, txn);
}

/** The optional TxnDigest after the txn; a truncated one is read as none, as Java does. */
function withDigest(buf: Buffer, ia: BinaryInputArchive, hdr: TxnHeader, txn: JuteRecord | null): TxnEntry {
  let digest: TxnDigest | null = null;
  if (ia.remaining > 0) {
    try {
      digest = TxnDigest.deserialize(ia);
    } catch (e) {
      if (!(e instanceof JuteTruncatedError)) throw e;
      return { hdr, txn, digest };
    }
  }
  // Read to the end in the current format: these bytes are the entry (see TxnEntry.bytes).
  return ia.remaining === 0 ? { hdr, txn, digest, bytes: buf } : { hdr, txn, digest };
}

/**
 * A closeSession is logged with a CloseSessionTxn (its ephemerals), or without one when
 * zookeeper.closeSessionTxn.enabled=false (and before 3.6); only the entry's length tells
 * them apart. Java reads by its own current setting, and fails on an entry written with
 * the other one when a digest follows (it reads the digest as a list of paths). The
 * CloseSessionTxn is taken here only when it, and a digest after it, fill the entry.
 */
function closeSessionEntry(buf: Buffer, hdr: TxnHeader, start: number, maxBuffer?: number): TxnEntry {
  try {
    const ia = new BinaryInputArchive(buf, maxBuffer, start);
    const txn = CloseSessionTxn.deserialize(ia);
    if (ia.remaining === 0) return { hdr, txn, digest: null, bytes: buf };
    const digest = TxnDigest.deserialize(ia);
    if (ia.remaining === 0) return { hdr, txn, digest, bytes: buf };
  } catch (e) {
    if (!(e instanceof JuteError)) throw e;
  }
  return withDigest(buf, new BinaryInputArchive(buf, maxBuffer, start), hdr, null);
}
