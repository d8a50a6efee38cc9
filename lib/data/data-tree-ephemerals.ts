import { EphemeralType, ephemeralTypeOf } from './ephemeral-type';
import { deleteFromKeyedSet } from './keyed-sets';

const hex = (v: bigint): string => BigInt.asUintN(64, v).toString(16);

/**
 * Which nodes are tied to something other than their path: ephemerals per owning
 * session, containers (deleted when empty) and TTL nodes (deleted when empty and old),
 * all read from the node's ephemeralOwner. Sessions keep their entry after their last
 * ephemeral goes, as in Java, until the session is killed.
 */
export class DataTreeEphemerals {
  private readonly ephemerals = new Map<bigint, Set<string>>();
  private readonly containers = new Set<string>();
  private readonly ttls = new Set<string>();

  constructor(private readonly extendedTypesEnabled: boolean) {}

  add(path: string, owner: bigint): void {
    const type = ephemeralTypeOf(owner, this.extendedTypesEnabled);
    if (type === EphemeralType.CONTAINER) this.containers.add(path);
    else if (type === EphemeralType.TTL) this.ttls.add(path);
    else if (owner !== 0n) {
      let list = this.ephemerals.get(owner);
      if (list === undefined) this.ephemerals.set(owner, (list = new Set()));
      list.add(path);
    }
  }

  remove(path: string, owner: bigint): void {
    const type = ephemeralTypeOf(owner, this.extendedTypesEnabled);
    if (type === EphemeralType.CONTAINER) this.containers.delete(path);
    else if (type === EphemeralType.TTL) this.ttls.delete(path);
    else if (owner !== 0n) deleteFromKeyedSet(this.ephemerals, owner, path);
  }

  /** Takes a session's set out of the map (killSession). */
  takeSession(session: bigint): Set<string> | undefined {
    const s = this.ephemerals.get(session);
    this.ephemerals.delete(session);
    return s;
  }

  /** A copy of the session's ephemeral paths (empty when it has none). */
  getEphemerals(sessionId: bigint): Set<string> {
    return new Set(this.ephemerals.get(sessionId) ?? []);
  }

  /** A copy of the whole map, session → ephemeral paths. */
  getEphemeralsMap(): Map<bigint, Set<string>> {
    return new Map([...this.ephemerals].map(([k, v]) => [k, new Set(v)]));
  }

  getSessions(): bigint[] {
    return [...this.ephemerals.keys()];
  }

  getContainers(): Set<string> {
    return new Set(this.containers);
  }

  getTtls(): Set<string> {
    return new Set(this.ttls);
  }

  count(): number {
    let n = 0;
    for (const s of this.ephemerals.values()) n += s.size;
    return n;
  }

  clear(): void {
    this.ephemerals.clear();
    this.containers.clear();
    this.ttls.clear();
  }

  /** dump's "Sessions with Ephemerals" section. */
  dump(): string {
    let out = `Sessions with Ephemerals (${this.ephemerals.size}):\n`;
    for (const [session, paths] of this.ephemerals) {
      out += `0x${hex(session)}:\n`;
      for (const p of paths) out += `\t${p}\n`;
    }
    return out;
  }
}
