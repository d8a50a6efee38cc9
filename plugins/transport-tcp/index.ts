import { ContainerModule } from 'inversify';
import { CLIENT_TRANSPORT } from '../../lib/transport/client-transport';
import { PEER_TRANSPORT } from '../../lib/transport/peer-transport';
import { TcpClientTransport, type TcpTransportOptions } from './tcp-client-transport';
import { TcpPeerTransport, tcpPeerTransport, type TcpPeerTransportOptions } from './peer-transport';

export type { TcpTransportOptions, TcpPeerTransportOptions };
export { TcpPeerTransport, tcpPeerTransport };
export { TcpElectionChannel, DEFAULT_CNX_TIMEOUT_MS, type TcpElectionOptions } from './peer-election-channel';
export { TcpQuorumConnection, connectQuorumTcp, listenQuorumTcp } from './peer-quorum-connection';
export { freePort } from './free-port';

/** Binds CLIENT_TRANSPORT to TCP (node:net, TCP_NODELAY). */
export function transportTcpModule(opts: TcpTransportOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(CLIENT_TRANSPORT).toConstantValue(new TcpClientTransport(opts));
  });
}

/** Binds PEER_TRANSPORT to TCP: QuorumCnxManager's election connections and the learner channel. */
export function transportTcpPeerModule(opts: TcpPeerTransportOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(PEER_TRANSPORT).toConstantValue(new TcpPeerTransport(opts));
  });
}
