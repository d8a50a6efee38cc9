import { BehaviorSubject, filter, firstValueFrom, type Observable, type Subscription } from 'rxjs';
import { validatePath } from '../../data/path-utils';
import { Code } from '../../protocol/keeper-exception';
import { hex } from '../client-cnxn';
import { IllegalArgumentError, type ClientKeeperException } from '../errors';
import { States } from '../states';
import type { ZooKeeper } from '../zookeeper';
import { createOwnNode, sortBySequence, waitForDeletion } from './sequential-nodes';

let instances = 0;

/**
 * Leader election by latch (Curator's LeaderLatch): every participant holds an ephemeral
 * sequential node under the latch path; the lowest is the leader; the others watch only
 * their predecessor. Leadership is given up while the connection is down (another client
 * may take over if the session expires), re-checked on reconnect, and lost for good when
 * the session ends.
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
  private readonly prefix: string;
  private closed = false;

  constructor(
    private readonly zk: ZooKeeper,
    readonly path: string,
    /** Stored as the node's data: who this participant is (getLeaderId reads it). */
    readonly id = '',
  ) {
    validatePath(path);
    this.prefix = `latch-${hex(zk.sessionId)}-${++instances}-`;
  }

  /** Whether this participant leads, now and on every change. */
  get isLeader$(): Observable<boolean> {
    return this.leader.asObservable();
  }

  get hasLeadership(): boolean {
    return this.leader.value;
  }

  async start(): Promise<void> {
    if (this.node || this.closed) throw new IllegalArgumentError('LeaderLatch can be started once');
    this.node = await createOwnNode(this.zk, this.path, this.prefix, Buffer.from(this.id));
    this.stateSub = this.zk.state$.subscribe((s) => {
      if (s === States.CONNECTED) void this.check();
      else if (s === States.CLOSED || s === States.AUTH_FAILED) this.stop();
      else this.setLeader(false);
    });
  }

  /** Resolves when this participant becomes leader (rejects if the latch closes first). */
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

  /** Leaves the election (deleting this participant's node) and completes isLeader$. */
  async close(): Promise<void> {
    const node = this.node;
    this.stop();
    if (!node) return;
    try {
      await this.zk.delete(`${this.path}/${node}`);
    } catch (e) {
      const code = (e as ClientKeeperException).code;
      if (code !== Code.NONODE && code !== Code.SESSIONEXPIRED) throw e;
    }
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
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
        if (gen !== this.generation) return;
        const i = children.indexOf(this.node);
        if (i < 0) return this.stop(); // our node is gone: the session is over
        if (i === 0) return this.setLeader(true);
        this.setLeader(false);
        await waitForDeletion(this.zk, `${this.path}/${children[i - 1]}`);
      }
    } catch {
      // A lost connection ends this loop; the reconnect starts the next.
    }
  }
}
