import { BinaryOutputArchive } from '../jute/binary-output-archive';
import { Stat, StatPersisted } from '../jute/records/data';
import { EphemeralType, ephemeralTypeOf } from './ephemeral-type';

const EMPTY_CHILDREN: ReadonlySet<string> = new Set<string>();
const NO_NAMES: readonly string[] = Object.freeze([]);

/**
 * DataNode: one znode. `acl` is a reference into the tree's ReferenceCountedACLCache (a
 * snapshot stores that long); the stat fields are what a snapshot stores of the Stat —
 * dataLength and numChildren are derived, and cversion counts creates only (see copyStat).
 *
 * A DataNode is its own StatPersisted (`node.stat` is the node): the stat's nine fields
 * live in the node's object rather than in a second object per znode. On a big tree that
 * is one object in seven fewer for each full GC to mark and 32 bytes less per znode.
 */
export class DataNode extends StatPersisted {
  /**
   * The digest cache of NodeHashMap; valid while digestCached is true. A number, not a
   * bigint: a CRC fits, and a bigint made for each change was a young object that this
   * node, in old space, pointed at. Each one cost the next scavenge a remembered slot and
   * a copy (see ZnodeValueArena's freeViews for the same reasoning). Kept as a signed
   * int32 (read it through nodeDigest, which gives the unsigned CRC): a CRC above 2^31 in
   * the field made it a double field: a 16-byte heap number boxed per node, for every
   * full GC to mark as well.
   */
  digest = 0;
  digestCached = false;
  private kids: Set<string> | null = null;
  /** childNames(): dropped whenever the children change. */
  private names: readonly string[] | null = null;

  /** `stat`'s fields are copied into the node; the object itself is not kept. */
  constructor(
    public data: Buffer | null,
    public acl: bigint,
    stat?: StatPersisted,
  ) {
    super(stat);
  }

  /** The node's persisted stat: the node itself (see the class comment). */
  get stat(): StatPersisted {
    return this;
  }

  /** Child names (not paths); a live read-only view. */
  get children(): ReadonlySet<string> {
    return this.kids ?? EMPTY_CHILDREN;
  }

  getChildren(): ReadonlySet<string> {
    return this.children;
  }

  /** Number of children without building anything. */
  get numChildren(): number {
    return this.kids === null ? 0 : this.kids.size;
  }

  /**
   * The child names as a frozen array, the same one for every caller until the children
   * change: a node read often (getChildren of a wide parent) is listed, and encoded (see
   * encodedChildNames), once per change rather than once per read.
   */
  childNames(): readonly string[] {
    if (this.names === null) this.names = this.kids === null || this.kids.size === 0 ? NO_NAMES : Object.freeze([...this.kids]);
    return this.names;
  }

  addChild(child: string): boolean {
    if (this.kids === null) this.kids = new Set();
    const before = this.kids.size;
    this.kids.add(child);
    if (this.kids.size === before) return false;
    this.names = null;
    return true;
  }

  removeChild(child: string): boolean {
    if (this.kids === null || !this.kids.delete(child)) return false;
    this.names = null;
    return true;
  }

  setChildren(children: Set<string> | null): void {
    this.kids = children;
    this.names = null;
  }

  /**
   * Fills a client Stat. The persisted cversion counts child creations; clients see
   * the number of child changes (creates + deletes), which is cversion * 2 - numChildren.
   * Containers and TTL nodes show ephemeralOwner 0.
   */
  copyStat(to: Stat, extendedTypesEnabled = false): Stat {
    const s = this.stat;
    const n = this.numChildren;
    to.aversion = s.aversion;
    to.ctime = s.ctime;
    to.czxid = s.czxid;
    to.mtime = s.mtime;
    to.mzxid = s.mzxid;
    to.pzxid = s.pzxid;
    to.version = s.version;
    to.ephemeralOwner = clientEphemeralOwner(s.ephemeralOwner, extendedTypesEnabled);
    to.dataLength = this.data === null ? 0 : this.data.length;
    to.cversion = (s.cversion * 2 - n) | 0;
    to.numChildren = n;
    return to;
  }

  /** A fresh Stat for this node. */
  toStat(extendedTypesEnabled = false): Stat {
    return this.copyStat(new Stat(), extendedTypesEnabled);
  }
}

const encodedNames = new WeakMap<ReadonlyArray<string | null>, Buffer>();

/**
 * A name list as jute's vector<ustring> (count, then each length-prefixed UTF-8 name),
 * encoded once per frozen list (DataNode.childNames) and shared: do not change it.
 */
export function encodedChildNames(names: ReadonlyArray<string | null>): Buffer {
  let bytes = encodedNames.get(names);
  if (bytes !== undefined) return bytes;
  const oa = new BinaryOutputArchive(4 + names.length * 16);
  oa.startVector(names as Array<string | null>);
  for (const n of names) oa.writeString(n);
  bytes = Buffer.from(oa.toBuffer());
  if (Object.isFrozen(names)) encodedNames.set(names, bytes);
  return bytes;
}

function clientEphemeralOwner(owner: bigint, extendedTypesEnabled: boolean): bigint {
  return ephemeralTypeOf(owner, extendedTypesEnabled) === EphemeralType.NORMAL ? owner : 0n;
}

/** A new node with DataTree.createStat's stat, built without a StatPersisted to copy. */
export function createdNode(data: Buffer | null, acl: bigint, zxid: bigint, time: bigint, ephemeralOwner: bigint): DataNode {
  const n = new DataNode(data, acl);
  n.czxid = zxid;
  n.mzxid = zxid;
  n.pzxid = zxid;
  n.ctime = time;
  n.mtime = time;
  n.ephemeralOwner = ephemeralOwner;
  return n;
}

/** DataTree.createStat: the persisted stat of a new node. */
export function createStat(zxid: bigint, time: bigint, ephemeralOwner: bigint): StatPersisted {
  return new StatPersisted({
    czxid: zxid,
    mzxid: zxid,
    pzxid: zxid,
    ctime: time,
    mtime: time,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner,
  });
}

/** DataTree.copyStatPersisted. */
export function copyStatPersisted(from: StatPersisted, to: StatPersisted): StatPersisted {
  to.aversion = from.aversion;
  to.ctime = from.ctime;
  to.cversion = from.cversion;
  to.czxid = from.czxid;
  to.mtime = from.mtime;
  to.mzxid = from.mzxid;
  to.pzxid = from.pzxid;
  to.version = from.version;
  to.ephemeralOwner = from.ephemeralOwner;
  return to;
}

/** DataTree.copyStat (Stat to Stat). */
export function copyStat(from: Stat, to: Stat): Stat {
  copyStatPersisted(from as unknown as StatPersisted, to as unknown as StatPersisted);
  to.dataLength = from.dataLength;
  to.numChildren = from.numChildren;
  return to;
}
