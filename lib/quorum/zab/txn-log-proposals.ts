import type { QuorumPacket } from '../../jute/records/quorum';
import { QuorumPacket as QP } from '../../jute/records/quorum';
import type { TxnLog } from '../../persistence/txn-log';
import { serializeTxn } from '../../persistence/txn-serde';
import { PacketType } from './packet-types';
import { counterOf } from './zxid';

/**
 * ZKDatabase.getProposalsFromTxnLog: the logged txns from `peerLastZxid` on, as PROPOSAL
 * packets — but only when the log provably reaches back to the peer (its first entry
 * read is the peer's last zxid itself); otherwise null and the leader sends a snapshot.
 * A peer at the start of an epoch (counter 0) has no txn to match, so it gets null too.
 */
export async function readProposalsFromTxnLog(log: TxnLog, peerLastZxid: bigint, limit: number): Promise<QuorumPacket[] | null> {
  if (counterOf(peerLastZxid) === 0n || limit <= 0) return null;
  const out: QuorumPacket[] = [];
  for await (const e of log.read(peerLastZxid - 1n)) {
    if (out.length === 0 && e.hdr.zxid !== peerLastZxid) return null;
    out.push(new QP({ type: PacketType.PROPOSAL, zxid: e.hdr.zxid, data: serializeTxn(e), authinfo: null }));
    if (out.length > limit) return null;
  }
  return out.length ? out : null;
}
