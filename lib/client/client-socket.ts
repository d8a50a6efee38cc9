import { token } from '../core/token';

/** What a client connection reports back to the client. Each socket calls onClose exactly once. */
export interface ClientSocketHandlers {
  /** The connection is up; bytes may be written. */
  onConnect(): void;
  onData(chunk: Buffer): void;
  /** The connection is gone (refused, reset, closed by either side). */
  onClose(error?: Error): void;
}

/** One outgoing connection to a server, bytes only: framing is the client's business. */
export interface ClientSocket {
  /** Queues bytes for sending (writes made in one tick may be coalesced). */
  write(data: Buffer): void;
  /** Tears the connection down; onClose follows. */
  destroy(): void;
  /** "host:port" of the server, for messages. */
  readonly remote: string;
}

/**
 * Opens client connections. The default is TCP over node:net; a simulation plugs in an
 * in-memory network by passing its own factory (option `socketFactory` or this token).
 */
export interface ClientSocketFactory {
  connect(host: string, port: number, handlers: ClientSocketHandlers): ClientSocket;
}

export const CLIENT_SOCKET_FACTORY = token<ClientSocketFactory>('ClientSocketFactory');
