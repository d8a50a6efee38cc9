import type { ElectionAction } from '../../lib/quorum/election/election-machine';
import { FastLeaderElection, type FleAction } from '../../lib/quorum/election/fast-leader-election';
import type { Notification, NotificationMessage } from '../../lib/quorum/election/notification';
import { QuorumMaj } from '../../lib/quorum/quorum-maj';
import { LearnerType, LONG_MIN, ServerState, Vote } from '../../lib/quorum/vote';
import { serverSpecs } from './election-sim';

// Voters 1, 2, 3 and observer 4.
const verifier = new QuorumMaj(serverSpecs([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4, type: 'observer' }]));
const L = ServerState.LOOKING;

function fle(myId = 1, learnerType = LearnerType.PARTICIPANT) {
  return new FastLeaderElection({ myId, learnerType, verifier });
}

function note(sid: number, leader: number, o: Partial<Notification> = {}): Notification {
  return { sid, state: L, leader: BigInt(leader), zxid: 0n, electionEpoch: 1n, peerEpoch: 0n, version: 2, config: verifier.toString(), ...o };
}

const sends = (as: FleAction[]) =>
  as.filter((a): a is Extract<ElectionAction<NotificationMessage>, { type: 'send' }> => a.type === 'send').map((a) => ({ to: a.to, ...a.message }));
const timers = (as: FleAction[]) => as.filter((a) => a.type === 'schedule') as { type: 'schedule'; delayMs: number; seq: number }[];
const lastTimer = (as: FleAction[]) => timers(as).at(-1)!;
const decided = (as: FleAction[]) => as.find((a) => a.type === 'decided') as Extract<FleAction, { type: 'decided' }> | undefined;

