import type { DataDatagram } from './udp-datagram';

/** How far past the last delivered message a receiver keeps messages that came early. */
export const REORDER_WINDOW = 1024;

interface Partial {
  fragments: (Buffer | undefined)[];
  missing: number;
}

export interface InboundResult {
  /** Messages to hand on, in order. */
  deliver: Buffer[];
  /** The ACK to send back (null: say nothing, e.g. for a datagram of an older incarnation). */
  ack: { ackedIncarnation: bigint; cumulative: number; seq: number } | null;
}

/**
 * What one server has received from one other: delivers that sender's messages once
 * each and in order, waiting for a gap to be filled unless the sender has given up on
 * it (its `base` moved past). Pure: datagrams in, messages and ACKs out.
 */
export class InboundStream {
  incarnation: bigint | null = null;
  /** Every seq up to here is delivered or skipped. */
  delivered = 0;
  private readonly partial = new Map<number, Partial>();
  private readonly complete = new Map<number, Buffer>();

  receive(d: DataDatagram): InboundResult {
    if (this.incarnation !== null && d.incarnation < this.incarnation) return { deliver: [], ack: null };
    if (this.incarnation === null || d.incarnation > this.incarnation) this.reset(d.incarnation, d.base);
    const deliver: Buffer[] = [];
    if (d.base - 1 > this.delivered) this.skipTo(d.base - 1, deliver);
    const ack = (seq: number) => ({ ackedIncarnation: d.incarnation, cumulative: this.delivered, seq });
    if (d.seq <= this.delivered || this.complete.has(d.seq)) {
      this.drain(deliver);
      return { deliver, ack: ack(d.seq) };
    }
    // Too far ahead to keep: no ACK, so the sender sends it again later.
    if (d.seq > this.delivered + REORDER_WINDOW) return { deliver, ack: ack(0) };
    let p = this.partial.get(d.seq);
    if (!p || p.fragments.length !== d.fragments) {
      p = { fragments: new Array<Buffer | undefined>(d.fragments), missing: d.fragments };
      this.partial.set(d.seq, p);
    }
    if (p.fragments[d.fragment] === undefined) {
      p.fragments[d.fragment] = Buffer.from(d.payload);
      p.missing--;
    }
    let whole = false;
    if (p.missing === 0) {
      this.partial.delete(d.seq);
      this.complete.set(d.seq, p.fragments.length === 1 ? p.fragments[0]! : Buffer.concat(p.fragments as Buffer[]));
      whole = true;
    }
    this.drain(deliver);
    return { deliver, ack: ack(whole ? d.seq : 0) };
  }

  /** A sender seen for the first time, or restarted: its numbering starts afresh. */
  private reset(incarnation: bigint, base: number): void {
    this.incarnation = incarnation;
    this.delivered = Math.max(0, base - 1);
    this.partial.clear();
    this.complete.clear();
  }

  /** The sender gave up on everything up to `upTo`: hand on what did arrive of it, forget the rest. */
  private skipTo(upTo: number, deliver: Buffer[]): void {
    const arrived = [...this.complete.keys()].filter((s) => s <= upTo).sort((a, b) => a - b);
    for (const s of arrived) {
      deliver.push(this.complete.get(s)!);
      this.complete.delete(s);
    }
    for (const s of [...this.partial.keys()]) if (s <= upTo) this.partial.delete(s);
    this.delivered = upTo;
  }

  private drain(deliver: Buffer[]): void {
    for (let next = this.complete.get(this.delivered + 1); next; next = this.complete.get(this.delivered + 1)) {
      this.complete.delete(this.delivered + 1);
      this.delivered++;
      deliver.push(next);
    }
  }
}
