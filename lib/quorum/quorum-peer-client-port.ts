import { fourLetterWordOf } from '../server/four-letter-word-hook';
import { isKnownWord, ZK_NOT_SERVING } from '../server/four-letter-words/four-letter-commands';
import type { ClientConnection, ClientListener, ClientListenOptions, ClientTransport } from '../transport/client-transport';

/**
 * A quorum peer's client port: bound once when the peer starts and kept through every
 * role, handed to whichever ZooKeeperServer serves at the moment (QuorumPeer's
 * cnxnFactory.setZooKeeperServer). While nobody serves (LOOKING, syncing) a client's
 * connection is closed and it tries another server; a four-letter word is answered as
 * Java answers it then ("imok" to ruok, "not currently serving" to the rest).
 */
export class QuorumPeerClientPort implements ClientTransport {
  private listener: ClientListener | null = null;
  private handler: ((c: ClientConnection) => void) | null = null;
  /** Connections refused while no server was attached. */
  refused = 0;

  constructor(private readonly transport: ClientTransport) {}

  get address(): { host: string; port: number } | null {
    return this.listener?.address ?? null;
  }

  async bind(host: string, port: number): Promise<{ host: string; port: number }> {
    this.listener = await this.transport.listen({ host, port }, (c) => this.route(c));
    return this.listener.address;
  }

  /** What a role's ServerCnxnFactory calls: it becomes the one served. */
  async listen(_opts: ClientListenOptions, onConnection: (c: ClientConnection) => void): Promise<ClientListener> {
    if (!this.listener) throw new Error('the client port is not bound');
    this.handler = onConnection;
    return {
      address: this.listener.address,
      close: async () => {
        if (this.handler === onConnection) this.handler = null;
      },
    };
  }

  detach(): void {
    this.handler = null;
  }

  private route(c: ClientConnection): void {
    if (this.handler) {
      this.handler(c);
      return;
    }
    this.refused++;
    let first = Buffer.alloc(0);
    c.onData((chunk) => {
      first = Buffer.concat([first, chunk]);
      if (first.length < 4) return;
      const word = fourLetterWordOf(first);
      if (word !== null && isKnownWord(word)) c.write(Buffer.from(word === 'ruok' ? 'imok' : `${ZK_NOT_SERVING}\n`));
      c.end();
      c.destroy();
    });
    c.onClose(() => undefined);
  }

  async close(): Promise<void> {
    this.handler = null;
    await this.listener?.close();
    this.listener = null;
  }
}
