import type { QuorumPacket } from '../../jute/records/quorum';
import { deserializeTxn } from '../../persistence/txn-serde';
import type { QuorumPeer } from '../quorum-peer';
import { requestOf } from './follower-zookeeper-server';
import { Learner } from './learner';
import type { ObserverZooKeeperServer } from './observer-zookeeper-server';
import { PacketType, packetTypeName } from './packet-types';

/** ZooKeeper's Observer: a learner that does not vote; it applies what the leader INFORMs. */
export class Observer extends Learner {
  constructor(
    self: QuorumPeer,
    readonly ozk: ObserverZooKeeperServer,
  ) {
    super(self, ozk);
  }

  /** Observer.observeLeader: settles when the leader is lost (or this peer stops). */
  observeLeader(leaderId: number): Promise<void> {
    return this.runWithLeader(leaderId, PacketType.OBSERVERINFO, 'observing');
  }

  /** Observer.processPacket. */
  protected processPacket(qp: QuorumPacket): void {
    switch (qp.type) {
      case PacketType.PING:
        this.ping(qp);
        break;
      case PacketType.PROPOSAL:
        this.log.warn('Ignoring proposal');
        break;
      case PacketType.COMMIT:
        this.log.warn('Ignoring commit');
        break;
      case PacketType.UPTODATE:
        this.log.error('Received an UPTODATE message after Observer started');
        break;
      case PacketType.REVALIDATE:
        this.revalidate(qp);
        break;
      case PacketType.SYNC:
        this.ozk.sync();
        break;
      case PacketType.INFORM: {
        const e = deserializeTxn(qp.data ?? Buffer.alloc(0), this.self.config.juteMaxBuffer, true);
        this.lastQueued = e.hdr.zxid;
        this.ozk.commitRequest(requestOf(e, this.self.clock.now()));
        break;
      }
      default:
        this.log.warn(`Unknown packet type: ${packetTypeName(qp.type)}`);
    }
  }
}
