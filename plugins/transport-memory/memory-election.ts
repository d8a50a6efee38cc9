import { Subject } from 'rxjs';
import type { ElectionPacket } from '../../lib/quorum/election/election';
import type { ElectionChannel, ElectionChannelOptions } from '../../lib/transport/peer-transport';
import type { MemoryNetwork } from './memory-network';

/** One server's end of the simulated election network. */
export class MemoryElectionChannel implements ElectionChannel {
  readonly myId: number;
  readonly inbound = new Subject<ElectionPacket>();
  readonly inbound$ = this.inbound.asObservable();
  closed = false;

  constructor(
    private readonly net: MemoryNetwork,
    readonly opts: ElectionChannelOptions,
  ) {
    this.myId = opts.myId;
  }

  send(packet: ElectionPacket): void {
    if (this.closed) return;
    this.net.sendElection(this.myId, packet.sid, packet.data);
  }

  /** @internal */
  deliver(from: number, data: Buffer): void {
    if (this.closed) return;
    if (from !== this.myId && !this.opts.peers.has(from)) return;
    this.inbound.next({ sid: from, data });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.net.closeElection(this);
    this.inbound.complete();
  }
}
