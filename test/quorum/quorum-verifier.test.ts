import { ConfigError } from '../../lib/config/config-error';
import type { QuorumServerSpec } from '../../lib/config/server-config';
import { parseZooCfg } from '../../lib/config/zoo-cfg';
import { createQuorumVerifier } from '../../lib/quorum/create-quorum-verifier';
import { QuorumHierarchical } from '../../lib/quorum/quorum-hierarchical';
import { QuorumMaj } from '../../lib/quorum/quorum-maj';
import { SyncedLearnerTracker } from '../../lib/quorum/synced-learner-tracker';
import { golden, HIER_CFG, MAJ5_CFG } from './golden';
import { serverSpecs } from './election-sim';

function verifierFromCfg(text: string) {
  const { config } = parseZooCfg(`tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir=/nonexistent\n${text}`, { loadMyId: () => 1 });
  return createQuorumVerifier(config);
}

const servers = (n: number, observers: number[] = []): QuorumServerSpec[] =>
  serverSpecs(Array.from({ length: n }, (_, i) => ({ id: i + 1, type: observers.includes(i + 1) ? 'observer' : 'participant' })));

describe('QuorumMaj', () => {
  it('needs more than half of the voters, and observers do not count towards the size', () => {
    const qv = new QuorumMaj(servers(7, [6, 7]));
    expect([...qv.getVotingMembers().keys()]).toEqual([1, 2, 3, 4, 5]);
    expect([...qv.getObservingMembers().keys()]).toEqual([6, 7]);
    expect(qv.containsQuorum(new Set([1, 2]))).toBe(false);
    expect(qv.containsQuorum(new Set([1, 2, 3]))).toBe(true);
  });

  it('gives every id weight 1', () => {
    const qv = new QuorumMaj(servers(3));
    expect(qv.getWeight(1)).toBe(1);
    expect(qv.getWeight(99)).toBe(1);
  });

  it('writes the configuration text exactly as ZooKeeper 3.8 does', () => {
    const qv = verifierFromCfg(MAJ5_CFG);
    expect(qv).toBeInstanceOf(QuorumMaj);
    expect(qv.version).toBe(0x100000000n);
    expect(qv.toString()).toBe(golden.configStrings.maj5);
  });

  it('is equal to another with the same version or the same members', () => {
    const a = new QuorumMaj(servers(3), 5n);
    expect(a.equals(new QuorumMaj(servers(5), 5n))).toBe(true);
    expect(a.equals(new QuorumMaj(servers(3), 6n))).toBe(true);
    expect(a.equals(new QuorumMaj(servers(4), 6n))).toBe(false);
  });
});

describe('QuorumHierarchical', () => {
  const qv = verifierFromCfg(HIER_CFG);

  it('agrees with ZooKeeper on containsQuorum for every subset of its servers', () => {
    expect(qv).toBeInstanceOf(QuorumHierarchical);
    const mine: number[] = [];
    for (let mask = 0; mask < 1 << 7; mask++) {
      const set = new Set<number>();
      for (let b = 0; b < 7; b++) if (mask & (1 << b)) set.add(b + 1);
      mine.push(qv.containsQuorum(set) ? 1 : 0);
    }
    expect(mine).toEqual(golden.hierQuorums);
  });

  it('has the weights ZooKeeper computes, and no group of weight 0 counts', () => {
    for (const [id, w] of Object.entries(golden.hierWeights)) expect(qv.getWeight(Number(id))).toBe(w);
    // group.3 holds only server 6 (weight 0): groups 1 and 2 both decide.
    expect(qv.containsQuorum(new Set([1, 2, 4]))).toBe(true);
    expect(qv.containsQuorum(new Set([1, 2, 6]))).toBe(false);
    expect(qv.containsQuorum(new Set())).toBe(false);
  });

  it('keeps the observer out of the voting view', () => {
    expect([...qv.getVotingMembers().keys()]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...qv.getObservingMembers().keys()]).toEqual([7]);
  });

  it('writes the configuration text exactly as ZooKeeper 3.8 does', () => {
    expect(qv.toString()).toBe(golden.configStrings.hier);
  });

  it('refuses a server in two groups, a participant in none, and a grouped non-participant', () => {
    const s = servers(3, [3]);
    expect(() => new QuorumHierarchical({ servers: s, groups: new Map([[1, [1, 2]], [2, [2]]]), weights: new Map() })).toThrow(ConfigError);
    expect(() => new QuorumHierarchical({ servers: s, groups: new Map([[1, [1]]]), weights: new Map() })).toThrow(/server\.2 is not in any group/);
    expect(() => new QuorumHierarchical({ servers: s, groups: new Map([[1, [1, 2, 3]]]), weights: new Map() })).toThrow(/server 3, which has no weight/);
    expect(() => new QuorumHierarchical({ servers: s, groups: new Map([[1, [1, 2]]]), weights: new Map([[1, -1]]) })).toThrow(/weight\.1/);
  });

  it('counts groups, not total weight: a heavy group alone is no quorum, two light ones are', () => {
    const h = new QuorumHierarchical({
      servers: servers(5),
      groups: new Map([[1, [1, 2, 3]], [2, [4]], [3, [5]]]),
      weights: new Map([[1, 10], [2, 10], [3, 10], [4, 1], [5, 1]]),
    });
    expect(h.containsQuorum(new Set([1, 2, 3]))).toBe(false);
    expect(h.containsQuorum(new Set([1, 2, 4]))).toBe(true);
    expect(h.containsQuorum(new Set([4, 5]))).toBe(true);
    expect(h.containsQuorum(new Set([1, 4]))).toBe(false);
  });
});

describe('createQuorumVerifier', () => {
  it('chooses majority without groups or weights, hierarchical with either', () => {
    expect(createQuorumVerifier({ servers: servers(3), groups: new Map(), weights: new Map() })).toBeInstanceOf(QuorumMaj);
    expect(createQuorumVerifier({ servers: servers(3), groups: new Map([[1, [1, 2, 3]]]), weights: new Map() })).toBeInstanceOf(
      QuorumHierarchical,
    );
  });
});

describe('SyncedLearnerTracker', () => {
  it('needs a quorum in every configuration it tracks', () => {
    const t = new SyncedLearnerTracker();
    t.addQuorumVerifier(new QuorumMaj(servers(3)));
    t.addQuorumVerifier(new QuorumMaj(serverSpecs([{ id: 3 }, { id: 4 }, { id: 5 }])));
    expect(t.addAck(1)).toBe(true);
    expect(t.addAck(2)).toBe(true);
    expect(t.hasAllQuorums()).toBe(false);
    expect(t.addAck(9)).toBe(false);
    t.addAck(3);
    t.addAck(4);
    expect(t.hasAllQuorums()).toBe(true);
    expect(t.hasSid(3)).toBe(true);
    expect(t.hasSid(1)).toBe(false);
    expect(t.ackSetsToString()).toBe('[1, 2, 3],[3, 4]');
  });

  it('ignores acks from observers', () => {
    const t = new SyncedLearnerTracker();
    t.addQuorumVerifier(new QuorumMaj(servers(5, [4, 5])));
    expect(t.addAck(4)).toBe(false);
    t.addAck(5);
    t.addAck(1);
    expect(t.hasAllQuorums()).toBe(false);
    t.addAck(2);
    expect(t.hasAllQuorums()).toBe(true);
  });
});
