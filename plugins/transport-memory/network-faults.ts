/**
 * What the simulated network does to messages. Election messages may be lost,
 * duplicated, delayed and (if told) reordered; quorum connections are reliable streams
 * and only see latency — their failures come from partitions and crashes.
 */
export interface NetworkFaults {
  /** Chance that an election message is lost. */
  drop: number;
  /** Chance that an election message is delivered twice. */
  duplicate: number;
  /** Let a later election message between the same pair overtake an earlier one. */
  reorder: boolean;
  /** One-way delay in ms, uniform in [min, max], for every message and stream chunk. */
  latency: readonly [number, number];
}

export const NO_FAULTS: NetworkFaults = { drop: 0, duplicate: 0, reorder: false, latency: [1, 1] };

/** A test's say over one election message: deliver as usual, drop it, or delay it more. */
export type MessageVerdict = 'deliver' | 'drop' | { delayMs: number };

export interface ElectionMessageEvent {
  readonly from: number;
  readonly to: number;
  readonly data: Buffer;
  readonly at: number;
}

/** Inspects (and may overrule) every election message before faults apply. */
export type ElectionMessageHook = (e: ElectionMessageEvent) => MessageVerdict;
