import * as dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { silentLogger, type Logger } from '../../lib/core/logger';
import { PACKET_MAX_SIZE } from '../../lib/quorum/quorum-cnx-handshake';
import type { ElectionChannelOptions, PeerAddress } from '../../lib/transport/peer-transport';
import { SocketElectionChannel } from '../socket-election-channel';
import { DatagramError, decodeDatagram, encodeAck, encodeData, type AckDatagram, type DataDatagram } from './udp-datagram';
import { InboundStream } from './udp-inbound-stream';
import { DEFAULT_RETRANSMIT_POLICY, OutboundStream, type OutboundMessage, type RetransmitPolicy } from './udp-outbound-stream';

/**
 * Where every outgoing datagram passes (tests put a lossy network here): call `send`
 * zero, one or more times, now or later.
 */
export type DatagramHook = (datagram: Buffer, to: PeerAddress, send: () => void) => void;

export interface UdpElectionOptions {
  retransmit?: Partial<RetransmitPolicy>;
  logger?: Logger;
  outboundHook?: DatagramHook;
  /** This channel's incarnation (default: from the wall clock, so a restart's is larger). */
  incarnation?: bigint;
}

/** Grows across restarts of a server (milliseconds since 1970, then 16 random bits). */
export function newIncarnation(): bigint {
  return (BigInt(Date.now()) << 16n) | BigInt(randomInt(0x10000));
}

interface Peer {
  readonly sid: number;
  readonly address: PeerAddress;
  readonly out: OutboundStream;
  readonly in: InboundStream;
  timer: NodeJS.Timeout | null;
}

/**
 * Election messages over UDP with what FastLeaderElection expects of QuorumCnxManager:
 * each message delivered at most once and in order per sender, the newest one surely
 * once the peer can be reached, the last one again when the peer restarts. Messages are
 * numbered per peer, acknowledged, sent again with exponential backoff, reordered and
 * deduplicated by the receiver, and split into datagrams that fit a 1280-byte MTU.
 */
export class UdpElectionChannel extends SocketElectionChannel<Peer> {
  readonly incarnation: bigint;
  private readonly peers = new Map<number, Peer>();
  private readonly socket: dgram.Socket;

  constructor(
    opts: ElectionChannelOptions,
    private readonly udp: UdpElectionOptions = {},
  ) {
    super(opts, (udp.logger ?? silentLogger).child({ election: 'udp', myId: opts.myId }));
    this.incarnation = udp.incarnation ?? newIncarnation();
    const policy = { ...DEFAULT_RETRANSMIT_POLICY, ...udp.retransmit };
    for (const [sid, address] of opts.peers) {
      if (sid === opts.myId) continue;
      this.peers.set(sid, { sid, address, out: new OutboundStream(policy), in: new InboundStream(), timer: null });
    }
    this.socket = dgram.createSocket({ type: isIPv6(opts.address.host) ? 'udp6' : 'udp4' });
    this.socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
  }

  listen(): Promise<void> {
    return this.bindElectionPort(this.socket, '/udp', 'election socket error', (port, host, bound) =>
      this.socket.bind(port, host, () => bound(this.socket.address().port)),
    );
  }

  protected peerOf(sid: number): Peer | undefined {
    return this.peers.get(sid);
  }

  /** Numbered, sent, and sent again until acknowledged. */
  protected sendToPeer(peer: Peer, data: Buffer): void {
    if (data.length === 0 || data.length > PACKET_MAX_SIZE) {
      throw new DatagramError('too-large', `election message of ${data.length} bytes: must be 1..${PACKET_MAX_SIZE}`);
    }
    this.transmit(peer, peer.out.enqueue(data));
    this.arm(peer);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.peers.values()) this.disarm(p);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    this.inbound.complete();
  }

  private transmit(peer: Peer, m: OutboundMessage): void {
    const datagrams = encodeData({ from: BigInt(this.myId), incarnation: this.incarnation, seq: m.seq, base: peer.out.base, payload: m.data });
    for (const d of datagrams) this.sendDatagram(d, peer.address);
  }

  private sendDatagram(d: Buffer, to: PeerAddress): void {
    const go = () => {
      if (this.closed) return;
      this.socket.send(d, to.port, to.host, (err) => {
        if (err && !this.closed) this.log.debug({ err: err.message, to }, 'datagram not sent');
      });
    };
    if (this.udp.outboundHook) this.udp.outboundHook(d, to, go);
    else go();
  }

  private arm(peer: Peer): void {
    if (peer.timer || this.closed) return;
    peer.timer = setTimeout(() => {
      peer.timer = null;
      if (this.closed || peer.out.unacked.length === 0) return;
      for (const m of peer.out.timedOut()) this.transmit(peer, m);
      this.arm(peer);
    }, peer.out.rtoMs);
  }

  private disarm(peer: Peer): void {
    if (peer.timer) clearTimeout(peer.timer);
    peer.timer = null;
  }

  private onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.closed) return;
    let d;
    try {
      d = decodeDatagram(msg);
    } catch (err) {
      this.log.debug({ err: (err as Error).message, from: `${rinfo.address}:${rinfo.port}` }, 'not an election datagram; dropped');
      return;
    }
    const sid = d.from <= BigInt(Number.MAX_SAFE_INTEGER) && d.from >= 0n ? Number(d.from) : -1;
    const peer = this.peers.get(sid);
    if (!peer) {
      this.log.debug({ sid: d.from.toString() }, 'datagram from a server not in the configuration; dropped');
      return;
    }
    const seen = peer.out.peerSeen(d.incarnation);
    if (seen === 'stale') return;
    if (d.kind === 'ack') this.onAck(peer, d);
    else this.onData(peer, d);
    if (seen === 'restarted' || (seen === 'first' && d.kind === 'data')) this.reconnected(peer);
  }

  private onData(peer: Peer, d: DataDatagram): void {
    const r = peer.in.receive(d);
    if (r.ack) {
      this.sendDatagram(encodeAck({ from: BigInt(this.myId), incarnation: this.incarnation, ...r.ack }), peer.address);
    }
    for (const data of r.deliver) {
      if (this.closed) return;
      this.inbound.next({ sid: peer.sid, data });
    }
  }

  private onAck(peer: Peer, a: AckDatagram): void {
    if (a.ackedIncarnation !== this.incarnation) return;
    const owed = peer.out.acked(a.cumulative, a.seq, a.incarnation);
    this.disarm(peer);
    if (owed) this.arm(peer);
  }

  /** A peer heard from for the first time, or restarted: what it is owed goes now. */
  private reconnected(peer: Peer): void {
    if (peer.out.needsResend()) peer.out.enqueue(peer.out.lastSent!);
    if (peer.out.unacked.length === 0) return;
    for (const m of peer.out.unacked) this.transmit(peer, m);
    this.disarm(peer);
    this.arm(peer);
  }
}
