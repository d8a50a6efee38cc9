import type { QuorumServerSpec } from '../config/server-config';
import { token } from '../core/token';

/**
 * Decides whether a set of servers is a quorum (flexible/QuorumVerifier). Election and ZAB
 * ask only this, so a researcher's quorum rule is one more implementation of it.
 */
export interface QuorumVerifier {
  /** A server's weight; a weight-0 voter is never elected (totalOrderPredicate). */
  getWeight(sid: number): number;
  /**
   * True when `set` is a quorum. Like ZooKeeper's, the majority rule counts every id in
   * the set: callers (SyncedLearnerTracker) pass voting members only.
   */
  containsQuorum(set: ReadonlySet<number>): boolean;
  /** The configuration's version (the dynamic file's hex suffix), 0 when static. */
  readonly version: bigint;
  getAllMembers(): ReadonlyMap<number, QuorumServerSpec>;
  getVotingMembers(): ReadonlyMap<number, QuorumServerSpec>;
  getObservingMembers(): ReadonlyMap<number, QuorumServerSpec>;
  /** ZooKeeper's equality: the same version, or the same members (and weights, groups). */
  equals(other: QuorumVerifier): boolean;
  /**
   * The configuration as ZooKeeper writes it (server.N=…, group/weight lines, version=hex):
   * the text election notifications carry.
   */
  toString(): string;
}

export const QUORUM_VERIFIER = token<QuorumVerifier>('QuorumVerifier');

/** Splits servers into the voting and observing views, keyed and ordered by id. */
export function splitMembers(servers: readonly QuorumServerSpec[]): {
  all: Map<number, QuorumServerSpec>;
  voting: Map<number, QuorumServerSpec>;
  observing: Map<number, QuorumServerSpec>;
} {
  const sorted = [...servers].sort((a, b) => a.id - b.id);
  const all = new Map<number, QuorumServerSpec>();
  const voting = new Map<number, QuorumServerSpec>();
  const observing = new Map<number, QuorumServerSpec>();
  for (const s of sorted) {
    all.set(s.id, s);
    (s.type === 'participant' ? voting : observing).set(s.id, s);
  }
  return { all, voting, observing };
}

/** QuorumServer.equals: same id, type and addresses. */
export function sameServer(a: QuorumServerSpec, b: QuorumServerSpec | undefined): boolean {
  return (
    b !== undefined &&
    a.id === b.id &&
    a.type === b.type &&
    a.host === b.host &&
    a.quorumPort === b.quorumPort &&
    a.electionPort === b.electionPort &&
    (a.clientPort ?? null) === (b.clientPort ?? null) &&
    (a.clientPort === undefined || a.clientHost === b.clientHost)
  );
}

export function sameMembers(a: ReadonlyMap<number, QuorumServerSpec>, b: ReadonlyMap<number, QuorumServerSpec>): boolean {
  if (a.size !== b.size) return false;
  for (const s of a.values()) if (!sameServer(s, b.get(s.id))) return false;
  return true;
}
