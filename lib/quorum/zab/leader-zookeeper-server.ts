import type { Request } from '../../server/request';
import type { ServerCnxnImpl } from '../../server/server-cnxn-impl';
import { killDeadSessions } from '../../server/server-persistence';
import { SERVER_CNXN_ME, ZooKeeperServer, type ZooKeeperServerOptions } from '../../server/zookeeper-server';
import type { QuorumPeer } from '../quorum-peer';
import { leaderChain } from './chains';
import { CommitProcessor } from './commit-processor';
import type { Leader } from './leader';
import { LearnerRequest } from './learner-request';

/**
 * LeaderZooKeeperServer: the global session tracker (sessions expire here, touched by
 * learners' PINGs), the chain that proposes, and the ContainerManager.
 */
export class LeaderZooKeeperServer extends ZooKeeperServer {
  readonly commitProcessor = new CommitProcessor(false);
  leader!: Leader;

  constructor(
    readonly self: QuorumPeer,
    opts: ZooKeeperServerOptions,
  ) {
    super({ ...opts, chain: (zks) => leaderChain(zks as LeaderZooKeeperServer) });
  }

  override getState(): string {
    return 'leader';
  }

  /**
   * ZooKeeperServer.loadData for a new leader, on the database the peer keeps: continue
   * from it, drop the ephemerals of sessions it has no record of, then snapshot. Returns
   * true when it left the snapshot for later (the leader takes it once it serves).
   *
   * Java writes that snapshot before it serves learners; zoolab waits for it only when
   * the cleanup changed the tree. Those deletions are in no txn: until a snapshot holds
   * them, a restart would restore the dead ephemerals, and a txn of the new epoch that
   * relies on their absence (a create of the same path) would not replay. Otherwise the
   * tree is exactly what the snapshots and the log on disk rebuild (the log is durable:
   * fastForwardDatabase committed what it applied), so the snapshot only shortens a later
   * restore. On a tree of tens of MB it was a few hundred ms of every failover.
   */
  async loadDataForLeading(): Promise<boolean> {
    this.setZxid(this.zkDb.lastProcessedZxid);
    if (killDeadSessions(this.zkDb) === 0) return true;
    await this.takeSnapshot();
    return false;
  }

  /** A learner's request belongs to the LearnerHandler it came through. */
  override ownerOf(request: Request): unknown {
    return request instanceof LearnerRequest ? request.owner : super.ownerOf(request);
  }

  /** ZooKeeperServer.touch for a learner's PING: false for a session that is gone. */
  touch(sessionId: bigint, timeout: number): boolean {
    return this.sessionTracker.touchSession(sessionId, timeout);
  }

  /** LeaderZooKeeperServer.checkIfValidGlobalSession (touching it). */
  checkIfValidGlobalSession(sessionId: bigint, timeout: number): boolean {
    return this.sessionTracker.touchSession(sessionId, timeout);
  }

  setOwner(sessionId: bigint, owner: unknown): void {
    this.sessionTracker.setOwner(sessionId, owner);
  }

  /** A client reconnecting here takes its session back from whichever learner held it. */
  protected override revalidateSession(cnxn: ServerCnxnImpl, sessionId: bigint, timeout: number): void {
    super.revalidateSession(cnxn, sessionId, timeout);
    try {
      this.setOwner(sessionId, SERVER_CNXN_ME);
    } catch {
      // The session expired meanwhile: the client was told so.
    }
  }

  /** LeaderZooKeeperServer.submitLearnerRequest: straight into prep (sessions were touched by PINGs). */
  submitLearnerRequest(r: Request): void {
    this.submitRequest(r);
  }

  /** A leader may apply a txn a quorum of followers logged before its own log has: its snapshots are of the live tree. */
  protected override appliesOnlyLoggedTxns(): boolean {
    return false;
  }
}
