import type { QuorumPacket } from '../../jute/records/quorum';
import { PacketType } from './packet-types';
import { quorumPacket } from './quorum-packet-channel';
import { counterOf, epochOf, zxidHex } from './zxid';

/** What the leader has to sync a learner from (ZKDatabase under its log lock). */
export interface SyncSource {
  /** The committed log window, oldest first (PROPOSAL packets). */
  readonly committedLog: readonly QuorumPacket[];
  readonly lastProcessedZxid: bigint;
  /**
   * Committed txns from the txn log starting with the peer's own last zxid (as PROPOSAL
   * packets), or null when the log was not read or does not reach back that far.
   */
  readonly txnLogProposals: readonly QuorumPacket[] | null;
  /** zookeeper.forceSnapshotSync. */
  readonly forceSnap?: boolean;
}

export type SyncMode = 'DIFF' | 'TRUNC' | 'SNAP';

export interface SyncPlan {
  mode: SyncMode;
  /** DIFF / TRUNC and the PROPOSAL + COMMIT pairs to queue (empty for SNAP). */
  packets: QuorumPacket[];
  /** The last zxid the queued packets bring the learner to (startForwarding continues after it). */
  currentZxid: bigint;
  /** Why, for the log. */
  reason: string;
}

/**
 * LearnerHandler.syncFollower's decision, without IO: DIFF from the committed log (and
 * the txn log before it), TRUNC when the learner has txns the leader never committed, SNAP
 * when neither reaches. Decisions and fallbacks are 3.8's, including sending a SNAP when
 * the learner's extra txns are from an older epoch than the next txn it lacks.
 */
export function planSync(peerLastZxid: bigint, src: SyncSource): SyncPlan {
  const isPeerNewEpochZxid = counterOf(peerLastZxid) === 0n;
  const log = src.committedLog;
  let minCommittedLog = log.length ? log[0].zxid : src.lastProcessedZxid;
  let maxCommittedLog = log.length ? log[log.length - 1].zxid : src.lastProcessedZxid;
  if (log.length === 0) minCommittedLog = maxCommittedLog = src.lastProcessedZxid;

  const q = new Queuer();
  if (src.forceSnap) return snap(src, 'forced snapshot sync');
  if (src.lastProcessedZxid === peerLastZxid) {
    q.packets.push(quorumPacket(PacketType.DIFF, peerLastZxid));
    return { mode: 'DIFF', packets: q.packets, currentZxid: peerLastZxid, reason: 'peer is in sync' };
  }
  if (peerLastZxid > maxCommittedLog && !isPeerNewEpochZxid) {
    q.packets.push(quorumPacket(PacketType.TRUNC, maxCommittedLog));
    return { mode: 'TRUNC', packets: q.packets, currentZxid: maxCommittedLog, reason: `peer is ahead of ${zxidHex(maxCommittedLog)}` };
  }
  if (maxCommittedLog >= peerLastZxid && minCommittedLog <= peerLastZxid) {
    const current = q.queueCommittedProposals(log, peerLastZxid, null, maxCommittedLog);
    return q.result(current, src, 'committed log');
  }
  if (peerLastZxid < minCommittedLog && src.txnLogProposals && src.txnLogProposals.length > 0) {
    let current = q.queueCommittedProposals(src.txnLogProposals, peerLastZxid, minCommittedLog, maxCommittedLog);
    if (current < minCommittedLog) return snap(src, `gap between the txn log (${zxidHex(current)}) and the committed log (${zxidHex(minCommittedLog)})`);
    // Java passes the zxid reached so far as the second call's peerLastZxid.
    current = q.queueCommittedProposals(log, current, null, maxCommittedLog);
    return q.result(current, src, 'txn log and committed log');
  }
  return snap(src, `peer ${zxidHex(peerLastZxid)} is behind the committed log ${zxidHex(minCommittedLog)}`);
}

function snap(src: SyncSource, reason: string): SyncPlan {
  return { mode: 'SNAP', packets: [], currentZxid: src.lastProcessedZxid, reason };
}

/** LearnerHandler.queueCommittedProposals with its needOpPacket state. */
class Queuer {
  readonly packets: QuorumPacket[] = [];
  needOpPacket = true;
  mode: SyncMode = 'DIFF';

  queueCommittedProposals(itr: Iterable<QuorumPacket>, peerLastZxid: bigint, maxZxid: bigint | null, lastCommittedZxid: bigint): bigint {
    const isPeerNewEpochZxid = counterOf(peerLastZxid) === 0n;
    let queuedZxid = peerLastZxid;
    let prevProposalZxid = -1n;
    for (const p of itr) {
      const packetZxid = p.zxid;
      if (maxZxid !== null && packetZxid > maxZxid) break;
      if (packetZxid < peerLastZxid) {
        prevProposalZxid = packetZxid;
        continue;
      }
      if (this.needOpPacket) {
        if (packetZxid === peerLastZxid) {
          this.packets.push(quorumPacket(PacketType.DIFF, lastCommittedZxid));
          this.needOpPacket = false;
          continue;
        }
        if (isPeerNewEpochZxid) {
          this.packets.push(quorumPacket(PacketType.DIFF, lastCommittedZxid));
          this.needOpPacket = false;
        } else if (packetZxid > peerLastZxid) {
          // Cannot TRUNC into an older epoch than the next txn the peer lacks.
          if (epochOf(packetZxid) !== epochOf(peerLastZxid)) return queuedZxid;
          this.packets.push(quorumPacket(PacketType.TRUNC, prevProposalZxid));
          this.mode = 'TRUNC';
          this.needOpPacket = false;
        }
      }
      if (packetZxid <= queuedZxid) continue;
      this.packets.push(p);
      this.packets.push(quorumPacket(PacketType.COMMIT, packetZxid));
      queuedZxid = packetZxid;
    }
    if (this.needOpPacket && isPeerNewEpochZxid) {
      this.packets.push(quorumPacket(PacketType.DIFF, lastCommittedZxid));
      this.needOpPacket = false;
    }
    return queuedZxid;
  }

  result(currentZxid: bigint, src: SyncSource, how: string): SyncPlan {
    // LearnerHandler: "Unhandled scenario ... fall back to use snapshot".
    if (this.needOpPacket) return snap(src, `no DIFF or TRUNC point for the peer in the ${how}`);
    return { mode: this.mode, packets: this.packets, currentZxid, reason: how };
  }
}
