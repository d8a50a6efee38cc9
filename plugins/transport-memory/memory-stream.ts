import { Observable, type Subscriber } from 'rxjs';
import { PeerTransportError, type QuorumConnection } from '../../lib/transport/peer-transport';
import type { MemoryNetwork } from './memory-network';

let nextId = 1;

/**
 * One end of a simulated TCP connection between two servers. Chunks written on one end
 * arrive at the other after the network's latency, in order. A partition between the two
 * servers turns the connection into a black hole (nothing arrives, nothing is said), as
 * an unplugged cable does; closing an end reaches the other one as an end of stream.
 */
export class MemoryStreamEnd implements QuorumConnection {
  readonly id = nextId++;
  peer!: MemoryStreamEnd;
  private subscriber: Subscriber<Buffer> | null = null;
  private early: Buffer[] = [];
  private endState: { error: PeerTransportError | null } | null = null;
  private open = true;
  /** Delivery time of the last chunk sent from this end, to keep order. */
  lastArrival = 0;
  /** Once cut by a partition the connection never carries another byte. */
  dead = false;
  readonly data$: Observable<Buffer>;

  constructor(
    private readonly net: MemoryNetwork,
    readonly localNode: number,
    readonly remoteNode: number,
    readonly remoteAddress: string,
  ) {
    this.data$ = new Observable<Buffer>((s) => {
      if (this.subscriber) {
        s.error(new Error('a quorum connection has one reader'));
        return;
      }
      this.subscriber = s;
      for (const c of this.early) s.next(c);
      this.early = [];
      if (this.endState) this.finish(s);
      return () => {
        if (this.subscriber === s) this.subscriber = null;
      };
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  write(data: Buffer): void {
    if (!this.open || data.length === 0) return;
    this.net.sendStream(this, Buffer.from(data));
  }

  whenWritable(): Promise<void> {
    return this.net.whenDelivered(this);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.net.closeStream(this);
    this.end(null);
  }

  /** @internal bytes from the other end. */
  receive(chunk: Buffer): void {
    if (!this.open || this.endState) return;
    if (this.subscriber) this.subscriber.next(chunk);
    else this.early.push(chunk);
  }

  /** @internal the other end closed (null) or the connection broke. */
  end(error: PeerTransportError | null): void {
    if (this.endState) return;
    this.endState = { error };
    this.open = false;
    if (this.subscriber) this.finish(this.subscriber);
  }

  private finish(s: Subscriber<Buffer>): void {
    const e = this.endState?.error;
    if (e) s.error(e);
    else s.complete();
  }
}
