import * as net from 'node:net';
import type { Logger } from '../../lib/core/logger';
import { silentLogger } from '../../lib/core/logger';
import {
  decideConnection,
  encodeElectionFrame,
  encodeInitialMessage,
  tryParseInitialMessage,
  tryReadElectionFrame,
} from '../../lib/quorum/quorum-cnx-handshake';
import type { ElectionChannelOptions, PeerAddress } from '../../lib/transport/peer-transport';
import { SocketElectionChannel } from '../socket-election-channel';

export interface TcpElectionOptions {
  /** zookeeper.cnxTimeout: how long an outgoing election connection may take to open. */
  cnxTimeoutMs?: number;
  /**
   * QuorumCnxManager's socketTimeout (tickTime × syncLimit in QuorumPeer): how long an
   * accepted connection may take to send its initial message.
   */
  handshakeTimeoutMs?: number;
  /** First wait before connecting again to a peer a message is waiting for; doubles each try. */
  initialBackoffMs?: number;
  /** The longest wait between such tries. */
  maxBackoffMs?: number;
  /** zookeeper.tcpKeepAlive. */
  keepAlive?: boolean;
  logger?: Logger;
}

export const DEFAULT_CNX_TIMEOUT_MS = 5000;

/** What this server knows of one other server: the connection kept for the pair and what waits for it. */
class PeerLink {
  /** The one connection of the pair (QuorumCnxManager's SendWorker/RecvWorker socket). */
  socket: net.Socket | null = null;
  /** An outgoing connection still opening or handshaking (inprogressConnections). */
  connecting: net.Socket | null = null;
  /** The send queue: SEND_CAPACITY is 1, so a newer message replaces an unsent older one. */
  pending: Buffer | null = null;
  /** lastMessageSent: sent again on every new connection when nothing newer waits. */
  lastSent: Buffer | null = null;
  retry: NodeJS.Timeout | null = null;
  backoffMs: number;
  /** The connection serial (see TcpElectionChannel.serials) current when `socket` was attached. */
  attachedAt = 0;

  constructor(
    readonly sid: number,
    readonly address: PeerAddress,
    initialBackoffMs: number,
  ) {
    this.backoffMs = initialBackoffMs;
  }
}

/**
 * QuorumCnxManager over TCP, wire-compatible with ZooKeeper 3.8: the initial message
 * (protocol version, sid, election address), one connection per pair — the one the
 * higher sid opened — and int-length frames. A lower sid that connects sends its
 * initial message and hangs up; the higher sid then connects back. While a peer cannot
 * be reached only the newest message for it is kept, and tries to reach it back off.
 */
export class TcpElectionChannel extends SocketElectionChannel<PeerLink> {
  private readonly links = new Map<number, PeerLink>();
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private readonly cnxTimeoutMs: number;
  private readonly handshakeTimeoutMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  /** Counts connections as they open or are accepted, to tell which of two came first. */
  private serial = 0;
  private readonly serials = new WeakMap<net.Socket, number>();

  constructor(
    opts: ElectionChannelOptions,
    private readonly tcp: TcpElectionOptions = {},
  ) {
    super(opts, (tcp.logger ?? silentLogger).child({ election: 'tcp', myId: opts.myId }));
    this.cnxTimeoutMs = tcp.cnxTimeoutMs ?? DEFAULT_CNX_TIMEOUT_MS;
    this.handshakeTimeoutMs = tcp.handshakeTimeoutMs ?? DEFAULT_CNX_TIMEOUT_MS;
    this.initialBackoffMs = tcp.initialBackoffMs ?? 50;
    this.maxBackoffMs = tcp.maxBackoffMs ?? 2000;
    for (const [sid, address] of opts.peers) {
      if (sid !== opts.myId) this.links.set(sid, new PeerLink(sid, address, this.initialBackoffMs));
    }
    this.server = net.createServer((s) => this.accept(s));
  }

  /** Binds the election port (QuorumCnxManager.Listener). */
  listen(): Promise<void> {
    return this.bindElectionPort(this.server, '', 'election listener error', (port, host, bound) =>
      this.server.listen(port, host, () => bound((this.server.address() as net.AddressInfo).port)),
    );
  }

  protected peerOf(sid: number): PeerLink | undefined {
    return this.links.get(sid);
  }

