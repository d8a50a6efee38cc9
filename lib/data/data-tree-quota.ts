import type { Logger } from '../core/logger';
import { Code, KeeperException } from '../protocol/keeper-exception';
import { OpCode } from '../protocol/op-code';
import type { NodeHashMap } from './node-hash-map';
import { PathTrie } from './path-trie';
import { Quotas } from './quotas';
import { StatsTrack } from './stats-track';

/**
 * The quota half of DataTree: which paths carry a quota (a PathTrie fed by the
 * zookeeper_limits nodes), the usage kept in zookeeper_stats nodes, and 3.8's check of
 * both before a create or setData. Quota nodes live under /zookeeper/, outside the digest,
 * so their data is updated in place.
 */
export class DataTreeQuotas {
  readonly pTrie = new PathTrie();

  constructor(
    private readonly nodes: NodeHashMap,
    private readonly log: Logger,
    /** Called with a stat node's value when it is replaced (the tree's value arena takes its slot back). */
    private readonly released: (old: Buffer | null) => void = () => {},
  ) {}

  /** DataTree.getMaxPrefixWithQuota: the quota'd path that governs `path`, or null. */
  getMaxPrefixWithQuota(path: string): string | null {
    const lastPrefix = this.pTrie.findMaxPrefix(path);
    return lastPrefix === '/' || lastPrefix === '' ? null : lastPrefix;
  }

  /** After createNode: register a new limit node, recount for a new stat node, count the node. */
  nodeCreated(path: string, parentName: string, childName: string, data: Buffer | null): void {
    if (parentName.startsWith(Quotas.quotaZookeeper)) {
      const quotaPath = Quotas.trimQuotaPath(parentName);
      // Java would throw on "" (a limit node right under /zookeeper/quota); there is no path to track.
      if (childName === Quotas.limitNode && quotaPath !== '') this.pTrie.addPath(quotaPath);
      if (childName === Quotas.statNode) this.updateQuotaForPath(quotaPath);
    }
    const lastPrefix = this.getMaxPrefixWithQuota(path);
    if (lastPrefix !== null) this.updateQuotaStat(lastPrefix, BigInt(data === null ? 0 : data.length), 1n);
  }

  /** After deleteNode: forget a deleted limit node, uncount the node. */
  nodeDeleted(path: string, parentName: string, childName: string, data: Buffer | null): void {
    if (parentName.startsWith(Quotas.procZookeeper) && childName === Quotas.limitNode) {
      const quotaPath = Quotas.trimQuotaPath(parentName);
      if (quotaPath !== '') this.pTrie.deletePath(quotaPath);
    }
    const lastPrefix = this.getMaxPrefixWithQuota(path);
    if (lastPrefix !== null) this.updateQuotaStat(lastPrefix, -BigInt(data === null ? 0 : data.length), -1n);
  }

  /** After setData. */
  dataChanged(path: string, lastData: Buffer | null, data: Buffer | null): void {
    const lastPrefix = this.getMaxPrefixWithQuota(path);
    if (lastPrefix === null) return;
    const bytesDiff = (data === null ? 0 : data.length) - (lastData === null ? 0 : lastData.length);
    this.updateQuotaStat(lastPrefix, BigInt(bytesDiff), 0n);
  }

  /** DataTree.updateQuotaStat: adds to the usage in lastPrefix's zookeeper_stats node. */
  updateQuotaStat(lastPrefix: string, bytesDiff: bigint, countDiff: bigint): void {
    const statNodePath = Quotas.statPath(lastPrefix);
    const statNode = this.nodes.get(statNodePath);
    if (statNode === undefined) {
      this.log.error(`Missing node for stat ${statNodePath}`);
      return;
    }
    const updated = this.parse(statNode.data, statNodePath);
    if (updated === null) return;
    updated.count = updated.count + countDiff;
    updated.bytes = updated.bytes + bytesDiff;
    this.released(statNode.data);
    statNode.data = updated.getStatsBytes();
  }

  /** DataTree.updateQuotaForPath: recounts a subtree into its stat node. */
  updateQuotaForPath(path: string): void {
    const counts = { count: 0n, bytes: 0n };
    this.getCounts(path, counts);
    const strack = new StatsTrack();
    strack.bytes = counts.bytes;
    strack.count = counts.count;
    const statPath = Quotas.statPath(path);
    const node = this.nodes.get(statPath);
    if (node === undefined) {
      this.log.warn(`Missing quota stat node ${statPath}`);
      return;
    }
    this.nodes.preChange(statPath, node);
    this.released(node.data);
    node.data = strack.getStatsBytes();
    this.nodes.postChange(statPath, node);
  }

