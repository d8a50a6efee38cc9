import type { PeerElectionState, ElectionEvent, ElectionOutcome } from './election';
import type { ServerState, Vote } from '../vote';

/** What a pure election core asks its driver to do. */
export type ElectionAction<Out> =
  | { type: 'send'; to: number; message: Out }
  /** Arm the (single) timer; it replaces any armed before. `seq` comes back in onTimeout. */
  | { type: 'schedule'; delayMs: number; seq: number }
  | { type: 'decided'; outcome: ElectionOutcome }
  | { type: 'event'; event: ElectionEvent };

/**
 * An election strategy's protocol core: no IO, no clock, no randomness of its own (a
 * strategy that needs chance takes a Random at construction). Messages and timer firings
 * go in, actions come out, so a test drives it by hand and a simulation replays it.
 */
export interface ElectionMachine<In, Out> {
  readonly peerState: ServerState;
  readonly currentVote: Vote | null;
  lookForLeader(state: PeerElectionState): ElectionAction<Out>[];
  onMessage(message: In): ElectionAction<Out>[];
  /** A timer armed with `seq` fired; stale firings are ignored. */
  onTimeout(seq: number): ElectionAction<Out>[];
  /** Leaves the current round undecided; the peer stays LOOKING. */
  abandon(): void;
  updateElectionVote(newEpoch: bigint): void;
  shutdown(): void;
}

/** A strategy's wire format. decode throws a typed error on bad bytes. */
export interface ElectionCodec<In, Out> {
  encode(message: Out): Buffer;
  decode(data: Buffer, sid: number): In;
}
