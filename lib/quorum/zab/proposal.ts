import type { QuorumPacket } from '../../jute/records/quorum';
import type { Request } from '../../server/request';
import { SyncedLearnerTracker } from '../synced-learner-tracker';

/** Leader.Proposal: a PROPOSAL packet, the request it came from, and who acked it. */
export class Proposal extends SyncedLearnerTracker {
  constructor(
    public packet: QuorumPacket,
    public request: Request | null = null,
  ) {
    super();
  }

  get zxid(): bigint {
    return this.packet.zxid;
  }
}
