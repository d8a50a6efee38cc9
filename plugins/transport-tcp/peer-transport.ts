import type { ElectionChannel, ElectionChannelOptions, PeerTransport, QuorumConnectOptions, QuorumConnection, QuorumListenOptions, QuorumListener } from '../../lib/transport/peer-transport';
import { TcpElectionChannel, type TcpElectionOptions } from './peer-election-channel';
import { connectQuorumTcp, listenQuorumTcp } from './peer-quorum-connection';

export type TcpPeerTransportOptions = TcpElectionOptions;

/**
 * The peer channels of a ZooKeeper 3.8 ensemble over TCP: QuorumCnxManager's election
 * connections on each server's electionPort and the learner ↔ leader byte streams on
 * the leader's quorumPort. Wire-compatible with Java servers on both.
 */
export class TcpPeerTransport implements PeerTransport {
  constructor(private readonly opts: TcpPeerTransportOptions = {}) {}

  async openElectionChannel(opts: ElectionChannelOptions): Promise<ElectionChannel> {
    const ch = new TcpElectionChannel(opts, this.opts);
    await ch.listen();
    return ch;
  }

  listenQuorum(opts: QuorumListenOptions): Promise<QuorumListener> {
    return listenQuorumTcp(opts);
  }

  connectQuorum(opts: QuorumConnectOptions): Promise<QuorumConnection> {
    return connectQuorumTcp(opts);
  }
}

export function tcpPeerTransport(opts: TcpPeerTransportOptions = {}): PeerTransport {
  return new TcpPeerTransport(opts);
}
