import { Observable } from 'rxjs';
import { final, prep, sync, type Processor } from '../../server/processors/chain';
import type { Request } from '../../server/request';
import type { LeaderZooKeeperServer } from './leader-zookeeper-server';
import type { FollowerZooKeeperServer } from './follower-zookeeper-server';
import type { ObserverZooKeeperServer } from './observer-zookeeper-server';
import type { LearnerZooKeeperServer } from './learner-zookeeper-server';
import { LearnerSyncRequest } from './learner-request';
import { PacketType } from './packet-types';
import { SideChain } from './side-chain';
import { OpCode } from '../../protocol/op-code';
import { isWriteType } from './commit-processor';
import { encodeBarePacket } from './packet-encoding';
import { appliedEvent } from '../peer-events';

const SYNC = OpCode.sync;

/**
 * The request processor chains of the three roles, each in one place, as
 * LeaderZooKeeperServer / FollowerZooKeeperServer / ObserverZooKeeperServer set them up.
 *
 *   leader:   prep → proposal ─┬─→ commit → final → toBeApplied
 *                              └─→ sync → ack                     (the leader's own vote)
 *   follower: followerRequest → commit → final → committed
 *             PROPOSAL from the leader → sync → sendAck           (logRequest)
 *   observer: observerRequest → commit → final → committed
 *             INFORM from the leader → sync                        (commitRequest)
 */

export function leaderChain(zks: LeaderZooKeeperServer): Processor[] {
  return [prep(zks), proposal(zks), zks.commitProcessor.operator, final(zks), toBeApplied(zks)];
}

export function followerChain(zks: FollowerZooKeeperServer): Processor[] {
  return [followerRequest(zks), zks.commitProcessor.operator, final(zks), committed(zks)];
}

export function observerChain(zks: ObserverZooKeeperServer): Processor[] {
  return [observerRequest(zks), zks.commitProcessor.operator, final(zks), committed(zks)];
}

/** The follower's logging pipeline: PROPOSALs become durable, then are acked. */
export function followerLogChain(zks: FollowerZooKeeperServer): Processor[] {
  return [sync(zks), sendAck(zks)];
}

/** The observer's: INFORMed txns are logged (zookeeper.observer.syncEnabled), never acked. */
export function observerLogChain(zks: ObserverZooKeeperServer): Processor[] {
  return [sync(zks)];
}

/** A synchronous stage as an operator: `step` sees each request, `pass` says whether it goes on. */
function stage(step: (r: Request) => boolean): Processor {
  return (source) =>
    new Observable<Request>((subscriber) =>
      source.subscribe({
        next: (r) => {
          if (step(r)) subscriber.next(r);
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );
}

/**
 * ProposalRequestProcessor: every request goes on to the commit stage; a txn is also
 * proposed to the followers and logged here, the leader acking its own proposal once it
 * is durable (AckRequestProcessor). A learner's sync goes no further: the leader answers
 * it when what was proposed before it commits. The stage completes only after the
 * logging side has drained, so a leader that steps down has logged what it proposed.
 */
export function proposal(zks: LeaderZooKeeperServer): Processor {
  return (source) =>
    new Observable<Request>((subscriber) => {
      const log = new SideChain([sync(zks), ack(zks)], zks.logger, (err) => subscriber.error(err));
      const sub = source.subscribe({
        next: (r) => {
          if (r instanceof LearnerSyncRequest) {
            zks.leader.processSync(r);
            return;
          }
          subscriber.next(r);
          if (r.hdr !== null) {
            if (!zks.leader.propose(r)) return;
            log.push(r);
          }
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          void log.close().then(() => subscriber.complete());
        },
      });
      return () => sub.unsubscribe();
    });
}

/** AckRequestProcessor: the leader's ack of its own logged proposal. */
export function ack(zks: LeaderZooKeeperServer): Processor {
  return stage((r) => {
    if (r.hdr !== null) zks.leader.processAck(zks.leader.self.myId, r.hdr.zxid);
    return true;
  });
}

/** ToBeAppliedRequestProcessor (after final): the txn is applied; it joins the committed log. */
export function toBeApplied(zks: LeaderZooKeeperServer): Processor {
  return stage((r) => {
    if (r.hdr !== null) {
      zks.leader.applied(r);
      zks.self.emit(appliedEvent(r.hdr, 'commit'));
    }
    return true;
  });
}

/** ZooKeeperServer.processTxn's addCommittedProposal on a learner. */
export function committed(zks: LearnerZooKeeperServer): Processor {
  return stage((r) => {
    if (r.hdr !== null) {
      zks.self.committedLog.add({ hdr: r.hdr, txn: r.txn, digest: r.digest });
      zks.self.emit(appliedEvent(r.hdr, 'commit'));
    }
    return true;
  });
}

/** SendAckRequestProcessor: tells the leader a proposal is durable here. */
export function sendAck(zks: FollowerZooKeeperServer): Processor {
  return stage((r) => {
    if (r.type !== SYNC && r.hdr !== null) zks.learner.channel?.writeEncoded(encodeBarePacket(PacketType.ACK, r.hdr.zxid));
    return true;
  });
}

/**
 * FollowerRequestProcessor: everything goes on to the commit stage; writes, session
 * changes and syncs are also forwarded to the leader (REQUEST).
 */
export function followerRequest(zks: FollowerZooKeeperServer): Processor {
  return stage((r) => forwardIfNeeded(zks, r));
}

/** ObserverRequestProcessor: the same as a follower's. */
export function observerRequest(zks: ObserverZooKeeperServer): Processor {
  return stage((r) => forwardIfNeeded(zks, r));
}

function forwardIfNeeded(zks: LearnerZooKeeperServer, r: Request): boolean {
  if (r.type === SYNC) {
    zks.pendingSyncs.push(r);
    zks.learner.request(r);
  } else if (isWriteType(r.type)) {
    zks.learner.request(r);
  }
  return true;
}

export { SideChain };