describe('FastLeaderElection, driven by hand', () => {
  it('starts a round by bumping the logical clock and notifying every voter, itself included', () => {
    const m = fle(1);
    const out = m.lookForLeader({ lastLoggedZxid: 0x100000005n, currentEpoch: 1n });
    expect(m.logicalClock).toBe(1n);
    expect(sends(out)).toEqual(
      [1, 2, 3].map((to) => ({ to, state: L, leader: 1n, zxid: 0x100000005n, electionEpoch: 1n, peerEpoch: 1n, config: verifier.toString() })),
    );
    expect(lastTimer(out).delayMs).toBe(200);
  });

  it('adopts a better vote of its round and tells everyone', () => {
    const m = fle(1);
    m.lookForLeader({ lastLoggedZxid: 5n, currentEpoch: 1n });
    const out = m.onNotification(note(2, 2, { zxid: 6n, peerEpoch: 1n }));
    expect(sends(out).map((s) => [s.to, s.leader, s.zxid])).toEqual([[1, 2n, 6n], [2, 2n, 6n], [3, 2n, 6n]]);
    expect(m.getVote()).toEqual(new Vote(2n, 6n, -1n, 1n));
    // A worse one changes nothing: its sender only hears our proposal back (it is new to this round).
    expect(sends(m.onNotification(note(3, 3, { zxid: 1n, peerEpoch: 1n })))).toEqual([
      { to: 3, state: L, leader: 2n, zxid: 6n, electionEpoch: 1n, peerEpoch: 1n, config: verifier.toString() },
    ]);
    expect(m.getVote()).toEqual(new Vote(2n, 6n, -1n, 1n));
  });

  it('answers the first worse vote of its round from a voter with its proposal, and only the first', () => {
    const m = fle(3);
    m.lookForLeader({ lastLoggedZxid: 5n, currentEpoch: 1n });
    const first = m.onNotification(note(1, 1, { zxid: 5n, peerEpoch: 1n }));
    expect(sends(first)).toEqual([{ to: 1, state: L, leader: 3n, zxid: 5n, electionEpoch: 1n, peerEpoch: 1n, config: verifier.toString() }]);
    // Its vote is in recvset now: the same vote again, or another worse one, is not answered.
    expect(sends(m.onNotification(note(1, 1, { zxid: 5n, peerEpoch: 1n })))).toEqual([]);
    expect(sends(m.onNotification(note(1, 2, { zxid: 4n, peerEpoch: 1n })))).toEqual([]);
    // A vote equal to ours is agreement, not news to its sender.
    expect(sends(m.onNotification(note(2, 3, { zxid: 5n, peerEpoch: 1n })))).toEqual([]);
  });

  it('does not answer worse votes outside a round, nor its own looped-back vote', () => {
    const m = fle(3);
    // Not looking yet: the vote waits for the round, which notifies everyone anyway.
    expect(sends(m.onNotification(note(1, 1)))).toEqual([]);
    const start = m.lookForLeader({ lastLoggedZxid: 5n, currentEpoch: 1n });
    expect(sends(start).map((s) => s.to)).toEqual([1, 2, 3]);
    expect(sends(m.onNotification(note(3, 3, { zxid: 5n, peerEpoch: 1n })))).toEqual([]);
  });

  it('jumps to a later round, weighing the sender against its own initial vote', () => {
    const m = fle(3);
    m.lookForLeader({ lastLoggedZxid: 5n, currentEpoch: 1n });
    m.onNotification(note(2, 2, { zxid: 9n, peerEpoch: 1n })); // adopt 2 in round 1
    const out = m.onNotification(note(1, 1, { zxid: 1n, peerEpoch: 1n, electionEpoch: 4n }));
    expect(m.logicalClock).toBe(4n);
    expect(m.getVote().id).toBe(3n); // back to itself: it beats 1, and round 1's votes are gone
    expect(m.receivedVotes.size).toBe(1);
    expect(sends(out).every((s) => s.electionEpoch === 4n && s.leader === 3n)).toBe(true);
  });

  it("ignores a looking peer's older round but tells it the current one", () => {
    const m = fle(1);
    m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n });
    m.onNotification(note(2, 2, { electionEpoch: 3n }));
    const out = m.onNotification(note(3, 3, { electionEpoch: 1n, zxid: 99n }));
    expect(sends(out)).toEqual([{ to: 3, state: L, leader: 2n, zxid: 0n, electionEpoch: 3n, peerEpoch: 0n, config: verifier.toString() }]);
    expect([...m.receivedVotes.keys()]).toEqual([2]);
  });

  it('takes no vote from a peer with zxid -1, nor any while its own zxid is -1', () => {
    const m = fle(1);
    m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n });
    m.onNotification(note(2, 2, { zxid: -1n }));
    expect(m.receivedVotes.size).toBe(0);
    const n = fle(1);
    n.lookForLeader({ lastLoggedZxid: -1n, currentEpoch: 0n });
    n.onNotification(note(2, 2, { zxid: 5n }));
    expect(n.receivedVotes.size).toBe(0);
  });

  it('on a quorum waits finalizeWait for a better vote, then decides', () => {
    const m = fle(1);
    m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n });
    m.onNotification(note(3, 3));
    const out = m.onNotification(note(1, 3)); // its own vote, looped back
    expect(decided(out)).toBeUndefined();
    const t = lastTimer(out);
    expect(t.delayMs).toBe(200);
    const end = m.onTimeout(t.seq);
    expect(decided(end)?.outcome).toEqual({ vote: new Vote(3n, 0n, 1n, 0n), state: ServerState.FOLLOWING, voteSet: undefined });
    expect(m.peerState).toBe(ServerState.FOLLOWING);
    expect(m.currentVote).toEqual(new Vote(3n, 0n, 1n, 0n));
  });

  it('reopens the round for a better vote during finalizeWait; a worse one only restarts the wait', () => {
    const m = fle(1);
    m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n });
    m.onNotification(note(2, 2));
    m.onNotification(note(1, 2));
    const worse = m.onNotification(note(1, 1));
    expect(sends(worse)).toEqual([]);
    expect(lastTimer(worse).delayMs).toBe(200);
    const better = m.onNotification(note(3, 3));
    expect(m.getVote().id).toBe(3n);
    expect(sends(better)).toHaveLength(3);
  });

  it('a leader hands over the votes that elected it', () => {
    const m = fle(3);
    m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n });
    m.onNotification(note(1, 3));
    const out = m.onNotification(note(3, 3));
    const end = decided(m.onTimeout(lastTimer(out).seq))!.outcome;
    expect(end.state).toBe(ServerState.LEADING);
    expect(end.voteSet?.ackSets()).toEqual([new Set([1, 3])]);
  });

  it('backs off exponentially up to maxNotificationInterval, re-notifying each time', () => {
    const m = fle(1);
    let t = lastTimer(m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }));
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const out = m.onTimeout(t.seq);
      expect(sends(out)).toHaveLength(3);
      t = lastTimer(out);
      delays.push(t.delayMs);
    }
    expect(delays).toEqual([400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000, 60000, 60000]);
  });

  it('ignores stale timers', () => {
    const m = fle(1);
    const first = lastTimer(m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }));
    m.onNotification(note(2, 2));
    expect(m.onTimeout(first.seq)).toEqual([]);
  });

  it('answers an observer at once and never counts it', () => {
    const m = fle(1);
    m.lookForLeader({ lastLoggedZxid: 7n, currentEpoch: 2n });
    const out = m.onNotification(note(4, 4, { zxid: 99n, peerEpoch: 9n }));
    expect(sends(out)).toEqual([{ to: 4, state: L, leader: 1n, zxid: 7n, electionEpoch: 1n, peerEpoch: 2n, config: verifier.toString() }]);
    expect(m.receivedVotes.size).toBe(0);
    expect(m.getVote().id).toBe(1n);
  });

  it('ignores votes for a non-voter', () => {
    const m = fle(1);
    m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n });
    m.onNotification(note(2, 4, { zxid: 99n }));
    expect(m.receivedVotes.size).toBe(0);
  });

  it('out of election, answers a looking voter with the vote it follows and reports it', () => {
    const m = fle(1);
    m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n });
    m.onNotification(note(3, 3));
    const t = lastTimer(m.onNotification(note(1, 3)));
    m.onTimeout(t.seq);
    m.updateElectionVote(1n); // the leader's epoch became final
    const out = m.onNotification(note(2, 2, { electionEpoch: 5n }));
    expect(out).toContainEqual({ type: 'event', event: { kind: 'lookingPeer', sid: 2 } });
    expect(sends(out)).toEqual([
      { to: 2, state: ServerState.FOLLOWING, leader: 3n, zxid: 0n, electionEpoch: 1n, peerEpoch: 1n, config: verifier.toString() },
    ]);
    expect(m.onNotification(note(2, 3, { state: ServerState.FOLLOWING }))).toEqual([]);
  });

  it('joins an established leader once a quorum follows it and it says it leads', () => {
    const m = fle(1);
    m.lookForLeader({ lastLoggedZxid: 0x500000000n, currentEpoch: 5n }); // better data than the leader: no matter
    const following = note(2, 3, { state: ServerState.FOLLOWING, electionEpoch: 8n, zxid: 0x300000001n, peerEpoch: 3n });
    expect(decided(m.onNotification(following))).toBeUndefined();
    const leading = { ...following, sid: 3, state: ServerState.LEADING };
    const out = decided(m.onNotification(leading));
    expect(out?.outcome.state).toBe(ServerState.FOLLOWING);
    expect(out?.outcome.vote).toEqual(new Vote(3n, 0x300000001n, 8n, 3n));
    expect(m.logicalClock).toBe(8n);
  });

  it('does not follow a quorum of followers whose leader has not said it leads', () => {
    const m = fle(1);
    m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n });
    m.onNotification(note(2, 3, { state: ServerState.FOLLOWING, electionEpoch: 8n }));
    expect(decided(m.onNotification(note(1, 3, { state: ServerState.FOLLOWING, electionEpoch: 8n })))).toBeUndefined();
  });

  it('keeps notifications that arrive before its round for the round', () => {
    const m = fle(1);
    expect(m.onNotification(note(3, 3))).toEqual([]);
    const out = m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n });
    expect(m.getVote().id).toBe(3n);
    expect(sends(out).filter((s) => s.leader === 3n)).toHaveLength(3);
  });

  it('reports a newer configuration seen while looking', () => {
    const m = fle(1);
    m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n });
    const cfg = verifier.toString().replace(/version=0$/, 'version=2');
    expect(m.onNotification(note(2, 2, { config: cfg }))).toContainEqual({ type: 'event', event: { kind: 'newerConfig', sid: 2, config: cfg, version: 2n } });
  });

  it('as an observer proposes nobody and ends up OBSERVING', () => {
    const m = fle(4, LearnerType.OBSERVER);
    const out = m.lookForLeader({ lastLoggedZxid: 9n, currentEpoch: 9n });
    expect(sends(out).map((s) => [s.to, s.leader, s.zxid, s.peerEpoch])).toEqual([1, 2, 3].map((to) => [to, LONG_MIN, LONG_MIN, LONG_MIN]));
    m.onNotification(note(2, 3, { state: ServerState.FOLLOWING }));
    const end = decided(m.onNotification(note(3, 3, { state: ServerState.LEADING })));
    expect(end?.outcome.state).toBe(ServerState.OBSERVING);
  });

  it('does nothing once shut down', () => {
    const m = fle(1);
    const t = lastTimer(m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }));
    m.shutdown();
    expect(m.onNotification(note(2, 2))).toEqual([]);
    expect(m.onTimeout(t.seq)).toEqual([]);
    expect(m.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n })).toEqual([]);
  });
});
