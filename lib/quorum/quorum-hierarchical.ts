import { ConfigError } from '../config/config-error';
import type { QuorumServerSpec } from '../config/server-config';
import { serverLines } from './quorum-server';
import { sameMembers, splitMembers, type QuorumVerifier } from './quorum-verifier';
import { hex64 } from './vote';

export interface HierarchicalSpec {
  servers: readonly QuorumServerSpec[];
  /** group.N = a:b:c, by group id. */
  groups: ReadonlyMap<number, readonly number[]>;
  /** weight.N; participants without one weigh 1. */
  weights: ReadonlyMap<number, number>;
  version?: bigint;
}

/**
 * flexible/QuorumHierarchical: servers in disjoint groups, each with a weight; a quorum
 * holds more than half the weight of more than half of the groups. Groups whose total
 * weight is 0 do not count, and a weight-0 server adds nothing (and never leads).
 */
export class QuorumHierarchical implements QuorumVerifier {
  readonly version: bigint;
  private readonly all: Map<number, QuorumServerSpec>;
  private readonly voting: Map<number, QuorumServerSpec>;
  private readonly observing: Map<number, QuorumServerSpec>;
  private readonly serverWeight = new Map<number, number>();
  private readonly serverGroup = new Map<number, number>();
  private readonly groupWeight = new Map<number, number>();
  private readonly numGroups: number;

  constructor(spec: HierarchicalSpec) {
    this.version = spec.version ?? 0n;
    ({ all: this.all, voting: this.voting, observing: this.observing } = splitMembers(spec.servers));
    for (const [gid, members] of spec.groups) {
      for (const sid of members) {
        const other = this.serverGroup.get(sid);
        if (other !== undefined) {
          throw new ConfigError(`group.${gid}: server ${sid} is also in group.${other}; a server belongs to one group`, `group.${gid}`);
        }
        this.serverGroup.set(sid, gid);
      }
    }
    for (const [sid, w] of spec.weights) {
      if (!Number.isSafeInteger(w) || w < 0) throw new ConfigError(`weight.${sid}: ${w} is not a weight (a whole number ≥ 0)`, `weight.${sid}`);
      this.serverWeight.set(sid, w);
    }
    for (const s of this.voting.values()) {
      if (!this.serverGroup.has(s.id)) throw new ConfigError(`server.${s.id} is not in any group.N`, `server.${s.id}`);
      if (!this.serverWeight.has(s.id)) this.serverWeight.set(s.id, 1);
    }
    this.serverWeight = new Map([...this.serverWeight].sort((a, b) => a[0] - b[0]));
    this.serverGroup = new Map([...this.serverGroup].sort((a, b) => a[0] - b[0]));
    for (const [sid, gid] of this.serverGroup) {
      const w = this.serverWeight.get(sid);
      // ZooKeeper dies of a NullPointerException here; say what is wrong instead.
      if (w === undefined) throw new ConfigError(`group.${gid} lists server ${sid}, which has no weight (it is not a participant)`, `group.${gid}`);
      this.groupWeight.set(gid, (this.groupWeight.get(gid) ?? 0) + w);
    }
    let groups = spec.groups.size;
    for (const w of this.groupWeight.values()) if (w === 0) groups--;
    this.numGroups = groups;
  }

  /** Unknown ids weigh 0 (ZooKeeper throws a NullPointerException for them). */
  getWeight(sid: number): number {
    return this.serverWeight.get(sid) ?? 0;
  }

  containsQuorum(set: ReadonlySet<number>): boolean {
    if (set.size === 0) return false;
    const expansion = new Map<number, number>();
    for (const sid of set) {
      const gid = this.serverGroup.get(sid);
      if (gid === undefined) continue;
      expansion.set(gid, (expansion.get(gid) ?? 0) + (this.serverWeight.get(sid) ?? 0));
    }
    let majorityGroups = 0;
    for (const [gid, w] of expansion) {
      if (w > Math.floor((this.groupWeight.get(gid) ?? 0) / 2)) majorityGroups++;
    }
    return majorityGroups > Math.floor(this.numGroups / 2);
  }

  getAllMembers(): ReadonlyMap<number, QuorumServerSpec> {
    return this.all;
  }

  getVotingMembers(): ReadonlyMap<number, QuorumServerSpec> {
    return this.voting;
  }

  getObservingMembers(): ReadonlyMap<number, QuorumServerSpec> {
    return this.observing;
  }

  /** The group a server is in, if any. */
  getGroup(sid: number): number | undefined {
    return this.serverGroup.get(sid);
  }

  equals(other: QuorumVerifier): boolean {
    if (!(other instanceof QuorumHierarchical)) return false;
    if (other.version === this.version) return true;
    return (
      sameMembers(this.all, other.all) &&
      sameNumberMap(this.serverWeight, other.serverWeight) &&
      sameNumberMap(this.groupWeight, other.groupWeight) &&
      sameNumberMap(this.serverGroup, other.serverGroup)
    );
  }

  toString(): string {
    let out = serverLines(this.all);
    const groups = new Map<number, number[]>();
    for (const [sid, gid] of this.serverGroup) groups.set(gid, [...(groups.get(gid) ?? []), sid]);
    for (const gid of [...groups.keys()].sort((a, b) => a - b)) out += `group.${gid}=${groups.get(gid)!.join(':')}\n`;
    for (const [sid, w] of this.serverWeight) out += `weight.${sid}=${w}\n`;
    return `${out}version=${hex64(this.version)}`;
  }
}

function sameNumberMap(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
