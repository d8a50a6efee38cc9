import { BehaviorSubject, Subject, filter, firstValueFrom, type Observable } from 'rxjs';
import { after } from '../../core/clock';
import { Code } from '../../protocol/keeper-exception';
import { IllegalArgumentError, type ClientKeeperException } from '../errors';
import { isAlive } from '../states';
import type { ZooKeeper } from '../zookeeper';
import { LockInternals, lowestHolds, type LockLostReason } from './lock-internals';
import { sortBySequence, untilConnected } from './sequential-nodes';

/** What the leader's callback gets: the client, who it is, and a signal that says "stop leading". */
export interface LeadershipContext {
  readonly zk: ZooKeeper;
  readonly id: string;
  /** Aborted when leadership must end; its reason is a LeadershipCancelReason. */
  readonly signal: AbortSignal;
}

/**
 * Curator's LeaderSelectorListener.takeLeadership: leadership is held until the returned
 * promise settles. It must return soon after ctx.signal aborts.
 */
export type TakeLeadership = (ctx: LeadershipContext) => Promise<void> | void;

export type LeadershipCancelReason = 'suspended' | 'interrupted' | 'closed' | `lost:${LockLostReason}`;

/** Pause before an autoRequeue selector retries a failed acquire. */
const ACQUIRE_RETRY_MS = 1000;

export interface LeaderSelectorOptions {
  /** Participant id, stored in this participant's node (getLeader / getParticipants read it). */
  id?: string;
  /** Queue up again each time leadership ends (Curator's autoRequeue()). Default false. */
  autoRequeue?: boolean;
  /**
   * Cancel leadership as soon as the connection is lost (Curator's
   * LeaderSelectorListenerAdapter, the default), not only when the session is lost: the
   * session may be expiring unseen, and another participant may soon lead. Default true.
   */
  cancelOnSuspend?: boolean;
  /** How long a suspended leader waits before taking its session as lost (default: the session timeout). */
  lostAfterMs?: number;
}

export type LeaderSelectorEvent =
  | { readonly type: 'leading' }
  | { readonly type: 'cancelled'; readonly reason: LeadershipCancelReason }
  /** The callback returned (or threw: error is set) and the leader's node is gone. */
  | { readonly type: 'relinquished'; readonly error?: unknown }
  /** Joining the queue failed for another reason than the session's end (with autoRequeue it tries again). */
  | { readonly type: 'acquire-failed'; readonly error: unknown }
  /** The session ended: this selector can take part no more (make a new one on a new client). */
  | { readonly type: 'session-lost' };

export interface Participant {
  readonly id: string;
  readonly isLeader: boolean;
}

/**
 * Leader election as Curator's LeaderSelector: participants queue on a mutex (ephemeral
 * sequential nodes, each watching only its predecessor); the one holding it runs
 * takeLeadership and leads until that returns, then gives the mutex to the next in line.
 * With autoRequeue it queues again. Leadership is cancelled (ctx.signal aborts) on
 * connection loss (unless cancelOnSuspend is false), on session loss, on
 * interruptLeadership() and on close(); a lost session is reported and ends the selector.
 *
 *     const sel = new LeaderSelector(zk, '/election/jobs', async ({ signal }) => {
 *       while (!signal.aborted) await doOneJob();
 *     }, { id: 'worker-7', autoRequeue: true });
 *     sel.start();
 */
export class LeaderSelector {
  readonly id: string;
  private readonly lock: LockInternals;
  private readonly leader = new BehaviorSubject(false);
  private readonly events = new Subject<LeaderSelectorEvent>();
  private readonly closing = new AbortController();
  private readonly whenClosed = new Promise<false>((resolve) => this.closing.signal.addEventListener('abort', () => resolve(false), { once: true }));
  private leadership: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private requeued = false;
  private started = false;
  private closed = false;

  constructor(
    private readonly zk: ZooKeeper,
    readonly path: string,
    private readonly takeLeadership: TakeLeadership,
    private readonly opts: LeaderSelectorOptions = {},
  ) {
    if (typeof takeLeadership !== 'function') throw new IllegalArgumentError('takeLeadership must be a function');
    this.id = opts.id ?? '';
    this.lock = new LockInternals(zk, path, 'lock', lowestHolds, { data: Buffer.from(this.id), lostAfterMs: opts.lostAfterMs });
  }

  get hasLeadership(): boolean {
    return this.leader.value;
  }
  get isLeader$(): Observable<boolean> {
    return this.leader.asObservable();
  }
  get events$(): Observable<LeaderSelectorEvent> {
    return this.events.asObservable();
  }