  /** The pair's connection if it is up, else queued (replacing an unsent older one) and connected. */
  protected sendToPeer(link: PeerLink, data: Buffer): void {
    const frame = encodeElectionFrame(data);
    if (link.socket && link.socket.writable) {
      link.lastSent = data;
      link.socket.write(frame);
      return;
    }
    link.pending = data;
    this.connectOne(link);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const link of this.links.values()) {
      if (link.retry) clearTimeout(link.retry);
      link.retry = null;
    }
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.inbound.complete();
  }

  /** Sockets this channel owns, so close() ends every one. */
  private track(s: net.Socket): net.Socket {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    // Resets and broken pipes show up as 'close'; without a listener Node would throw them.
    s.on('error', (err) => this.log.debug({ err: err.message }, 'election connection error'));
    s.setNoDelay(true);
    s.setKeepAlive(this.tcp.keepAlive ?? false);
    return s;
  }

  /** QuorumCnxManager.connectOne: nothing if a connection exists or is being opened. */
  private connectOne(link: PeerLink): void {
    if (this.closed || link.socket || link.connecting) return;
    if (link.retry) {
      clearTimeout(link.retry);
      link.retry = null;
    }
    const s = this.track(net.connect({ host: link.address.host, port: link.address.port }));
    link.connecting = s;
    const timer = setTimeout(() => s.destroy(new Error(`connect timed out after ${this.cnxTimeoutMs} ms`)), this.cnxTimeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      if (link.connecting !== s) return void s.destroy();
      link.connecting = null;
      if (link.socket) {
        // The other side connected to us meanwhile: the pair has its connection, and an
        // initial message now would only make the other side tear it down again.
        return void s.destroy();
      }
      s.write(encodeInitialMessage({ sid: BigInt(this.myId), addresses: [this.address] }));
      if (decideConnection('initiator', BigInt(this.myId), BigInt(link.sid)) === 'keep') {
        this.attach(link, s, Buffer.alloc(0));
      } else {
        // "Have smaller server identifier, so dropping the connection": the other side
        // connects back. Try again later should it not.
        s.end();
        this.scheduleRetry(link);
      }
    });
    s.once('close', () => {
      clearTimeout(timer);
      if (link.connecting !== s) return;
      link.connecting = null;
      this.log.debug({ sid: link.sid, address: link.address }, 'Cannot open channel to peer');
      this.scheduleRetry(link);
    });
  }

  /** While a message waits for a peer, connect again after a growing pause. */
  private scheduleRetry(link: PeerLink): void {
    if (this.closed || link.pending === null || link.retry) return;
    const wait = link.backoffMs;
    link.backoffMs = Math.min(link.backoffMs * 2, this.maxBackoffMs);
    link.retry = setTimeout(() => {
      link.retry = null;
      if (link.pending !== null && !link.socket) this.connectOne(link);
    }, wait);
    link.retry.unref?.();
  }

  /** QuorumCnxManager.receiveConnection / handleConnection. */
  private accept(raw: net.Socket): void {
    const s = this.track(raw);
    if (this.closed) return void s.destroy();
    this.serials.set(s, ++this.serial);
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      this.log.warn({ remote: s.remoteAddress }, 'no initial message within the socket timeout; closing');
      s.destroy();
    }, this.handshakeTimeoutMs);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      let parsed;
      try {
        parsed = tryParseInitialMessage(buf);
      } catch (err) {
        this.log.warn({ err: (err as Error).message, remote: s.remoteAddress }, 'Initial message parsing error');
        clearTimeout(timer);
        return void s.destroy();
      }
      if (!parsed) return;
      clearTimeout(timer);
      s.off('data', onData);
      this.handleConnection(s, parsed.message.sid, buf.subarray(parsed.bytesRead));
    };
    s.on('data', onData);
    s.once('close', () => clearTimeout(timer));
  }

  private handleConnection(s: net.Socket, remoteSid: bigint, rest: Buffer): void {
    const sid = remoteSid <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(remoteSid) : -1;
    const link = this.links.get(sid);
    if (!link) {
      this.log.warn({ sid: remoteSid.toString() }, 'connection from a server not in the configuration; closing');
      return void s.destroy();
    }
    const decision = decideConnection('acceptor', BigInt(this.myId), remoteSid);
    if (decision === 'own-id') {
      this.log.warn('We got a connection request from a server with our own ID. This should be either a configuration error, or a bug.');
      return void s.destroy();
    }
    if (decision === 'drop-and-connect-back') {
      s.destroy();
      if (link.socket && link.socket.writable && link.attachedAt > (this.serials.get(s) ?? 0)) {
        // It dialled before our current connection existed (both sides dialled at once):
        // that connection already answers it. Java tears it down and connects again,
        // which sends the last message twice; keeping it avoids the duplicate.
        return;
      }
      // The other side may believe our connection is gone: end ours, then open a new one.
      const old = link.socket;
      link.socket = null;
      old?.destroy();
      this.connectOne(link);
      return;
    }
    const old = link.socket;
    link.socket = null;
    if (old && old !== s) old.destroy();
    this.attach(link, s, rest);
  }

  /** The pair's connection from now on: flush what waits, then read frames. */
  private attach(link: PeerLink, s: net.Socket, rest: Buffer): void {
    link.socket = s;
    link.attachedAt = ++this.serial;
    link.backoffMs = this.initialBackoffMs;
    if (link.retry) {
      clearTimeout(link.retry);
      link.retry = null;
    }
    // SendWorker.run: a waiting message if any, else the last one sent again (it may
    // have been lost with the old connection; FastLeaderElection tolerates duplicates).
    const first = link.pending ?? link.lastSent;
    link.pending = null;
    if (first) {
      link.lastSent = first;
      s.write(encodeElectionFrame(first));
    }
    let buf = rest;
    const read = () => {
      try {
        let offset = 0;
        for (let f = tryReadElectionFrame(buf, offset); f; f = tryReadElectionFrame(buf, offset)) {
          offset = f.next;
          if (link.socket !== s || this.closed) return;
          this.inbound.next({ sid: link.sid, data: Buffer.from(f.payload) });
        }
        buf = offset === buf.length ? Buffer.alloc(0) : buf.subarray(offset);
      } catch (err) {
        this.log.warn({ err: (err as Error).message, sid: link.sid }, 'bad election frame; closing the connection');
        s.destroy();
      }
    };
    s.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      read();
    });
    s.once('close', () => {
      if (link.socket !== s) return;
      link.socket = null;
      // A message queued while this connection was closing still needs a connection.
      this.scheduleRetry(link);
    });
    if (rest.length > 0) read();
  }
}
