import { Stat, StatPersisted } from '../jute/records/data';
import { EphemeralType, ephemeralTypeOf } from './ephemeral-type';

const EMPTY_CHILDREN: ReadonlySet<string> = new Set<string>();

/**
 * DataNode: one znode. `acl` is a reference into the tree's ReferenceCountedACLCache (a
 * snapshot stores that long); `stat` is what a snapshot stores of the Stat — dataLength
 * and numChildren are derived, and cversion counts creates only (see copyStat).
 */
export class DataNode {
  /** The digest cache of NodeHashMap; valid while digestCached is true. */
  digest = 0n;
  digestCached = false;
  private kids: Set<string> | null = null;

  constructor(
    public data: Buffer | null,
    public acl: bigint,
    public stat: StatPersisted,
  ) {}

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

  addChild(child: string): boolean {
    if (this.kids === null) this.kids = new Set();
    const before = this.kids.size;
    this.kids.add(child);
    return this.kids.size !== before;
  }

  removeChild(child: string): boolean {
    return this.kids === null ? false : this.kids.delete(child);
  }

  setChildren(children: Set<string> | null): void {
    this.kids = children;
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

function clientEphemeralOwner(owner: bigint, extendedTypesEnabled: boolean): bigint {
  return ephemeralTypeOf(owner, extendedTypesEnabled) === EphemeralType.NORMAL ? owner : 0n;
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
