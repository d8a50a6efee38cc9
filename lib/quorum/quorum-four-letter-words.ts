import type { FourLetterWordContext } from '../server/four-letter-words/context';
import { contextFromServer } from '../server/four-letter-words/server-context';
import type { ZooKeeperServer } from '../server/zookeeper-server';
import type { QuorumPeer } from './quorum-peer';

/**
 * The four-letter words' view of a quorum server: the standalone view, with the quorum's
 * parts added — conf's quorum lines, a leader's proposal sizes, and the gauges Java's
 * LeaderZooKeeperServer / FollowerZooKeeperServer register (learners, synced_followers,
 * synced_non_voting_followers, synced_observers, pending_syncs, leader_uptime and the
 * proposal sizes). Mode comes from the role server's getState().
 */
export function quorumFourLetterContext(peer: QuorumPeer, zks: ZooKeeperServer): FourLetterWordContext {
  const base = contextFromServer(zks);
  const me = peer.config.servers.find((s) => s.id === peer.myId);
  return contextFromServer(zks, {
    conf: () => ({
      ...base.conf(),
      quorum: {
        initLimit: peer.initLimit,
        syncLimit: peer.syncLimit,
        electionAlg: peer.config.electionAlg,
        electionPort: me?.electionPort ?? -1,
        quorumPort: me?.quorumPort ?? -1,
        peerType: peer.learnerType === 'observer' ? 'observer' : 'participant',
        servers: peer.config.servers,
        version: peer.verifier.version,
      },
    }),
    proposalStats: () => (peer.leader && peer.leader.zk === zks ? peer.leader.proposalStats.toString() : null),
    resetProposalStats: () => peer.leader?.proposalStats.reset(),
    metrics: () => {
      const m = base.metrics();
      const gauges = new Map(m.gauges ?? []);
      const leader = peer.leader && peer.leader.zk === zks ? peer.leader : null;
      if (leader) {
        const voting = leader.votingFollowers().length;
        gauges.set('learners', leader.learners.size);
        gauges.set('synced_followers', voting);
        gauges.set('synced_non_voting_followers', leader.forwardingFollowers.size - voting);
        gauges.set('synced_observers', leader.observingLearners.size);
        gauges.set('pending_syncs', leader.numPendingSyncs());
        gauges.set('leader_uptime', leader.leaderStartTime > 0 ? peer.clock.now() - leader.leaderStartTime : 0);
        gauges.set('last_proposal_size', leader.proposalStats.last);
        gauges.set('max_proposal_size', leader.proposalStats.max);
        gauges.set('min_proposal_size', leader.proposalStats.min);
      } else if (zks.getState() === 'follower') {
        gauges.set('synced_observers', 0);
      }
      // ServerMetrics counters: server-wide in Java, kept across this peer's terms as leader.
      const counters = new Map(m.counters ?? []);
      counters.set('snap_count', peer.stats.snapSyncs);
      counters.set('diff_count', peer.stats.diffSyncs);
      return { ...m, gauges, counters };
    },
  });
}
