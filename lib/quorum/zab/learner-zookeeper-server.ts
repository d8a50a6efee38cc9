import type { Request } from '../../server/request';
import type { ServerCnxnImpl } from '../../server/server-cnxn-impl';
import type { SessionTrackerImpl } from '../../server/session-tracker';
import { ZooKeeperServer, type ZooKeeperServerOptions } from '../../server/zookeeper-server';
import type { QuorumPeer } from '../quorum-peer';
import { CommitProcessor } from './commit-processor';
import type { Learner } from './learner';
import { LearnerSessionTracker } from './learner-session-tracker';
import { SideChain } from './side-chain';
import type { Processor } from '../../server/processors/chain';

/**
 * LearnerZooKeeperServer: what followers and observers share. Sessions are the leader's
 * (LearnerSessionTracker relays touches, REVALIDATE moves a reconnecting session here),
 * writes go to the leader, and committed txns come back through the CommitProcessor.
 */
export abstract class LearnerZooKeeperServer extends ZooKeeperServer {
  readonly commitProcessor = new CommitProcessor(true);
  /** Syncs sent to the leader, answered in order by its SYNC packets. */
  readonly pendingSyncs: Request[] = [];
  learner!: Learner;
  private logChain: SideChain | null = null;

  constructor(
    readonly self: QuorumPeer,
    opts: ZooKeeperServerOptions,
  ) {
    super({ ...opts, containerManager: false });
  }

  protected abstract logStages(): Processor[];

  protected override createSessionTracker(): SessionTrackerImpl {
    return new LearnerSessionTracker(this.clock, this, this.zkDb.sessionsWithTimeouts, this.config.tickTime, this.self.myId, this.logger);
  }

  /** Learner.validateSession: the leader says whether the session lives, and moves it here. */
  protected override revalidateSession(cnxn: ServerCnxnImpl, sessionId: bigint, timeout: number): void {
    this.learner.validateSession(cnxn, sessionId, timeout);
  }

  /** ZooKeeperServer.startupWithoutServing: the chains run; clients come at UPTODATE. */
  override async startup(): Promise<void> {
    await super.startup();
    this.logChain = new SideChain(this.logStages(), this.logger, () => void this.learner.shutdownFromServer('txn log failed'));
  }

  /** Hands a txn to the logging pipeline. */
  protected log(r: Request): void {
    this.logChain?.push(r);
  }

  /** LearnerZooKeeperServer.getTouchSnapshot: the sessions touched since the last PING. */
  getTouchSnapshot(): Map<bigint, number> {
    const t = this.sessionTracker;
    return t instanceof LearnerSessionTracker ? t.snapshot() : new Map();
  }

  override async shutdown(): Promise<void> {
    await super.shutdown();
    await this.logChain?.close();
  }

  /** A learner may apply a committed txn before its own log has written it: its snapshots are of the live tree. */
  protected override appliesOnlyLoggedTxns(): boolean {
    return false;
  }
}
