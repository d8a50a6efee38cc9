import { Observable } from 'rxjs';
import { RenewingMap } from '../../core/renewing-collections';
import { OpCode } from '../../protocol/op-code';
import type { Request } from '../../server/request';
import type { Processor } from '../../server/processors/chain';

/**
 * The requests that change state: a server forwards them to the leader, and may not
 * answer them before the leader commits them. A set built once: the switch it replaces
 * read each OpCode member through the protocol module's re-export getter, per request.
 */
const WRITE_TYPES: ReadonlySet<number> = new Set([
  OpCode.create,
  OpCode.create2,
  OpCode.createTTL,
  OpCode.createContainer,
  OpCode.delete,
  OpCode.deleteContainer,
  OpCode.setData,
  OpCode.reconfig,
  OpCode.multi,
  OpCode.setACL,
  OpCode.check,
  OpCode.createSession,
  OpCode.closeSession,
]);
const SYNC = OpCode.sync;

export function isWriteType(type: number): boolean {
  return WRITE_TYPES.has(type);
}

/**
 * CommitProcessor.needCommit: requests that may not be answered before the leader commits
 * them. A sync needs one only where the leader answers syncs with SYNC (learners).
 */
export function needCommit(type: number, matchSyncs: boolean): boolean {
  return type === SYNC ? matchSyncs : WRITE_TYPES.has(type);
}

/**
 * ZooKeeper's CommitProcessor, single-threaded: requests of this server's clients come in
 * (processRequest); committed txns come from the leader (commit). A session's requests are
 * answered in the order it sent them: a read waits behind that session's pending write,
 * while other sessions' reads pass. A committed txn that is the head of its session's
 * queue here takes the place of that local request (so its client gets the answer);
 * otherwise it is applied as it came (another server's client, or the server's own).
 */
export class CommitProcessor {
  /** Renewing: a session's entry comes and goes with its writes (see renewing-collections.ts). */
  private readonly pending = new RenewingMap<bigint, Request[]>();
  private sink: ((r: Request) => void) | null = null;
  private backlog: Request[] = [];
  /** Requests waiting for a commit (for `mntr`-style counters and tests). */
  waiting = 0;
  committed = 0;

  constructor(readonly matchSyncs: boolean) {}

  /** The chain stage: requests in, requests to the final stage out (in order). */
  readonly operator: Processor = (source) =>
    new Observable<Request>((subscriber) => {
      this.sink = (r) => subscriber.next(r);
      for (const r of this.backlog.splice(0)) subscriber.next(r);
      const sub = source.subscribe({
        next: (r) => this.processRequest(r),
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        sub.unsubscribe();
        this.sink = null;
      };
    });

  processRequest(r: Request): void {
    const q = this.pending.get(r.sessionId);
    if (q && q.length > 0) {
      q.push(r);
      if (needCommit(r.type, this.matchSyncs)) this.waiting++;
      return;
    }
    if (needCommit(r.type, this.matchSyncs)) {
      this.pending.set(r.sessionId, [r]);
      this.waiting++;
      return;
    }
    this.emit(r);
  }

  /** A committed request from the leader (or this leader's own, once a quorum acked it). */
  commit(c: Request): void {
    this.committed++;
    const sessionId = c.hdr?.clientId ?? c.sessionId;
    const q = this.pending.get(sessionId);
    const head = q?.[0];
    if (q && head && needCommit(head.type, this.matchSyncs) && head.cxid === c.cxid) {
      q.shift();
      this.waiting--;
      if (head !== c) {
        head.hdr = c.hdr;
        head.txn = c.txn;
        head.digest = c.digest;
        head.zxid = c.zxid;
        if (c.err !== 0) head.err = c.err;
      }
      this.emit(head);
      this.release(sessionId, q);
      return;
    }
    this.emit(c);
  }

  /** After a session's write: its reads up to the next write go on. */
  private release(sessionId: bigint, q: Request[]): void {
    while (q.length > 0 && !needCommit(q[0].type, this.matchSyncs)) this.emit(q.shift()!);
    if (q.length === 0) this.pending.delete(sessionId);
  }

  private emit(r: Request): void {
    if (this.sink) this.sink(r);
    else this.backlog.push(r);
  }

  /** Requests still waiting (a role that ends leaves them unanswered, as Java's does). */
  pendingCount(): number {
    let n = 0;
    for (const q of this.pending.values()) n += q.length;
    return n;
  }
}
