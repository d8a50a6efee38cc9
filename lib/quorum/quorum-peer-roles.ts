import type { QuorumPeer } from './quorum-peer';
import { ServerState } from './vote';
import { fastForwardDatabase } from './zab/learner-database';
import { Follower } from './zab/follower';
import { FollowerZooKeeperServer } from './zab/follower-zookeeper-server';
import { Leader } from './zab/leader';
import { LeaderZooKeeperServer } from './zab/leader-zookeeper-server';
import { Observer } from './zab/observer';
import { ObserverZooKeeperServer } from './zab/observer-zookeeper-server';

/**
 * The LEADING / FOLLOWING / OBSERVING arms of QuorumPeer.run: make the role and its
 * server, run it until it ends, shut it down, and bring the tree up to the log
 * (ZooKeeperServer.shutdown's fastForwardDataBase) for the next election.
 */
export async function runRole(peer: QuorumPeer, state: ServerState): Promise<void> {
  const leaderId = peer.leaderId;
  try {
    if (state === ServerState.LEADING) {
      peer.logger.info('LEADING');
      const leader = new Leader(peer, new LeaderZooKeeperServer(peer, peer.serverOptions()));
      peer.leader = leader;
      try {
        await leader.lead();
      } finally {
        await leader.shutdown('Forcing shutdown');
      }
    } else if (state === ServerState.FOLLOWING && leaderId !== null) {
      peer.logger.info('FOLLOWING');
      const follower = new Follower(peer, new FollowerZooKeeperServer(peer, peer.serverOptions()));
      peer.learner = follower;
      try {
        await follower.followLeader(leaderId);
      } finally {
        await follower.shutdown();
      }
    } else if (state === ServerState.OBSERVING && leaderId !== null) {
      peer.logger.info('OBSERVING');
      const observer = new Observer(peer, new ObserverZooKeeperServer(peer, peer.serverOptions()));
      peer.learner = observer;
      try {
        await observer.observeLeader(leaderId);
      } finally {
        await observer.shutdown();
      }
      // Observer.waitForObserverElectionDelay: do not stampede a new leader.
      if (peer.isRunning()) await peer.sleep(peer.random.int(200));
    }
  } finally {
    peer.leader = null;
    peer.learner = null;
    peer.syncMode = 'NONE';
    await fastForwardDatabase(peer);
  }
}