  /** Joins the election (once). */
  start(): void {
    if (this.started) throw new IllegalArgumentError('LeaderSelector can be started once');
    if (this.closed) throw new IllegalArgumentError('LeaderSelector is closed');
    this.started = true;
    this.requeue();
  }

  /** Queues up again after leadership ends (no-op if already queued or leading). */
  requeue(): void {
    if (!this.started || this.closed) throw new IllegalArgumentError('LeaderSelector is not running');
    if (this.loop) {
      this.requeued = true;
      return;
    }
    this.loop = this.run().finally(() => (this.loop = null));
  }

  /** Cancels the current leadership (the callback's signal aborts); the selector stays. */
  interruptLeadership(): void {
    this.leadership?.abort('interrupted');
  }

  /** Leaves the election: cancels leadership or the wait, and resolves when the node is gone. */
  async close(): Promise<void> {
    if (this.closed) return this.loop ?? undefined;
    this.closed = true;
    this.leadership?.abort('closed');
    this.closing.abort('closed');
    await this.loop;
    this.leader.complete();
    this.events.complete();
  }

  /** Every participant in queue order; the first leads. */
  async getParticipants(): Promise<Participant[]> {
    let children: string[];
    try {
      children = sortBySequence(await this.zk.getChildren(this.path));
    } catch (e) {
      if ((e as ClientKeeperException).code === Code.NONODE) return [];
      throw e;
    }
    const out: Participant[] = [];
    for (const child of children) {
      try {
        const { data } = await this.zk.getData(`${this.path}/${child}`);
        out.push({ id: data?.toString('utf8') ?? '', isLeader: out.length === 0 });
      } catch (e) {
        if ((e as ClientKeeperException).code !== Code.NONODE) throw e;
      }
    }
    return out;
  }

  /** The current leader, or null when nobody is queued. */
  async getLeader(): Promise<Participant | null> {
    return (await this.getParticipants())[0] ?? null;
  }

  private async run(): Promise<void> {
    do {
      this.requeued = false;
      if (!isAlive(this.zk.state)) return this.sessionLost();
      try {
        await this.lock.acquire({ signal: this.closing.signal });
      } catch (e) {
        if (this.closed) return;
        if (!isAlive(this.zk.state)) return this.sessionLost();
        const code = (e as ClientKeeperException).code;
        if (code === Code.SESSIONEXPIRED) return this.sessionLost();
        // Anything else (our node deleted under us, no permission, …): report it; with
        // autoRequeue try again after a pause, once connected.
        this.events.next({ type: 'acquire-failed', error: e });
        if (!this.opts.autoRequeue) return;
        await Promise.race([new Promise<void>((r) => after(this.zk.clock, ACQUIRE_RETRY_MS, r)), this.whenClosed]);
        if (this.closed) return;
        if (!(await Promise.race([untilConnected(this.zk), this.whenClosed]))) return this.sessionLost();
        continue;
      }
      await this.lead();
      if (!isAlive(this.zk.state)) return this.sessionLost();
    } while (!this.closed && (this.requeued || this.opts.autoRequeue));
  }

  private async lead(): Promise<void> {
    const ctl = (this.leadership = new AbortController());
    const cancel = (reason: LeadershipCancelReason) => {
      if (ctl.signal.aborted) return;
      ctl.abort(reason);
    };
    ctl.signal.addEventListener('abort', () => this.events.next({ type: 'cancelled', reason: ctl.signal.reason }), { once: true });
    const sub = this.lock.events$.subscribe((e) => {
      if (e.type === 'suspended' && this.opts.cancelOnSuspend !== false) cancel('suspended');
      else if (e.type === 'lost') cancel(`lost:${e.reason}`);
    });
    if (this.closed) cancel('closed');
    else if (this.lock.isSuspended && this.opts.cancelOnSuspend !== false) cancel('suspended');
    this.leader.next(true);
    this.events.next({ type: 'leading' });
    let error: unknown;
    try {
      await this.takeLeadership({ zk: this.zk, id: this.id, signal: ctl.signal });
    } catch (e) {
      error = e;
    } finally {
      sub.unsubscribe();
      this.leadership = null;
      this.leader.next(false);
    }
    await this.lock.release().catch(() => undefined);
    this.events.next(error === undefined ? { type: 'relinquished' } : { type: 'relinquished', error });
  }

  private sessionLost(): void {
    if (this.closed) return;
    this.events.next({ type: 'session-lost' });
  }
}

/** Resolves when the selector next leads (e.g. in tests and simple programs). */
export function nextLeadership(sel: LeaderSelector): Promise<boolean> {
  return firstValueFrom(sel.isLeader$.pipe(filter(Boolean)));
}
