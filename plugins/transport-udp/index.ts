import { ContainerModule } from 'inversify';
import {
  PEER_TRANSPORT,
  type ElectionChannel,
  type ElectionChannelOptions,
  type PeerTransport,
  type QuorumConnectOptions,
  type QuorumConnection,
  type QuorumListenOptions,
  type QuorumListener,
} from '../../lib/transport/peer-transport';
import { tcpPeerTransport } from '../transport-tcp';
import { UdpElectionChannel, type UdpElectionOptions } from './udp-election-channel';

export { UdpElectionChannel, newIncarnation, type DatagramHook, type UdpElectionOptions } from './udp-election-channel';
export { DEFAULT_RETRANSMIT_POLICY, type RetransmitPolicy } from './udp-outbound-stream';
export { DatagramError, MAX_DATAGRAM } from './udp-datagram';

export interface UdpPeerTransportOptions extends UdpElectionOptions {
  /**
   * Who carries the learner ↔ leader streams (UDP does not: they need a reliable byte
   * stream and may carry a whole snapshot). Default: the TCP peer transport, on each
   * server's quorumPort, while the election uses UDP on its electionPort.
   */
  quorum?: PeerTransport;
}

/**
 * Election notifications over UDP datagrams, the learner channel over `quorum` (TCP by
 * default). A node configured this way listens on UDP electionPort and TCP quorumPort;
 * every server of the ensemble must use it (it does not speak QuorumCnxManager's TCP).
 */
export class UdpPeerTransport implements PeerTransport {
  private readonly quorum: PeerTransport;

  constructor(private readonly opts: UdpPeerTransportOptions = {}) {
    this.quorum = opts.quorum ?? tcpPeerTransport({ logger: opts.logger });
  }

  async openElectionChannel(opts: ElectionChannelOptions): Promise<ElectionChannel> {
    const ch = new UdpElectionChannel(opts, this.opts);
    await ch.listen();
    return ch;
  }

  listenQuorum(opts: QuorumListenOptions): Promise<QuorumListener> {
    return this.quorum.listenQuorum(opts);
  }

  connectQuorum(opts: QuorumConnectOptions): Promise<QuorumConnection> {
    return this.quorum.connectQuorum(opts);
  }
}

export function udpPeerTransport(opts: UdpPeerTransportOptions = {}): PeerTransport {
  return new UdpPeerTransport(opts);
}

/** Binds PEER_TRANSPORT to UDP elections with the learner channel over TCP. */
export function transportUdpModule(opts: UdpPeerTransportOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(PEER_TRANSPORT).toConstantValue(new UdpPeerTransport(opts));
  });
}
