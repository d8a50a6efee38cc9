import { token } from '../core/token';

/**
 * One client connection as a transport gives it to the server: bytes in, bytes out,
 * backpressure, and close. Framing and the ZooKeeper protocol are the server's business
 * (lib/server), so every transport speaks the same protocol.
 */
export interface ClientConnection {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  /** Queues bytes; returns false when the peer is not keeping up (pause producing). */
  write(data: Buffer): boolean;
  /** Half-close after queued bytes are sent. */
  end(): void;
  /** Tears the connection down at once. */
  destroy(): void;
  /** Stop / start reading (the server pauses a client whose responses back up). */
  pause(): void;
  resume(): void;
  onData(cb: (chunk: Buffer) => void): void;
  /** The peer finished sending (half-close). */
  onEnd(cb: () => void): void;
  onClose(cb: (hadError: boolean) => void): void;
  /** Called when buffered output has drained after write() returned false. */
  onDrain(cb: () => void): void;
}

export interface ClientListenOptions {
  host: string;
  port: number;
}

export interface ClientListener {
  /** The address actually bound (port 0 picks a free one). */
  readonly address: { host: string; port: number };
  close(): Promise<void>;
}

export interface ClientTransport {
  listen(opts: ClientListenOptions, onConnection: (c: ClientConnection) => void): Promise<ClientListener>;
}

export const CLIENT_TRANSPORT = token<ClientTransport>('ClientTransport');
