import type { ContainerModule } from 'inversify';
import type { ServerConfig } from '../lib/config/server-config';
import { ConfigError } from '../lib/config/config-error';
import { systemProperty } from '../lib/server';
import { tcpPeerTransport, transportTcpPeerModule, type TcpPeerTransportOptions } from './transport-tcp';
import { transportUdpModule } from './transport-udp';

/** The zoo.cfg key (zoolab's own; ZooKeeper has only TCP) that picks the election transport. */
export const PEER_TRANSPORT_KEY = 'zoolab.peerTransport';
export const PEER_TRANSPORT_NAMES = ['tcp', 'udp'] as const;
export type PeerTransportName = (typeof PEER_TRANSPORT_NAMES)[number];

/** tcp (QuorumCnxManager, talks to Java servers) unless zoo.cfg says zoolab.peerTransport=udp. */
export function peerTransportName(config: ServerConfig): PeerTransportName {
  const v = (config.raw.get(PEER_TRANSPORT_KEY) ?? 'tcp').trim().toLowerCase();
  if (v !== 'tcp' && v !== 'udp') throw new ConfigError(`${PEER_TRANSPORT_KEY}: "${v}" is neither tcp nor udp`, PEER_TRANSPORT_KEY, v);
  return v;
}

/** QuorumCnxManager's timeouts as ZooKeeper derives them: zookeeper.cnxTimeout, tickTime × syncLimit, zookeeper.tcpKeepAlive. */
export function tcpPeerOptions(config: ServerConfig): TcpPeerTransportOptions {
  const cnx = systemProperty(config, 'cnxTimeout');
  const cnxTimeoutMs = cnx === undefined ? undefined : Number(cnx);
  if (cnxTimeoutMs !== undefined && !(Number.isInteger(cnxTimeoutMs) && cnxTimeoutMs > 0)) {
    throw new ConfigError(`cnxTimeout: "${cnx}" is not a positive number of milliseconds`, 'cnxTimeout', cnx);
  }
  return {
    cnxTimeoutMs,
    handshakeTimeoutMs: config.tickTime * config.syncLimit,
    keepAlive: (systemProperty(config, 'tcpKeepAlive') ?? 'false').trim().toLowerCase() === 'true',
  };
}

/** PEER_TRANSPORT for an ensemble member: TCP, or UDP elections with the learner channel on TCP. */
export function peerTransportModule(config: ServerConfig): ContainerModule {
  const tcp = tcpPeerOptions(config);
  return peerTransportName(config) === 'udp' ? transportUdpModule({ quorum: tcpPeerTransport(tcp) }) : transportTcpPeerModule(tcp);
}
