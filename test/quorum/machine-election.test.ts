import { Subject, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { SeededRandom, type Clock } from '../../lib/core';
import type { ElectionEvent, ElectionOutcome, ElectionPacket } from '../../lib/quorum/election/election';
import { fastLeaderElection } from '../../lib/quorum/election/fast-leader-election-factory';
import { decodeNotification, encodeNotification } from '../../lib/quorum/election/notification';
import { QuorumMaj } from '../../lib/quorum/quorum-maj';
import { LearnerType, ServerState } from '../../lib/quorum/vote';
import { serverSpecs } from './election-sim';

const verifier = new QuorumMaj(serverSpecs([{ id: 1 }, { id: 2 }, { id: 3 }]));

function setup(myId = 1) {
  const clock = new VirtualTimeScheduler(VirtualAction, Infinity) as VirtualTimeScheduler & Clock;
  const election = fastLeaderElection()({ myId, learnerType: LearnerType.PARTICIPANT, verifier, clock, random: new SeededRandom(1) });
  const inbound = new Subject<ElectionPacket>();
  const out: ElectionPacket[] = [];
  const events: ElectionEvent[] = [];
  election.connect(inbound).subscribe((p) => out.push(p));
  election.events$.subscribe((e) => events.push(e));
  const run = (ms: number) => {
    clock.maxFrames = clock.frame + ms;
    clock.flush();
    clock.frame = clock.maxFrames;
  };
  return { clock, election, inbound, out, events, run };
}

const lookingVote = (leader: bigint, electionEpoch = 1n) =>
  encodeNotification({ state: ServerState.LOOKING, leader, zxid: 0n, electionEpoch, peerEpoch: 0n, config: verifier.toString() });

describe('an election as an RxJS flow', () => {
  it('sends to peers on the channel and loops messages to itself back inside', () => {
    const { election, out, run } = setup(1);
    election.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }).subscribe();
    run(0);
    expect(out.map((p) => p.sid)).toEqual([2, 3]);
    expect(decodeNotification(out[0].data, 1)).toMatchObject({ state: ServerState.LOOKING, leader: 1n, electionEpoch: 1n });
  });

  it('emits the outcome once, after finalizeWait on the clock, and completes', () => {
    const { election, inbound, run } = setup(1);
    const seen: ElectionOutcome[] = [];
    let done = false;
    election.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }).subscribe({ next: (o) => seen.push(o), complete: () => (done = true) });
    inbound.next({ sid: 3, data: lookingVote(3n) });
    run(199);
    expect(seen).toEqual([]);
    run(10);
    expect(seen.map((o) => [o.state, o.vote.id])).toEqual([[ServerState.FOLLOWING, 3n]]);
    expect(done).toBe(true);
    expect(election.peerState).toBe(ServerState.FOLLOWING);
  });

  it('retransmits on the notification timeout, backing off on the clock', () => {
    const { election, out, run } = setup(1);
    election.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }).subscribe();
    const at: number[] = [];
    let seen = 0;
    for (let t = 0; t < 3200; t += 100) {
      run(100);
      if (out.length > seen) at.push(t + 100);
      seen = out.length;
    }
    // At 0 (seen in the first 100 ms), then after 200, 400, 800 and 1600 ms of silence.
    expect(at).toEqual([100, 200, 600, 1400, 3000]);
  });

  it('drops malformed packets and says so on events$', () => {
    const { election, inbound, events } = setup(1);
    election.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }).subscribe();
    inbound.next({ sid: 2, data: Buffer.alloc(5) });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'malformed', sid: 2, error: { name: 'NotificationFormatError', code: 'short' } });
  });

  it('refuses a second round while one runs, and lets an unsubscribed round go', () => {
    const { election, inbound, run } = setup(1);
    const first = election.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }).subscribe();
    const errors: unknown[] = [];
    election.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }).subscribe({ error: (e) => errors.push(e) });
    expect(errors).toHaveLength(1);
    first.unsubscribe();
    inbound.next({ sid: 3, data: lookingVote(3n, 2n) });
    run(1000);
    expect(election.peerState).toBe(ServerState.LOOKING);
    const seen: ElectionOutcome[] = [];
    election.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }).subscribe((o) => seen.push(o));
    run(1000);
    // The vote for round 2 that came between rounds was kept for round 2.
    expect(seen.map((o) => o.vote.id)).toEqual([3n]);
  });

  it('stops on shutdown: the round completes without an outcome and nothing more is sent', () => {
    const { election, inbound, out, run } = setup(1);
    let done = false;
    const seen: ElectionOutcome[] = [];
    election.lookForLeader({ lastLoggedZxid: 0n, currentEpoch: 0n }).subscribe({ next: (o) => seen.push(o), complete: () => (done = true) });
    run(0);
    const sent = out.length;
    election.shutdown();
    inbound.next({ sid: 3, data: lookingVote(3n) });
    run(120_000);
    expect([done, seen, out.length]).toEqual([true, [], sent]);
  });
});
