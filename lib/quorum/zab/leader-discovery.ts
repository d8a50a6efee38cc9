import type { QuorumPeer } from '../quorum-peer';
import { Latch } from './latch';
import type { Proposal } from './proposal';
import type { StateSummary } from './state-summary';
import { zxidHex } from './zxid';

/**
 * The leader's side of ZAB discovery: agreeing on the new epoch with a quorum
 * (getEpochToPropose), hearing it acknowledged by a quorum none of which is ahead
 * (waitForEpochAck), and a quorum synced and acking NEWLEADER (waitForNewLeaderAck). Each
 * wait gives up after initLimit ticks, as Leader's do.
 */
export class LeaderDiscovery {
  private epoch = -1n;
  private epochDecided = false;
  private readonly connectingFollowers = new Set<number>();
  private readonly electingFollowers = new Set<number>();
  private readonly epochLatch: Latch;
  private readonly epochAckLatch: Latch;
  private readonly newLeaderAckLatch: Latch;

  constructor(private readonly self: QuorumPeer) {
    this.epochLatch = new Latch(self.clock);
    this.epochAckLatch = new Latch(self.clock);
    this.newLeaderAckLatch = new Latch(self.clock);
  }

  private get initTimeout(): number {
    return this.self.initLimit * this.self.tickTime;
  }

  private isParticipant(sid: number): boolean {
    return this.self.verifier.getVotingMembers().has(sid);
  }

  /** Leader.getEpochToPropose: waits until a quorum (with us) connected; the epoch is one past any accepted. */
  async getEpochToPropose(sid: number, lastAcceptedEpoch: bigint): Promise<bigint> {
    if (!this.epochDecided) {
      if (lastAcceptedEpoch >= this.epoch) this.epoch = lastAcceptedEpoch + 1n;
      if (this.isParticipant(sid)) this.connectingFollowers.add(sid);
      if (this.connectingFollowers.has(this.self.myId) && this.self.verifier.containsQuorum(this.connectingFollowers)) {
        this.epochDecided = true;
        await this.self.setAcceptedEpoch(this.epoch);
        this.epochLatch.open();
      }
    }
    await this.epochLatch.wait(this.initTimeout, 'Timeout while waiting for epoch from quorum');
    return this.epoch;
  }

  /** Leader.waitForEpochAck: a quorum acknowledged the epoch (none of them ahead of us). */
  async waitForEpochAck(id: number, ss: StateSummary, leaderStateSummary: StateSummary): Promise<void> {
    if (this.epochAckLatch.isOpen) return;
    if (ss.currentEpoch !== -1n) {
      if (ss.isMoreRecentThan(leaderStateSummary)) {
        throw new Error(`Follower is ahead of the leader, leader summary: ${leaderStateSummary} (current epoch:last zxid), follower ${ss}`);
      }
      if (ss.lastZxid !== -1n && this.isParticipant(id)) this.electingFollowers.add(id);
    }
    if (this.electingFollowers.has(this.self.myId) && this.self.verifier.containsQuorum(this.electingFollowers)) {
      this.epochAckLatch.open();
      return;
    }
    await this.epochAckLatch.wait(this.initTimeout, 'Timeout while waiting for epoch to be acked by quorum');
  }

  /** Leader.waitForNewLeaderAck: a quorum is synced and acked NEWLEADER. */
  async waitForNewLeaderAck(sid: number, zxid: bigint, newLeaderProposal: Proposal): Promise<void> {
    if (this.newLeaderAckLatch.isOpen) return;
    const current = newLeaderProposal.packet.zxid;
    if (zxid !== current) {
      this.self.logger.error(`NEWLEADER ACK from sid: ${sid} is from a different epoch - current ${zxidHex(current)} received ${zxidHex(zxid)}`);
      return;
    }
    newLeaderProposal.addAck(sid);
    if (newLeaderProposal.hasAllQuorums()) {
      this.newLeaderAckLatch.open();
      return;
    }
    await this.newLeaderAckLatch.wait(this.initTimeout, 'Timeout while waiting for NEWLEADER to be acked by quorum');
  }

  /** The leader is shutting down: every wait fails. */
  break(err: Error): void {
    this.epochLatch.break(err);
    this.epochAckLatch.break(err);
    this.newLeaderAckLatch.break(err);
  }
}
