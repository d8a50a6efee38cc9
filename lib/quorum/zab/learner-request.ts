import type { Id } from '../../jute/records/data';
import { Request } from '../../server/request';

/**
 * A request a learner forwarded (LearnerHandler's REQUEST): it has no connection here, and
 * its owner is the LearnerHandler it came through — so a session that moved to another
 * server fails with SESSIONMOVED when its old server forwards again.
 */
export class LearnerRequest extends Request {
  constructor(
    readonly owner: unknown,
    sessionId: bigint,
    cxid: number,
    type: number,
    body: Buffer,
    authInfo: readonly Id[],
    now: number,
  ) {
    super(null, sessionId, cxid, type, body, authInfo, now);
  }
}

/** LearnerSyncRequest: a learner's sync; the leader answers it with SYNC once earlier proposals commit. */
export class LearnerSyncRequest extends LearnerRequest {
  constructor(
    /** The LearnerHandler to answer on. */
    readonly fh: { queuePacket(qp: import('../../jute/records/quorum').QuorumPacket): void },
    sessionId: bigint,
    cxid: number,
    type: number,
    body: Buffer,
    authInfo: readonly Id[],
    now: number,
  ) {
    super(fh, sessionId, cxid, type, body, authInfo, now);
  }
}
