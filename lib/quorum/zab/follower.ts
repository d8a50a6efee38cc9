import type { QuorumPacket } from '../../jute/records/quorum';
import { deserializeTxn } from '../../persistence/txn-serde';
import type { QuorumPeer } from '../quorum-peer';
import type { FollowerZooKeeperServer } from './follower-zookeeper-server';
import { Learner } from './learner';
import { PacketType, packetTypeName } from './packet-types';
import { epochOf, zxidHex, zxidToString } from './zxid';

/** ZooKeeper's Follower: a learner that votes: it logs and acks proposals, and applies commits. */
export class Follower extends Learner {
  constructor(
    self: QuorumPeer,
    readonly fzk: FollowerZooKeeperServer,
  ) {
    super(self, fzk);
  }

  /** Follower.followLeader: settles when the leader is lost (or this peer stops). */
  followLeader(leaderId: number): Promise<void> {
    return this.runWithLeader(leaderId, PacketType.FOLLOWERINFO, 'following');
  }

  protected override checkLeaderEpoch(newEpochZxid: bigint): void {
    if (epochOf(newEpochZxid) < this.self.acceptedEpoch) {
      throw new Error(`Proposed leader epoch ${zxidToString(newEpochZxid)} is less than our accepted epoch ${zxidToString(this.self.acceptedEpoch)}`);
    }
  }

  /** Follower.processPacket. */
  protected processPacket(qp: QuorumPacket): void {
    switch (qp.type) {
      case PacketType.PING:
        this.ping(qp);
        break;
      case PacketType.PROPOSAL: {
        const e = deserializeTxn(qp.data ?? Buffer.alloc(0), this.self.config.juteMaxBuffer, true);
        if (e.hdr.zxid !== this.lastQueued + 1n) {
          this.log.debug(`Got zxid ${zxidHex(e.hdr.zxid)} expected ${zxidHex(this.lastQueued + 1n)}`);
        }
        this.lastQueued = e.hdr.zxid;
        this.fzk.logRequest(e);
        break;
      }
      case PacketType.COMMIT:
        this.fzk.commit(qp.zxid);
        break;
      case PacketType.UPTODATE:
        this.log.error('Received an UPTODATE message after Follower started');
        break;
      case PacketType.REVALIDATE:
        this.revalidate(qp);
        break;
      case PacketType.SYNC:
        this.fzk.sync();
        break;
      default:
        this.log.warn(`Unknown packet type: ${packetTypeName(qp.type)}`);
    }
  }
}
