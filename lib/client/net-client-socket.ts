import { Socket } from 'node:net';
import type { ClientSocket, ClientSocketFactory, ClientSocketHandlers } from './client-socket';

/**
 * TCP via node:net. Writes made in one tick are corked and leave in one segment when the
 * tick ends, so a burst of pipelined requests costs one syscall, not one each.
 */
class NetClientSocket implements ClientSocket {
  private readonly socket: Socket;
  private corked = false;
  private closed = false;
  readonly remote: string;

  constructor(host: string, port: number, handlers: ClientSocketHandlers) {
    this.remote = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const socket = new Socket();
    this.socket = socket;
    socket.setNoDelay(true);
    let error: Error | undefined;
    socket.on('connect', () => handlers.onConnect());
    socket.on('data', (chunk: Buffer) => handlers.onData(chunk));
    socket.on('error', (e) => {
      error = e;
    });
    socket.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      handlers.onClose(error);
    });
    socket.connect({ host, port });
  }

  write(data: Buffer): void {
    if (this.socket.destroyed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(data);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export const netClientSocketFactory: ClientSocketFactory = {
  connect: (host, port, handlers) => new NetClientSocket(host, port, handlers),
};
