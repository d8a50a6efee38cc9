/** Timing and limits of one server's retransmissions to another. */
export interface RetransmitPolicy {
  /** First wait for an ACK before sending again (loopback answers in well under a ms). */
  initialRtoMs: number;
  /** The longest wait between retransmissions while a peer stays silent. */
  maxRtoMs: number;
  /**
   * Unanswered rounds after which the peer counts as unreachable and only the newest
   * message is kept for it (QuorumCnxManager's send queue of one).
   */
  collapseAfterRounds: number;
  /** Unacknowledged messages kept at most; the oldest is given up beyond it. */
  maxUnacked: number;
}

export const DEFAULT_RETRANSMIT_POLICY: RetransmitPolicy = {
  initialRtoMs: 40,
  maxRtoMs: 2000,
  collapseAfterRounds: 5,
  maxUnacked: 64,
};

export interface OutboundMessage {
  readonly seq: number;
  readonly data: Buffer;
}

/**
 * What one server still owes another: messages numbered in order, kept until ACKed or
 * given up, and when to send them again. Pure bookkeeping: the channel does the IO and
 * runs the timer this asks for.
 */
export class OutboundStream {
  private nextSeq = 1;
  unacked: OutboundMessage[] = [];
  /** The newest message sent: sent again when the peer turns out to have restarted. */
  lastSent: Buffer | null = null;
  private lastSeq = 0;
  /** The peer incarnation that acknowledged lastSent. */
  private lastDeliveredTo: bigint | null = null;
  /** The peer's incarnation as last seen (null: never heard from). */
  peerIncarnation: bigint | null = null;
  rtoMs: number;
  private silentRounds = 0;

  constructor(private readonly policy: RetransmitPolicy = DEFAULT_RETRANSMIT_POLICY) {
    this.rtoMs = policy.initialRtoMs;
  }

  /** The oldest seq still retransmitted (the receiver may skip anything before it). */
  get base(): number {
    return this.unacked.length > 0 ? this.unacked[0].seq : this.nextSeq;
  }

  /** Numbers a new message; returns it for sending now. */
  enqueue(data: Buffer): OutboundMessage {
    const m = { seq: this.nextSeq++, data };
    this.lastSent = data;
    this.lastSeq = m.seq;
    this.lastDeliveredTo = null;
    this.unacked.push(m);
    if (this.unacked.length > this.policy.maxUnacked) this.unacked.shift();
    return m;
  }

  /** An ACK from the peer's incarnation `by`: drops what it covers. Returns whether anything is still owed. */
  acked(cumulative: number, seq: number, by: bigint): boolean {
    if (this.lastSeq !== 0 && (this.lastSeq <= cumulative || this.lastSeq === seq)) this.lastDeliveredTo = by;
    this.unacked = this.unacked.filter((m) => m.seq > cumulative && m.seq !== seq);
    // Any answer shows the peer is reachable: back to the short wait.
    this.silentRounds = 0;
    this.rtoMs = this.policy.initialRtoMs;
    return this.unacked.length > 0;
  }

  /**
   * The retransmission timer fired: what to send again, and the longer wait before the
   * next round. A peer silent for several rounds is unreachable: keep only the newest.
   */
  timedOut(): OutboundMessage[] {
    this.silentRounds++;
    if (this.silentRounds >= this.policy.collapseAfterRounds && this.unacked.length > 1) {
      this.unacked = this.unacked.slice(-1);
    }
    this.rtoMs = Math.min(this.rtoMs * 2, this.policy.maxRtoMs);
    return this.unacked;
  }

  /**
   * Whether the last message must go again: a QuorumCnxManager sends it on every new
   * connection; here "new" is a peer incarnation that has not acknowledged it.
   */
  needsResend(): boolean {
    return (
      this.lastSent !== null && this.lastDeliveredTo !== this.peerIncarnation && !this.unacked.some((m) => m.seq === this.lastSeq)
    );
  }

  /**
   * The peer's incarnation as seen in a datagram from it. Returns what to do: a new
   * or restarted peer gets what is owed at once (and, as on a new QuorumCnxManager
   * connection, the last message again if nothing newer is owed); a stale one is ignored.
   */
  peerSeen(incarnation: bigint): 'same' | 'stale' | 'first' | 'restarted' {
    if (this.peerIncarnation === incarnation) return 'same';
    if (this.peerIncarnation !== null && incarnation < this.peerIncarnation) return 'stale';
    const first = this.peerIncarnation === null;
    this.peerIncarnation = incarnation;
    this.silentRounds = 0;
    this.rtoMs = this.policy.initialRtoMs;
    return first ? 'first' : 'restarted';
  }
}
