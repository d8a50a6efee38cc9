import type { EventEmitter } from 'node:events';
import { Subject } from 'rxjs';
import type { Logger } from '../lib/core/logger';
import type { ElectionPacket } from '../lib/quorum/election/election';
import {
  PeerTransportError,
  type ElectionChannel,
  type ElectionChannelOptions,
  type PeerAddress,
} from '../lib/transport/peer-transport';

/**
 * What the TCP and UDP election channels share: the inbound stream, the bound address,
 * QuorumCnxManager.toSend's routing (to oneself through the receive queue, to an unknown
 * server id nowhere, else to the subclass's per-peer queue) and binding the election port.
 */
export abstract class SocketElectionChannel<Peer> implements ElectionChannel {
  readonly myId: number;
  protected readonly inbound = new Subject<ElectionPacket>();
  readonly inbound$ = this.inbound.asObservable();
  protected boundPort = 0;
  protected closed = false;

  constructor(
    protected readonly opts: ElectionChannelOptions,
    protected readonly log: Logger,
  ) {
    this.myId = opts.myId;
  }

  /** The address the election port is bound to (port 0 picks one). */
  get address(): PeerAddress {
    return { host: this.opts.address.host, port: this.boundPort };
  }

  abstract listen(): Promise<void>;
  abstract close(): Promise<void>;

  /** The peer `sid` names, if the configuration has an election address for it. */
  protected abstract peerOf(sid: number): Peer | undefined;
  /** Queues `data` for the peer and gets it on its way. */
  protected abstract sendToPeer(peer: Peer, data: Buffer): void;

  /** QuorumCnxManager.toSend: to oneself through the receive queue, else to the peer's queue. */
  send(packet: ElectionPacket): void {
    if (this.closed) return;
    const data = Buffer.from(packet.data);
    if (packet.sid === this.myId) {
      // Java loops it through recvQueue; delivering later keeps the caller's stack out of it.
      queueMicrotask(() => {
        if (!this.closed) this.inbound.next({ sid: this.myId, data });
      });
      return;
    }
    const peer = this.peerOf(packet.sid);
    if (!peer) {
      this.log.warn({ sid: packet.sid }, 'Invalid server id: no election address for it');
      return;
    }
    this.sendToPeer(peer, data);
  }

  /**
   * Binds the election port: `bind` starts listening on opts.address and calls `bound`
   * with the port it got. An error before that rejects with a PeerTransportError
   * (EADDRINUSE, else ECLOSED, naming the port with `suffix`); later ones are logged as
   * `laterError`.
   */
  protected bindElectionPort(
    socket: EventEmitter,
    suffix: string,
    laterError: string,
    bind: (port: number, host: string, bound: (port: number) => void) => void,
  ): Promise<void> {
    const { host, port } = this.opts.address;
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        const code = e.code === 'EADDRINUSE' ? 'EADDRINUSE' : 'ECLOSED';
        reject(new PeerTransportError(code, `election port ${host}:${port}${suffix}: ${e.message}`));
      };
      socket.once('error', onError);
      bind(port, host, (boundPort) => {
        socket.off('error', onError);
        socket.on('error', (err) => this.log.warn({ err }, laterError));
        this.boundPort = boundPort;
        resolve();
      });
    });
  }
}
