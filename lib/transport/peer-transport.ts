import type { Observable } from 'rxjs';
import { token } from '../core/token';
import type { ElectionPacket } from '../quorum/election/election';

/**
 * How servers of an ensemble reach each other: the two kinds of channel ZooKeeper keeps
 * between peers, as a transport gives them to lib/quorum. Framing of election messages
 * (QuorumCnxManager's length prefix and handshake) is the transport's business; the
 * bytes of a quorum connection are ZAB's (QuorumPackets back to back, and a snapshot after
 * SNAP), so the transport only moves them.
 *
 * Implementations: plugins/transport-memory (a simulated network on the injected clock),
 * plugins/transport-tcp and plugins/transport-udp. test/transport/conformance.ts is the
 * contract every one of them passes.
 */

/** A listening address as zoo.cfg names it (server.N=host:quorumPort:electionPort). */
export interface PeerAddress {
  readonly host: string;
  /** 0 asks the transport to pick a free port; the listener says which. */
  readonly port: number;
}

export function formatPeerAddress(a: PeerAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

// ---- (a) leader election ----

export interface ElectionChannelOptions {
  /** This server's id (myid); sent in the connection handshake. */
  readonly myId: number;
  /** Where this server accepts election connections (its electionPort). */
  readonly address: PeerAddress;
  /** Every other server's election address, by server id. */
  readonly peers: ReadonlyMap<number, PeerAddress>;
}

/**
 * QuorumCnxManager as a flow: election packets between server ids.
 *
 * - At most once: a packet may be lost (the strategies retransmit on timeout), never
 *   delivered twice by the transport itself (a fault-injecting network may, if told).
 * - In order per pair: packets from A to B arrive in the order A sent them.
 * - While B cannot be reached, only the last packet for B is kept; it is sent when a
 *   connection to B forms. On every new connection the last packet sent to B is sent
 *   again (it may have been lost with the old connection), as QuorumCnxManager does.
 * - A packet to this server's own id is delivered to its own inbound$.
 * - Packets from ids not in `peers` are dropped (QuorumCnxManager closes such connections
 *   unless the sender is a learner it does not know yet; zoolab keeps it simple).
 */
export interface ElectionChannel {
  readonly myId: number;
  /** Packets received, `sid` = the sender. Hot: packets arriving while nobody listens are lost. */
  readonly inbound$: Observable<ElectionPacket>;
  /** Sends `packet.data` to server `packet.sid`; never throws for an unreachable peer. */
  send(packet: ElectionPacket): void;
  /** Stops listening, closes every connection, completes inbound$. */
  close(): Promise<void>;
}

// ---- (b) learner ↔ leader quorum connections ----

/**
 * One learner ↔ leader connection: a reliable, ordered, connection-oriented byte stream
 * (a TCP socket in Java). Bytes written on one end arrive at the other in order, without
 * loss or duplication, until the connection breaks; then both ends see it end.
 */
export interface QuorumConnection {
  /** Unique within this transport instance (for logs). */
  readonly id: number;
  /** "host:port" of the other end, for logs and LearnerHandler's info. */
  readonly remoteAddress: string;
  /**
   * The bytes from the other end, in order, in whatever chunks they arrive. Unicast:
   * subscribe once; bytes that arrive before the subscription are kept and delivered
   * to it. Completes when the other end closes; errors (PeerTransportError) when the
   * connection breaks. After close() it completes.
   */
  readonly data$: Observable<Buffer>;
  /** Queues bytes for the other end. Writing after close is ignored. */
  write(data: Buffer): void;
  /**
   * Settles once what was written has gone to the OS, or as far as the transport's own
   * buffer allows, and at once when the connection is closed: a long stream (a SNAP's
   * snapshot) waits on it between chunks so that it neither piles up in memory nor holds
   * the event loop. A transport without it is paced by the clock instead.
   */
  whenWritable?(): Promise<void>;
  /** Closes both directions; the other end's data$ completes. Idempotent. */
  close(): void;
  readonly isOpen: boolean;
}

export interface QuorumListenOptions {
  readonly myId: number;
  /** Where learners connect (the leader's quorumPort). */
  readonly address: PeerAddress;
}

export interface QuorumListener {
  /** The address actually bound (port 0 picks one). */
  readonly address: PeerAddress;
  /**
   * Connections accepted from now on. Hot; a connection accepted while nobody listens is
   * closed at once.
   */
  readonly connections$: Observable<QuorumConnection>;
  /** Stops accepting; connections already accepted stay open. */
  close(): Promise<void>;
}

export interface QuorumConnectOptions {
  /** The connecting server's id (a simulated network uses it for partitions). */
  readonly myId: number;
  readonly address: PeerAddress;
  /** Give up after this long (tickTime × initLimit in Learner.connectToLeader). */
  readonly timeoutMs: number;
}

/** Why a peer channel failed. */
export type PeerTransportErrorCode = 'ECONNREFUSED' | 'ETIMEDOUT' | 'ECONNRESET' | 'EADDRINUSE' | 'ECLOSED';

export class PeerTransportError extends Error {
  override name = 'PeerTransportError';
  constructor(
    readonly code: PeerTransportErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export interface PeerTransport {
  /** Starts listening for election connections and returns the channel. */
  openElectionChannel(opts: ElectionChannelOptions): Promise<ElectionChannel>;
  /** Listens for learners (a leader does this while it leads). */
  listenQuorum(opts: QuorumListenOptions): Promise<QuorumListener>;
  /** Connects to a leader; rejects with PeerTransportError (refused, timed out). */
  connectQuorum(opts: QuorumConnectOptions): Promise<QuorumConnection>;
}

export const PEER_TRANSPORT = token<PeerTransport>('PeerTransport');
