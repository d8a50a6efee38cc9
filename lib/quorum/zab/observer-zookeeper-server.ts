import type { Request } from '../../server/request';
import type { ZooKeeperServerOptions } from '../../server/zookeeper-server';
import type { Processor } from '../../server/processors/chain';
import type { QuorumPeer } from '../quorum-peer';
import { observerChain, observerLogChain } from './chains';
import { LearnerZooKeeperServer } from './learner-zookeeper-server';

/**
 * ObserverZooKeeperServer: applies what the leader INFORMs it of (committed txns only; an
 * observer never sees proposals and never votes), logs them, and forwards its clients' writes.
 */
export class ObserverZooKeeperServer extends LearnerZooKeeperServer {
  constructor(self: QuorumPeer, opts: ZooKeeperServerOptions) {
    super(self, { ...opts, chain: (zks) => observerChain(zks as ObserverZooKeeperServer) });
  }

  protected logStages(): Processor[] {
    return observerLogChain(this);
  }

  override getState(): string {
    return 'observer';
  }

  /** ObserverZooKeeperServer.commitRequest: log it and apply it. */
  commitRequest(r: Request): void {
    this.log(r);
    this.commitProcessor.commit(r);
  }

  /** ObserverZooKeeperServer.sync. */
  sync(): void {
    const r = this.pendingSyncs.shift();
    if (!r) {
      this.logger.warn('Not expecting a sync.');
      return;
    }
    this.commitProcessor.commit(r);
  }
}
