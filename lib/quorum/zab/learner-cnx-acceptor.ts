import type { Subscription } from 'rxjs';
import type { QuorumConnection, QuorumListener } from '../../transport/peer-transport';
import type { Leader } from './leader';
import { LearnerHandler } from './learner-handler';

/**
 * Leader.LearnerCnxAcceptor: the leader's quorum port, and a LearnerHandler for each
 * learner that connects. Java binds the port in Leader's constructor and starts the
 * acceptor after loadData, so a learner that connects in between waits in the kernel's
 * accept queue rather than being refused and retrying; here it waits in `waiting`.
 */
export class LearnerCnxAcceptor {
  private listener: QuorumListener | null = null;
  private sub: Subscription | null = null;
  /** Learners that came before start(); null once started. */
  private waiting: QuorumConnection[] | null = [];
  private closed = false;

  constructor(private readonly leader: Leader) {}

  /** Binds the quorum port; connections are held until start(). */
  async bind(): Promise<void> {
    const self = this.leader.self;
    const listener = await self.transport.listenQuorum({ myId: self.myId, address: self.quorumAddress });
    this.listener = listener;
    if (this.closed) return void (await listener.close());
    this.sub = listener.connections$.subscribe((conn) => {
      if (this.closed) conn.close();
      else if (this.waiting) this.waiting.push(conn);
      else this.handle(conn);
    });
  }

  /** LearnerCnxAcceptor.start: serves the learners that waited, and every one after them. */
  start(): void {
    const waiting = this.waiting ?? [];
    this.waiting = null;
    for (const conn of waiting) this.handle(conn);
  }

  private handle(conn: QuorumConnection): void {
    void new LearnerHandler(conn, this.leader).run();
  }

  /** Stops accepting and drops the learners still waiting (a bind in progress closes when it ends). */
  async close(): Promise<void> {
    this.closed = true;
    this.sub?.unsubscribe();
    for (const conn of this.waiting ?? []) conn.close();
    this.waiting = null;
    await this.listener?.close();
  }
}
