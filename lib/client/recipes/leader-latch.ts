import { BehaviorSubject, filter, firstValueFrom, type Observable, type Subscription } from 'rxjs';
import { validatePath } from '../../data/path-utils';
import { Code } from '../../protocol/keeper-exception';
import { hex } from '../client-cnxn';
import { IllegalArgumentError, type ClientKeeperException } from '../errors';
import { isAlive } from '../states';
import type { ZooKeeper } from '../zookeeper';
import { connectionStates, type ConnectionStateChange } from './connection-state';
import { createOwnNode, deleteGuaranteed, sortBySequence, waitForDeletion } from './sequential-nodes';

let instances = 0;

/** LATENT before start(), STARTED while taking part, CLOSED after close(), LOST when the session ended under it. */
export type LeaderLatchState = 'LATENT' | 'STARTED' | 'CLOSED' | 'LOST';

/**
 * Leader election by latch (Curator's LeaderLatch): every participant holds an ephemeral
 * sequential node under the latch path; the lowest is the leader; the others watch only
 * their predecessor. Connection loss gives leadership up at once (the session may expire
 * unseen and another participant take over); a reconnect re-checks — and if the node was
 * given up (a suspension as long as the session timeout) deletes it and queues anew. The
 * session's end loses the latch for good: isLeader$ emits false and completes, and state
 * is LOST.
 *
 *     const latch = new LeaderLatch(zk, '/election/app', 'node-1');
 *     latch.isLeader$.subscribe((leader) => …);
 *     await latch.start();
 */
export class LeaderLatch {
  private readonly leader = new BehaviorSubject(false);
  private node: string | null = null;
  private generation = 0;
  private stateSub: Subscription | null = null;
  private prefix = '';
  private readonly instance = ++instances;
  private current: LeaderLatchState = 'LATENT';

  constructor(
    private readonly zk: ZooKeeper,
    readonly path: string,
    /** Stored as the node's data: who this participant is (getLeaderId reads it). */
    readonly id = '',
  ) {
    validatePath(path);
  }

  get state(): LeaderLatchState {
    return this.current;
  }

  /** Whether this participant leads, now and on every change; completes when the latch ends. */
  get isLeader$(): Observable<boolean> {
    return this.leader.asObservable();
  }

  get hasLeadership(): boolean {
    return this.leader.value;
  }

  async start(): Promise<void> {
    if (this.current !== 'LATENT') throw new IllegalArgumentError('LeaderLatch can be started once');
    this.current = 'STARTED';
    this.prefix = `latch-${hex(this.zk.sessionId)}-${this.instance}-`;
    this.node = await createOwnNode(this.zk, this.path, this.prefix, Buffer.from(this.id));
    this.stateSub = connectionStates(this.zk).subscribe((c) => this.onConnectionState(c));
  }

  /** Resolves when this participant becomes leader (rejects if the latch ends first). */
  async awaitLeadership(): Promise<void> {
    await firstValueFrom(this.leader.pipe(filter(Boolean)));
  }

  /** The id of the current leader, or null when there is none. */
  async getLeaderId(): Promise<string | null> {
    for (const child of sortBySequence(await this.zk.getChildren(this.path))) {
      try {
        return (await this.zk.getData(`${this.path}/${child}`)).data?.toString() ?? '';
      } catch (e) {
        if ((e as ClientKeeperException).code !== Code.NONODE) throw e;
      }
    }
    return null;
  }

  /** Leaves the election (deleting this participant's node, across a lost connection too) and completes isLeader$. */
  async close(): Promise<void> {
    const node = this.node;
    this.stop('CLOSED');
    if (node) await deleteGuaranteed(this.zk, `${this.path}/${node}`);
  }

  private onConnectionState(c: ConnectionStateChange): void {
    if (this.current !== 'STARTED') return;
    switch (c.state) {
      case 'CONNECTED':
        void this.check();
        break;
      case 'RECONNECTED':
        void this.reset();
        break;
      case 'LOST':
        if (c.reason === 'timeout') {
          // Assume the server expired us: our node is no claim any more.
          this.generation++;
          this.setLeader(false);
          const stale = this.node;
          this.node = null;
          if (stale) void deleteGuaranteed(this.zk, `${this.path}/${stale}`).catch(() => undefined);
        } else {
          this.stop('LOST');
        }
        break;
      default: // SUSPENDED, READ_ONLY
        this.generation++;
        this.setLeader(false);
    }
  }

  /** After a reconnect: queue anew if our node was given up or removed, then look. */
  private async reset(): Promise<void> {
    const gen = ++this.generation;
    try {
      if (this.node && !(await this.zk.exists(`${this.path}/${this.node}`))) this.node = null;
      if (!this.node) {
        const node = await createOwnNode(this.zk, this.path, this.prefix, Buffer.from(this.id));
        if (this.current !== 'STARTED') return void deleteGuaranteed(this.zk, `${this.path}/${node}`).catch(() => undefined);
        this.node = node;
      }
      if (gen === this.generation) await this.check();
    } catch {
      // Lost again: the next reconnect resets again.
    }
  }

  private stop(state: 'CLOSED' | 'LOST'): void {
    if (this.current === 'CLOSED' || this.current === 'LOST') return;
    this.current = state;
    this.generation++;
    this.node = null;
    this.stateSub?.unsubscribe();
    this.setLeader(false);
    this.leader.complete();
  }

  private setLeader(v: boolean): void {
    if (this.leader.closed || this.leader.value === v) return;
    this.leader.next(v);
  }

  /** Leads if first; else waits for the predecessor to go and looks again. One loop at a time. */
  private async check(): Promise<void> {
    const gen = ++this.generation;
    try {
      while (gen === this.generation && this.node) {
        const children = sortBySequence(await this.zk.getChildren(this.path));
        if (gen !== this.generation || !this.node) return;
        const i = children.indexOf(this.node);
        if (i < 0) return void this.reset(); // removed by someone else: queue anew
        if (i === 0) {
          this.setLeader(true);
          // Watch our own node too: removed behind our back, we are no longer the leader.
          const mine = `${this.path}/${this.node}`;
          await waitForDeletion(this.zk, mine);
          if (gen !== this.generation || !this.node || !isAlive(this.zk.state)) return;
          this.setLeader(false);
          return void this.reset();
        }
        this.setLeader(false);
        await waitForDeletion(this.zk, `${this.path}/${children[i - 1]}`);
      }
    } catch {
      // A lost connection ends this loop; the reconnect starts the next.
    }
  }
}