  /** DataTree.setupQuota, after loading a snapshot: find limit nodes, recount their subtrees. */
  setupQuota(): void {
    if (this.nodes.get(Quotas.quotaZookeeper) === undefined) return;
    // Iterative, so a deep quota tree cannot overflow the stack.
    const stack: string[] = [Quotas.quotaZookeeper];
    const endString = '/' + Quotas.limitNode;
    while (stack.length > 0) {
      const path = stack.pop()!;
      const node = this.nodes.get(path);
      if (node === undefined) continue;
      if (node.numChildren === 0) {
        if (path.endsWith(endString)) {
          const realPath = path.substring(Quotas.quotaZookeeper.length, path.indexOf(endString));
          this.updateQuotaForPath(realPath);
          if (realPath !== '') this.pTrie.addPath(realPath);
        }
        continue;
      }
      for (const child of node.children) stack.push(`${path}/${child}`);
    }
  }

  /**
   * ZooKeeperServer.checkQuota: for a create (count +1, bytes of data) or setData (bytes
   * difference) under a quota, throws QuotaExceeded when a hard limit would be passed and
   * logs "Quota exceeded" for soft ones. Reads the committed tree, as Java does.
   */
  checkQuota(path: string, lastData: Buffer | null, data: Buffer | null, type: number): void {
    const lastPrefix = this.getMaxPrefixWithQuota(path);
    if (lastPrefix === null) return;
    const dataBytes = BigInt(data === null ? 0 : data.length);
    if (type === OpCode.create) {
      this.checkQuotaLimit(lastPrefix, dataBytes, 1n);
    } else if (type === OpCode.setData) {
      this.checkQuotaLimit(lastPrefix, dataBytes - BigInt(lastData === null ? 0 : lastData.length), 0n);
    } else {
      throw new RangeError(`Unsupported OpCode for checkQuota: ${type}`);
    }
  }

  /** The check itself, for the quota on lastPrefix; throws KeeperException(QUOTAEXCEEDED, lastPrefix). */
  checkQuotaLimit(lastPrefix: string, bytesDiff: bigint, countDiff: bigint): void {
    const limitPath = Quotas.limitPath(lastPrefix);
    const limitNode = this.nodes.get(limitPath);
    if (limitNode === undefined) {
      this.log.error(`Missing limit node for quota ${limitPath}`);
      return;
    }
    const limits = this.parse(limitNode.data, limitPath);
    if (limits === null) return;
    const checkCount = countDiff !== 0n && (limits.count > -1n || limits.countHardLimit > -1n);
    const checkBytes = bytesDiff !== 0n && (limits.bytes > -1n || limits.byteHardLimit > -1n);
    if (!checkCount && !checkBytes) return;

    const statPath = Quotas.statPath(lastPrefix);
    const statNode = this.nodes.get(statPath);
    if (statNode === undefined) {
      this.log.error(`Missing node for stat ${statPath}`);
      return;
    }
    const current = this.parse(statNode.data, statPath);
    if (current === null) return;

    if (checkCount) {
      const newCount = current.count + countDiff;
      const hard = limits.countHardLimit > -1n;
      const limit = hard ? limits.countHardLimit : limits.count;
      if (newCount > limit) {
        this.log.warn(
          `Quota exceeded: ${lastPrefix} [current count=${newCount}, ${hard ? 'hard' : 'soft'}CountLimit=${limit}]`,
        );
        if (hard) throw new KeeperException(Code.QUOTAEXCEEDED, lastPrefix);
      }
    }
    if (checkBytes) {
      const newBytes = current.bytes + bytesDiff;
      const hard = limits.byteHardLimit > -1n;
      const limit = hard ? limits.byteHardLimit : limits.bytes;
      if (newBytes > limit) {
        this.log.warn(
          `Quota exceeded: ${lastPrefix} [current bytes=${newBytes}, ${hard ? 'hard' : 'soft'}ByteLimit=${limit}]`,
        );
        if (hard) throw new KeeperException(Code.QUOTAEXCEEDED, lastPrefix);
      }
    }
  }

  /** Forgets all quota paths (before loading a snapshot). */
  clear(): void {
    this.pTrie.clear();
  }

  private getCounts(path: string, counts: { count: bigint; bytes: bigint }): void {
    const stack = [path];
    while (stack.length > 0) {
      const p = stack.pop()!;
      const node = this.nodes.get(p);
      if (node === undefined) continue;
      counts.count += 1n;
      counts.bytes += BigInt(node.data === null ? 0 : node.data.length);
      for (const child of node.children) stack.push(`${p}/${child}`);
    }
  }

  // Java's StatsTrack throws on malformed text (and would stop the server); we log and skip.
  private parse(data: Buffer | null, where: string): StatsTrack | null {
    try {
      return new StatsTrack(data);
    } catch (e) {
      this.log.error(`Malformed quota data in ${where}: ${(e as Error).message}`);
      return null;
    }
  }
}
