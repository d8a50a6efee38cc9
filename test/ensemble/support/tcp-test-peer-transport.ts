import * as net from 'node:net';
import { Observable, Subject, type Subscriber } from 'rxjs';
import {
  PeerTransportError,
  type ElectionChannel,
  type PeerTransport,
  type QuorumConnection,
  type QuorumListener,
} from '../../../lib/transport/peer-transport';
import { TcpElectionChannel } from '../../quorum/tcp-election-channel';

let nextId = 1;

/** A socket as a QuorumConnection (the bytes Java's Learner and LearnerHandler exchange, unframed). */
function wrap(s: net.Socket): QuorumConnection {
  let sub: Subscriber<Buffer> | null = null;
  const early: Buffer[] = [];
  let ended: Error | null | undefined;
  let open = true;
  s.setNoDelay(true);
  s.on('data', (d) => (sub ? sub.next(d) : early.push(d)));
  const finish = (e: Error | null) => {
    if (ended !== undefined) return;
    ended = e;
    open = false;
    if (sub) e ? sub.error(e) : sub.complete();
  };
  s.on('error', (e) => finish(new PeerTransportError('ECONNRESET', e.message)));
  s.on('close', () => finish(null));
  return {
    id: nextId++,
    remoteAddress: `${s.remoteAddress}:${s.remotePort}`,
    data$: new Observable<Buffer>((o) => {
      sub = o;
      for (const c of early.splice(0)) o.next(c);
      if (ended !== undefined) ended ? o.error(ended) : o.complete();
    }),
    write: (d) => {
      if (open) s.write(d);
    },
    close: () => {
      open = false;
      s.destroy();
    },
    get isOpen() {
      return open;
    },
  };
}

/**
 * Just enough of a TCP PeerTransport for a test that puts zoolab peers in an ensemble
 * with Java ones, on 127.0.0.1: QuorumCnxManager's election connections (the existing
 * TcpElectionChannel) and plain sockets for learners.
 */
export function tcpTestPeerTransport(): PeerTransport {
  return {
    async openElectionChannel(opts): Promise<ElectionChannel> {
      const peers = new Map([...opts.peers].map(([id, a]) => [id, a.port]));
      const ch = new TcpElectionChannel(opts.myId, opts.address.port, peers);
      await ch.listen();
      const inbound = new Subject<{ sid: number; data: Buffer }>();
      const sub = ch.inbound.subscribe(inbound);
      return {
        myId: opts.myId,
        inbound$: inbound.asObservable(),
        send: (p) => (p.sid === opts.myId ? inbound.next({ sid: p.sid, data: p.data }) : ch.send(p)),
        close: async () => {
          sub.unsubscribe();
          inbound.complete();
          await ch.close();
        },
      };
    },
    async listenQuorum(opts): Promise<QuorumListener> {
      const connections = new Subject<QuorumConnection>();
      const sockets = new Set<net.Socket>();
      const server = net.createServer((s) => {
        sockets.add(s);
        if (connections.observed) connections.next(wrap(s));
        else s.destroy();
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.address.port, opts.address.host, () => resolve());
      });
      const a = server.address() as net.AddressInfo;
      return {
        address: { host: opts.address.host, port: a.port },
        connections$: connections.asObservable(),
        // Stops accepting now; accepted sockets stay open (server.close's callback would wait for them).
        close: async () => {
          server.close();
        },
      };
    },
    connectQuorum(opts): Promise<QuorumConnection> {
      return new Promise((resolve, reject) => {
        const s = net.connect(opts.address.port, opts.address.host);
        const timer = setTimeout(() => {
          s.destroy();
          reject(new PeerTransportError('ETIMEDOUT', `connect ${opts.address.host}:${opts.address.port}`));
        }, opts.timeoutMs);
        s.once('connect', () => {
          clearTimeout(timer);
          resolve(wrap(s));
        });
        s.once('error', (e) => {
          clearTimeout(timer);
          reject(new PeerTransportError('ECONNREFUSED', e.message));
        });
      });
    },
  };
}
