import { ContainerModule } from 'inversify';
import { CLIENT_TRANSPORT } from '../../lib/transport/client-transport';
import { TcpClientTransport, type TcpTransportOptions } from './tcp-client-transport';

export type { TcpTransportOptions };

/** Binds CLIENT_TRANSPORT to TCP (node:net, TCP_NODELAY). */
export function transportTcpModule(opts: TcpTransportOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(CLIENT_TRANSPORT).toConstantValue(new TcpClientTransport(opts));
  });
}
