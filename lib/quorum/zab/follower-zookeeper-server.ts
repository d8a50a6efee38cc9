import { Request } from '../../server/request';
import type { TxnEntry } from '../../persistence/txn-log';
import type { ZooKeeperServerOptions } from '../../server/zookeeper-server';
import type { Processor } from '../../server/processors/chain';
import type { QuorumPeer } from '../quorum-peer';
import { followerChain, followerLogChain } from './chains';
import { PacketType } from './packet-types';
import { quorumPacket } from './quorum-packet-channel';
import { LearnerSyncRequest } from './learner-request';
import { LearnerZooKeeperServer } from './learner-zookeeper-server';
import { counterOf, zxidHex } from './zxid';

/** Raised when the leader commits something other than the next pending txn (Java exits). */
export class UnmatchedTxnCommitError extends Error {
  override name = 'UnmatchedTxnCommitError';
}

/**
 * FollowerZooKeeperServer: logs the leader's proposals and acks them (logRequest), applies
 * them when committed (commit), and forwards its clients' writes.
 */
export class FollowerZooKeeperServer extends LearnerZooKeeperServer {
  /** Logged proposals waiting for their COMMIT, in zxid order. */
  readonly pendingTxns: Request[] = [];

  constructor(self: QuorumPeer, opts: ZooKeeperServerOptions) {
    super(self, { ...opts, chain: (zks) => followerChain(zks as FollowerZooKeeperServer) });
  }

  protected logStages(): Processor[] {
    return followerLogChain(this);
  }

  override getState(): string {
    return 'follower';
  }

  /** FollowerZooKeeperServer.logRequest: a proposal to make durable (and then ack). */
  logRequest(e: TxnEntry): void {
    const r = requestOf(e, this.clock.now());
    if (counterOf(r.zxid) !== 0n) this.pendingTxns.push(r);
    this.log(r);
  }

  /** FollowerZooKeeperServer.commit: the next pending txn is committed. */
  commit(zxid: bigint): void {
    const first = this.pendingTxns[0];
    if (!first) {
      this.logger.warn(`Committing ${zxidHex(zxid)} without seeing txn`);
      return;
    }
    if (first.zxid !== zxid) {
      throw new UnmatchedTxnCommitError(`Committing zxid ${zxidHex(zxid)} but next pending txn ${zxidHex(first.zxid)}`);
    }
    this.pendingTxns.shift();
    this.commitProcessor.commit(first);
  }

  /** FollowerZooKeeperServer.sync: the leader's SYNC answers the oldest pending sync. */
  sync(): void {
    const r = this.pendingSyncs.shift();
    if (!r) {
      this.logger.warn('Not expecting a sync.');
      return;
    }
    if (r instanceof LearnerSyncRequest) r.fh.queuePacket(quorumPacket(PacketType.SYNC, 0n));
    this.commitProcessor.commit(r);
  }
}

/** A logged txn's request has no body of its own; they all share this empty one. */
const NO_BODY = Buffer.alloc(0);

/** A txn from the leader as a Request (Request(hdr.clientId, hdr.cxid, hdr.type, hdr, txn, zxid)). */
export function requestOf(e: TxnEntry, now: number): Request {
  const r = new Request(null, e.hdr.clientId, e.hdr.cxid, e.hdr.type, NO_BODY, [], now);
  r.hdr = e.hdr;
  r.txn = e.txn;
  r.digest = e.digest ?? null;
  r.txnBytes = e.bytes;
  r.zxid = e.hdr.zxid;
  return r;
}
