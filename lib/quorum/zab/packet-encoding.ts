import { BinaryOutputArchive } from '../../jute/binary-output-archive';
import { QuorumPacket } from '../../jute/records/quorum';
import type { TxnEntry } from '../../persistence/txn-log';
import type { Request } from '../../server/request';
import { serializeTxnInto } from '../../persistence/txn-serde';
import { PacketType } from './packet-types';

let scratch = new BinaryOutputArchive(4096);
const SCRATCH_KEEP = 64 * 1024;

/** Bytes of a packet before its data: type (int), zxid (long), data length (int). */
const HEAD = 16;
/** After a PROPOSAL's data: the authinfo vector, null (-1). */
const TAIL = 4;

/**
 * A PROPOSAL for `entry` and the bytes it goes to the followers as, made in one pass: the
 * txn is serialized straight into the packet and the packet's data is a view of those
 * bytes, where serializing the txn and then encoding the packet copied it twice.
 */
export function encodeProposal(entry: TxnEntry): { packet: QuorumPacket; encoded: Buffer } {
  const oa = scratch;
  oa.reset();
  try {
    oa.writeInt(PacketType.PROPOSAL);
    oa.writeLong(entry.hdr.zxid);
    const at = oa.beginFrame();
    serializeTxnInto(entry, oa);
    oa.endFrame(at);
    oa.writeInt(-1);
    const encoded = Buffer.from(oa.toBuffer());
    const data = encoded.subarray(HEAD, encoded.length - TAIL);
    return { packet: new QuorumPacket({ type: PacketType.PROPOSAL, zxid: entry.hdr.zxid, data, authinfo: null }), encoded };
  } finally {
    if (oa.capacity > SCRATCH_KEEP) scratch = new BinaryOutputArchive(4096);
  }
}

/** Learner.request's REQUEST packet: sessionId, cxid and type, then the request's own body. */
export function encodeRequest(r: Request): Buffer {
  const oa = scratch;
  oa.reset();
  try {
    oa.writeInt(PacketType.REQUEST);
    oa.writeLong(-1n);
    oa.writeInt(16 + r.body.length);
    oa.writeLong(BigInt.asIntN(64, r.sessionId));
    oa.writeInt(r.cxid);
    oa.writeInt(r.type);
    oa.writeRaw(r.body);
    oa.startVector(r.authInfo);
    for (const id of r.authInfo) id.serialize(oa);
    return Buffer.from(oa.toBuffer());
  } finally {
    if (oa.capacity > SCRATCH_KEEP) scratch = new BinaryOutputArchive(4096);
  }
}

/** A packet with no data and no authinfo (an ACK, a COMMIT): 20 bytes, written by hand. */
export function encodeBarePacket(type: number, zxid: bigint): Buffer {
  const b = Buffer.allocUnsafe(20);
  b.writeInt32BE(type, 0);
  b.writeBigInt64BE(zxid, 4);
  b.writeInt32BE(-1, 12);
  b.writeInt32BE(-1, 16);
  return b;
}
