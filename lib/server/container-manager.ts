import type { Subscription } from 'rxjs';
import { EphemeralType, ephemeralTypeOf, getTTL } from '../data/ephemeral-type';
import { OpCode } from '../protocol/op-code';
import { Request } from './request';
import type { ZooKeeperServer } from './zookeeper-server';

/**
 * ZooKeeper's ContainerManager: every checkIntervalMs, finds empty containers that have
 * had children (cversion > 0) and empty TTL nodes unchanged for longer than their TTL, and
 * submits a deleteContainer request for each (the body is the path's UTF-8 bytes, as in
 * Java). Deletes are spread out to at most maxPerMinute; whether one succeeds does not
 * matter (a node that gained a child meanwhile simply stays).
 */
export class ContainerManager {
  private timer: Subscription | null = null;
  private readonly pending: Subscription[] = [];
  /** Requests submitted so far, for tests and logs. */
  submitted = 0;

  constructor(
    private readonly zks: ZooKeeperServer,
    readonly checkIntervalMs: number,
    readonly maxPerMinute: number,
    /** znode.container.maxNeverUsedIntervalMs: 0 keeps never-used containers forever. */
    readonly maxNeverUsedIntervalMs = 0,
  ) {
    if (!(checkIntervalMs > 0)) throw new RangeError(`container check interval must be positive, got ${checkIntervalMs}`);
    if (!(maxPerMinute > 0)) throw new RangeError(`container maxPerMinute must be positive, got ${maxPerMinute}`);
    zks.logger.info({ checkIntervalMs, maxPerMinute, maxNeverUsedIntervalMs }, 'container manager');
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.checkContainers();
      this.timer = this.zks.clock.schedule(tick, this.checkIntervalMs);
    };
    this.timer = this.zks.clock.schedule(tick, this.checkIntervalMs);
  }

  stop(): void {
    this.timer?.unsubscribe();
    this.timer = null;
    for (const p of this.pending.splice(0)) p.unsubscribe();
  }

  /** Submits the deletes now, paced by maxPerMinute. */
  checkContainers(): void {
    const minIntervalMs = 60_000 / this.maxPerMinute;
    let delay = 0;
    for (const path of this.getCandidates()) {
      const submit = () => this.postDeleteRequest(path);
      if (delay === 0) submit();
      else {
        const s = this.zks.clock.schedule(() => {
          this.pending.splice(this.pending.indexOf(s), 1);
          submit();
        }, delay);
        this.pending.push(s);
      }
      delay += minIntervalMs;
    }
  }

  private postDeleteRequest(path: string): void {
    this.zks.logger.info({ path }, 'attempting to delete candidate container');
    this.submitted++;
    const body = Buffer.from(path, 'utf8');
    this.zks.submitRequest(new Request(null, 0n, 0, OpCode.deleteContainer, body, [], this.zks.clock.now()));
  }

  getCandidates(): string[] {
    const tree = this.zks.dataTree;
    const now = BigInt(Math.floor(this.zks.clock.now()));
    const out = new Set<string>();
    for (const path of tree.getContainers()) {
      const node = tree.getNode(path);
      if (!node || node.numChildren > 0) continue;
      // cversion 0: never had a child, maybe created just before this check; keep it.
      if (node.stat.cversion > 0) out.add(path);
      else if (this.maxNeverUsedIntervalMs !== 0 && now - node.stat.mtime > BigInt(this.maxNeverUsedIntervalMs)) out.add(path);
    }
    for (const path of tree.getTtls()) {
      const node = tree.getNode(path);
      if (!node || node.numChildren > 0) continue;
      if (ephemeralTypeOf(node.stat.ephemeralOwner, tree.extendedTypesEnabled) !== EphemeralType.TTL) continue;
      const ttl = getTTL(node.stat.ephemeralOwner);
      if (ttl !== 0n && now - node.stat.mtime > ttl) out.add(path);
    }
    return [...out];
  }
}
