import type { Request } from '../../server/request';
import type { ServerCnxnImpl } from '../../server/server-cnxn-impl';
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
}
