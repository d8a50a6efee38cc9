import { DataTree, type DataTreeOptions } from '../../lib/data/data-tree';
import { CONTAINER_EPHEMERAL_OWNER, ttlToEphemeralOwner } from '../../lib/data/ephemeral-type';
import { encode } from '../../lib/jute/codec';
import { ACL, Id } from '../../lib/jute/records/data';
import {
  CloseSessionTxn,
  CreateContainerTxn,
  CreateSessionTxn,
  CreateTTLTxn,
  CreateTxn,
  DeleteTxn,
  MultiTxn,
  SetACLTxn,
  SetDataTxn,
  Txn,
  TxnDigest,
  TxnHeader,
} from '../../lib/jute/records/txn';
import type { JuteRecord } from '../../lib/jute/types';
import type { TxnEntry, TxnLog } from '../../lib/persistence/txn-log';
import { Ids, Perms } from '../../lib/protocol';
import { OpCode } from '../../lib/protocol/op-code';

export const T0 = 1_764_225_187_000n;
export const OPEN = (): ACL[] => Ids.OPEN_ACL_UNSAFE();
export const digestAcl = (user: string): ACL[] => [
  new ACL({ perms: Perms.ALL, id: new Id({ scheme: 'digest', id: user }) }),
  new ACL({ perms: Perms.READ, id: new Id({ scheme: 'world', id: 'anyone' }) }),
];

/**
 * Drives a tree the way a server does: each txn carries the versions prep would compute,
 * is applied, and (with a log) appended with the TxnDigest of the tree after it, as 3.8
 * logs it. `tree` and `sessions` are the server's state; `log` gets every entry.
 */
export class Workload {
  readonly tree: DataTree;
  readonly sessions = new Map<bigint, number>();
  readonly applied: TxnEntry[] = [];
  zxid: bigint;

  constructor(
    readonly log: TxnLog | null = null,
    opts: DataTreeOptions & { startZxid?: bigint } = {},
  ) {
    this.tree = new DataTree({ extendedTypesEnabled: true, ...opts });
    this.zxid = opts.startZxid ?? 0n;
  }

  private run(clientId: bigint, type: number, txn: JuteRecord | null): TxnEntry {
    const zxid = ++this.zxid;
    const hdr = new TxnHeader({ clientId, cxid: Number(zxid % 100000n), zxid, time: T0 + zxid, type });
    if (type === OpCode.createSession) this.sessions.set(clientId, (txn as CreateSessionTxn).timeOut);
    if (type === OpCode.closeSession) this.sessions.delete(clientId);
    this.tree.processTxn(hdr, txn, null);
    const entry: TxnEntry = { hdr, txn, digest: new TxnDigest({ version: 2, treeDigest: this.tree.getTreeDigest() }) };
    this.applied.push(entry);
    this.log?.append(entry);
    return entry;
  }

  private parentCVersion(path: string): number {
    const parent = this.tree.getNode(path.substring(0, path.lastIndexOf('/')))!;
    return parent.stat.cversion + 1;
  }

  createSession(id: bigint, timeout = 30000): TxnEntry {
    return this.run(id, OpCode.createSession, new CreateSessionTxn({ timeOut: timeout }));
  }

  closeSession(id: bigint): TxnEntry {
    const paths = [...this.tree.getEphemerals(id)].sort();
    return this.run(id, OpCode.closeSession, new CloseSessionTxn({ paths2Delete: paths }));
  }

  create(path: string, data: string | Buffer | null = null, opts: { acl?: ACL[]; owner?: bigint } = {}): TxnEntry {
    const txn = new CreateTxn({
      path,
      data: typeof data === 'string' ? Buffer.from(data) : data,
      acl: opts.acl ?? OPEN(),
      ephemeral: opts.owner !== undefined,
      parentCVersion: this.parentCVersion(path),
    });
    return this.run(opts.owner ?? 0x99n, OpCode.create, txn);
  }

  createContainer(path: string, data: string | null = null): TxnEntry {
    const txn = new CreateContainerTxn({ path, data: data === null ? null : Buffer.from(data), acl: OPEN(), parentCVersion: this.parentCVersion(path) });
    return this.run(0x99n, OpCode.createContainer, txn);
  }

  createTTL(path: string, ttl: bigint, data = 'ttl'): TxnEntry {
    const txn = new CreateTTLTxn({ path, data: Buffer.from(data), acl: OPEN(), parentCVersion: this.parentCVersion(path), ttl });
    return this.run(0x99n, OpCode.createTTL, txn);
  }

  setData(path: string, data: string | Buffer): TxnEntry {
    const version = this.tree.getNode(path)!.stat.version + 1;
    return this.run(0x99n, OpCode.setData, new SetDataTxn({ path, data: typeof data === 'string' ? Buffer.from(data) : data, version }));
  }

