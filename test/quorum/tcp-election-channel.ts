import * as net from 'node:net';
import { Observable, Subject } from 'rxjs';
import type { ElectionPacket } from '../../lib/quorum/election/election';
import {
  decideConnection,
  encodeElectionFrame,
  encodeInitialMessage,
  tryParseInitialMessage,
  tryReadElectionFrame,
} from '../../lib/quorum/quorum-cnx-handshake';

/**
 * Just enough of QuorumCnxManager, over loopback TCP, to put one zoolab election in an
 * ensemble of Java servers in a test: the handshake, the one-connection-per-pair rule,
 * length frames, and the last message sent again on each new connection.
 */
export class TcpElectionChannel {
  readonly inbound: Observable<ElectionPacket>;
  private readonly in$ = new Subject<ElectionPacket>();
  private readonly conns = new Map<number, net.Socket>();
  private readonly lastSent = new Map<number, Buffer>();
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private closed = false;

  constructor(
    private readonly myId: number,
    private readonly electionPort: number,
    private readonly peers: Map<number, number>,
  ) {
    this.inbound = this.in$.asObservable();
    this.server = net.createServer((s) => this.accept(s));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.electionPort, '127.0.0.1', () => resolve());
    });
  }

  /** Sends (connecting first if need be); the packet is kept to send again on reconnect. */
  send(p: ElectionPacket): void {
    this.lastSent.set(p.sid, p.data);
    const s = this.conns.get(p.sid);
    if (s && !s.destroyed) s.write(encodeElectionFrame(p.data));
    else this.connect(p.sid);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private track(s: net.Socket): net.Socket {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
    return s;
  }

  private connect(sid: number): void {
    const port = this.peers.get(sid);
    const current = this.conns.get(sid);
    if (this.closed || port === undefined || (current && !current.destroyed)) return;
    const s = this.track(net.connect(port, '127.0.0.1'));
    this.conns.set(sid, s);
    s.on('connect', () => {
      s.write(encodeInitialMessage({ sid: BigInt(this.myId), addresses: [{ host: '127.0.0.1', port: this.electionPort }] }));
      // The larger sid keeps the connection it initiated; a smaller one waits to be called.
      if (decideConnection('initiator', BigInt(this.myId), BigInt(sid)) === 'keep') this.attach(sid, s, Buffer.alloc(0));
      else s.end();
    });
  }

  private accept(s: net.Socket): void {
    this.track(s);
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const r = tryParseInitialMessage(buf);
      if (!r) return;
      s.off('data', onData);
      const sid = Number(r.message.sid);
      const decision = decideConnection('acceptor', BigInt(this.myId), r.message.sid);
      if (decision === 'keep') this.attach(sid, s, buf.subarray(r.bytesRead));
      else {
        s.destroy();
        if (decision === 'drop-and-connect-back') {
          this.conns.get(sid)?.destroy();
          this.conns.delete(sid);
          this.connect(sid);
        }
      }
    };
    s.on('data', onData);
  }

  private attach(sid: number, s: net.Socket, pending: Buffer): void {
    this.conns.set(sid, s);
    const last = this.lastSent.get(sid);
    if (last) s.write(encodeElectionFrame(last));
    let buf = pending;
    const read = () => {
      for (let f = tryReadElectionFrame(buf); f; f = tryReadElectionFrame(buf)) {
        buf = buf.subarray(f.next);
        this.in$.next({ sid, data: Buffer.from(f.payload) });
      }
    };
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      read();
    });
    read();
  }
}
