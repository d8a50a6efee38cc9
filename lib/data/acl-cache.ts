import type { Logger } from '../core/logger';
import { silentLogger } from '../core/logger';
import type { ACL } from '../jute/records/data';
import { Ids } from '../protocol/zoo-defs';

/** The reference that stands for OPEN_ACL_UNSAFE without a cache entry (Java's -1L). */
export const OPEN_UNSAFE_ACL_ID = -1n;

/** An ACL reference that is not in the cache: a corrupt snapshot or a bug. */
export class UnknownAclReferenceError extends Error {
  override name = 'UnknownAclReferenceError';
  constructor(readonly reference: bigint) {
    super(`Failed to fetch acls for ${reference}`);
  }
}

/** Equal as keyOf counts them: element by element, in order. */
function sameAcls(a: readonly ACL[], b: readonly ACL[] | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.perms !== y.perms || (x.id?.scheme ?? '') !== (y.id?.scheme ?? '') || (x.id?.id ?? '') !== (y.id?.id ?? '')) return false;
  }
  return true;
}

function keyOf(acls: readonly ACL[]): string {
  // ACL lists are equal when their elements are equal in order (Java's List.equals).
  return acls.map((a) => `${a.perms}\u0000${a.id?.scheme ?? ''}\u0000${a.id?.id ?? ''}`).join('\u0001');
}

/**
 * ReferenceCountedACLCache: every znode stores a long that names its ACL list, so equal
 * lists are stored once. Snapshots store the map (reference → list) and the longs, so the
 * references themselves are part of the on-disk format.
 */
export class ReferenceCountedACLCache {
  private readonly longKeyMap = new Map<bigint, ACL[]>();
  private readonly aclKeyMap = new Map<string, bigint>();
  private readonly referenceCounter = new Map<bigint, number>();
  /** The last reference handed out; the next list gets aclIndex + 1. */
  aclIndex = 0n;
  /**
   * The reference convertAcls returned last. Nearly every create names the same list as
   * the one before it, and comparing with that list is cheaper than building its key
   * (a string per ACL and a join: 5% of a create load's allocation).
   */
  private lastReference: bigint | undefined;

  constructor(private readonly log: Logger = silentLogger) {}

  /**
   * The reference for a list, adding one usage. Only null maps to -1: an explicit
   * OPEN_ACL_UNSAFE list gets an entry like any other (as in Java).
   */
  convertAcls(acls: ACL[] | null): bigint {
    if (acls == null) return OPEN_UNSAFE_ACL_ID;
    let ret = this.lastReference;
    if (ret === undefined || !sameAcls(acls, this.longKeyMap.get(ret))) {
      const key = keyOf(acls);
      ret = this.aclKeyMap.get(key);
      if (ret === undefined) {
        ret = ++this.aclIndex;
        this.longKeyMap.set(ret, acls);
        this.aclKeyMap.set(key, ret);
      }
      this.lastReference = ret;
    }
    this.addUsage(ret);
    return ret;
  }

  /** The list for a reference; the shared list, so callers must not change it. */
  convertLong(longVal: bigint | null): ACL[] | null {
    if (longVal == null) return null;
    if (longVal === OPEN_UNSAFE_ACL_ID) return Ids.OPEN_ACL_UNSAFE();
    const acls = this.longKeyMap.get(longVal);
    if (acls === undefined) {
      this.log.error(`ERROR: ACL not available for long ${longVal}`);
      throw new UnknownAclReferenceError(longVal);
    }
    return acls;
  }

  addUsage(acl: bigint): void {
    if (acl === OPEN_UNSAFE_ACL_ID) return;
    if (!this.longKeyMap.has(acl)) {
      this.log.info(`Ignoring acl ${acl} as it does not exist in the cache`);
      return;
    }
    this.referenceCounter.set(acl, (this.referenceCounter.get(acl) ?? 0) + 1);
  }

  removeUsage(acl: bigint): void {
    if (acl === OPEN_UNSAFE_ACL_ID) return;
    if (!this.longKeyMap.has(acl)) {
      this.log.info(`Ignoring acl ${acl} as it does not exist in the cache`);
      return;
    }
    const newCount = (this.referenceCounter.get(acl) ?? 0) - 1;
    if (newCount <= 0) this.drop(acl);
    else this.referenceCounter.set(acl, newCount);
  }

  /** Drops entries no node uses (after loading a snapshot that carried stale ones). */
  purgeUnused(): void {
    for (const acl of [...this.longKeyMap.keys()]) {
      if ((this.referenceCounter.get(acl) ?? 0) <= 0) this.drop(acl);
    }
  }

  /** Number of distinct lists in the cache. */
  size(): number {
    return this.aclKeyMap.size;
  }

  /** How many nodes use a reference (0 when unknown). */
  referenceCount(acl: bigint): number {
    return this.referenceCounter.get(acl) ?? 0;
  }

  /** The entries in insertion order, as a snapshot writes them ("map": count, then long + acls). */
  entries(): IterableIterator<[bigint, ACL[]]> {
    return this.longKeyMap.entries();
  }

  /**
   * Java's deserialize: replaces the contents with a snapshot's entries, usages at zero
   * (the loaded nodes add theirs; purgeUnused then drops the rest).
   */
  restore(entries: Iterable<readonly [bigint, ACL[]]>): void {
    this.longKeyMap.clear();
    this.aclKeyMap.clear();
    this.referenceCounter.clear();
    this.lastReference = undefined;
    for (const [val, acls] of entries) {
      if (this.aclIndex < val) this.aclIndex = val;
      this.longKeyMap.set(val, acls);
      this.aclKeyMap.set(keyOf(acls), val);
      this.referenceCounter.set(val, 0);
    }
  }

  private drop(acl: bigint): void {
    const acls = this.longKeyMap.get(acl);
    this.referenceCounter.delete(acl);
    if (acls !== undefined) this.aclKeyMap.delete(keyOf(acls));
    this.longKeyMap.delete(acl);
  }
}