  setACL(path: string, acl: ACL[]): TxnEntry {
    const version = this.tree.getNode(path)!.stat.aversion + 1;
    return this.run(0x99n, OpCode.setACL, new SetACLTxn({ path, acl, version }));
  }

  delete(path: string): TxnEntry {
    return this.run(0x99n, OpCode.delete, new DeleteTxn({ path }));
  }

  /** A multi that creates `path` and sets data on `other`. */
  multi(path: string, other: string): TxnEntry {
    const create = new CreateTxn({ path, data: Buffer.from('m'), acl: OPEN(), ephemeral: false, parentCVersion: this.parentCVersion(path) });
    const set = new SetDataTxn({ path: other, data: Buffer.from('via multi'), version: this.tree.getNode(other)!.stat.version + 1 });
    const txns = [new Txn({ type: OpCode.create, data: encode(create) }), new Txn({ type: OpCode.setData, data: encode(set) })];
    return this.run(0x99n, OpCode.multi, new MultiTxn({ txns }));
  }

  /**
   * A tree with everything a snapshot must carry: data (binary and empty and null), shared
   * and distinct ACLs, ephemerals of two sessions, a container, a TTL node, a quota, a
   * sequential-looking name, deep paths, non-ASCII names.
   */
  populate(opts: { timeouts?: [number, number, number] } = {}): this {
    const [t1, t2, t3] = opts.timeouts ?? [4000, 12000, 6000];
    this.createSession(0x1000000aa0001n, t1);
    this.createSession(0x1000000aa0002n, t2);
    this.createSession(0x1000000aa0003n, t3);
    this.create('/app', 'root of app');
    this.create('/app/config', Buffer.from([0, 1, 2, 0xff, 0xfe]));
    this.create('/app/empty', Buffer.alloc(0));
    this.create('/app/null', null);
    this.create('/secure', 'secret', { acl: digestAcl('alice:X/ZpNzmnJmNRNOy9kxhJqqTdpTU=') });
    this.create('/secure/also', 'shared acl', { acl: digestAcl('alice:X/ZpNzmnJmNRNOy9kxhJqqTdpTU=') });
    this.create('/other-acl', 'b', { acl: digestAcl('bob:9uPRSHz1+l1Nr4mJvCpnT7gf7n4=') });
    this.create('/app/eph1', 'e1', { owner: 0x1000000aa0001n });
    this.create('/app/eph2', 'e2', { owner: 0x1000000aa0001n });
    this.create('/eph3', 'e3', { owner: 0x1000000aa0002n });
    this.createContainer('/container');
    this.create('/container/child', 'c');
    this.createTTL('/ttl', 60_000n);
    this.create('/zookeeper/quota/app', null);
    this.create('/zookeeper/quota/app/zookeeper_limits', 'count=100,bytes=10000');
    this.create('/zookeeper/quota/app/zookeeper_stats', 'count=1,bytes=11');
    this.create('/seq-0000000001', 'seq');
    this.create('/a', null);
    this.create('/a/b', null);
    this.create('/a/b/c', 'deep');
    this.create('/ünïcødé', 'ü');
    this.setData('/app', 'root of app, v1');
    this.setData('/app', 'root of app, v2');
    this.setACL('/other-acl', OPEN());
    this.multi('/app/from-multi', '/app/config');
    this.delete('/a/b/c');
    this.create('/a/b/c2', 'recreated');
    this.closeSession(0x1000000aa0003n);
    return this;
  }
}

/** Everything a client or restore can observe about a tree, in a comparable form. */
export function describeTree(tree: DataTree): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (const [path, node] of [...tree.nodes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    nodes[path] = {
      data: node.data === null ? null : node.data.toString('hex'),
      stat: tree.statOf(node).toJSON(),
      persisted: node.stat.toJSON(),
      acl: tree.getACLOfNode(node).map((a) => a.toJSON()),
      children: [...node.children].sort(),
    };
  }
  const ephemerals: Record<string, string[]> = {};
  for (const [sid, paths] of tree.getEphemeralsMap()) if (paths.size) ephemerals[sid.toString(16)] = [...paths].sort();
  return {
    nodes,
    ephemerals,
    containers: [...tree.getContainers()].sort(),
    ttls: [...tree.getTtls()].sort(),
    digest: tree.getTreeDigest().toString(),
    nodeCount: tree.getNodeCount(),
    aclCacheSize: tree.aclCacheSize(),
    approximateDataSize: tree.cachedApproximateDataSize(),
    quotaOnAppChild: tree.getMaxPrefixWithQuota('/app/config'),
  };
}

export function describeSessions(sessions: ReadonlyMap<bigint, number>): Array<[string, number]> {
  return [...sessions].map(([id, t]): [string, number] => [id.toString(16), t]).sort(([a], [b]) => (a < b ? -1 : 1));
}

export { CONTAINER_EPHEMERAL_OWNER, ttlToEphemeralOwner };
