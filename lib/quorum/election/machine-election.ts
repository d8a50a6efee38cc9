import { Observable, Subject, type Subscriber, type Subscription } from 'rxjs';
import type { Clock } from '../../core/clock';
import type { ServerState, Vote } from '../vote';
import type { Election, ElectionEvent, ElectionOutcome, ElectionPacket, PeerElectionState } from './election';
import type { ElectionAction, ElectionCodec, ElectionMachine } from './election-machine';

/**
 * Drives a pure ElectionMachine as an Election: decodes packets, runs timers on the Clock,
 * loops self-addressed messages back (as QuorumCnxManager does, never onto the network),
 * and hands each round's outcome to its subscriber. Inputs are processed one at a time,
 * in arrival order, even when a subscriber answers synchronously.
 */
export class MachineElection<In, Out> implements Election {
  private readonly outbound = new Subject<ElectionPacket>();
  private readonly events = new Subject<ElectionEvent>();
  private readonly work: (() => ElectionAction<Out>[])[] = [];
  private draining = false;
  private timer: Subscription | null = null;
  private round: Subscriber<ElectionOutcome> | null = null;
  private stopped = false;
  readonly events$ = this.events.asObservable();

  constructor(
    private readonly myId: number,
    readonly machine: ElectionMachine<In, Out>,
    private readonly codec: ElectionCodec<In, Out>,
    private readonly clock: Clock,
  ) {}

  get peerState(): ServerState {
    return this.machine.peerState;
  }

  get currentVote(): Vote | null {
    return this.machine.currentVote;
  }

  connect(inbound: Observable<ElectionPacket>): Observable<ElectionPacket> {
    return new Observable<ElectionPacket>((subscriber) => {
      const out = this.outbound.subscribe(subscriber);
      const inSub = inbound.subscribe({ next: (p) => this.receive(p.sid, p.data) });
      return () => {
        inSub.unsubscribe();
        out.unsubscribe();
      };
    });
  }

  lookForLeader(state: PeerElectionState): Observable<ElectionOutcome> {
    return new Observable<ElectionOutcome>((subscriber) => {
      if (this.stopped) {
        subscriber.complete();
        return;
      }
      if (this.round !== null) {
        subscriber.error(new Error(`server ${this.myId} is already looking for a leader`));
        return;
      }
      this.round = subscriber;
      this.run(() => this.machine.lookForLeader(state));
      return () => {
        if (this.round !== subscriber) return;
        this.round = null;
        this.cancelTimer();
        this.machine.abandon();
      };
    });
  }

  updateElectionVote(newEpoch: bigint): void {
    this.machine.updateElectionVote(newEpoch);
  }

  shutdown(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.machine.shutdown();
    this.cancelTimer();
    const r = this.round;
    this.round = null;
    r?.complete();
    this.events.complete();
  }

  private receive(sid: number, data: Buffer): void {
    if (this.stopped) return;
    let message: In;
    try {
      message = this.codec.decode(data, sid);
    } catch (error) {
      this.events.next({ kind: 'malformed', sid, error: error as Error });
      return;
    }
    this.run(() => this.machine.onMessage(message));
  }

  private run(step: () => ElectionAction<Out>[]): void {
    this.work.push(step);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.work.shift(); next; next = this.work.shift()) {
        for (const a of next()) this.execute(a);
      }
    } finally {
      this.draining = false;
    }
  }

  private execute(a: ElectionAction<Out>): void {
    switch (a.type) {
      case 'send': {
        const data = this.codec.encode(a.message);
        if (a.to === this.myId) this.clock.schedule(() => this.receive(this.myId, data), 0);
        else this.outbound.next({ sid: a.to, data });
        break;
      }
      case 'schedule':
        this.cancelTimer();
        this.timer = this.clock.schedule(() => {
          this.timer = null;
          this.run(() => this.machine.onTimeout(a.seq));
        }, a.delayMs);
        break;
      case 'decided': {
        this.cancelTimer();
        const r = this.round;
        this.round = null;
        r?.next(a.outcome);
        r?.complete();
        break;
      }
      case 'event':
        this.events.next(a.event);
        break;
    }
  }

  private cancelTimer(): void {
    this.timer?.unsubscribe();
    this.timer = null;
  }
}
