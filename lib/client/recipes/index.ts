export { Lock, LockHandle } from './lock';
export { type AcquireOptions, type LockEvent, type LockLostReason, type LockOptions } from './lock-internals';
export { ReadWriteLock } from './read-write-lock';
export { LeaderLatch, type LeaderLatchState } from './leader-latch';
export {
  LeaderSelector,
  nextLeadership,
  type LeaderSelectorOptions,
  type LeaderSelectorEvent,
  type LeadershipCancelReason,
  type LeadershipContext,
  type Participant,
  type TakeLeadership,
} from './leader-selector';
export { SharedCount, encodeCount, decodeCount, type VersionedValue } from './shared-count';
export { DistributedAtomicLong, encodeLong, decodeLong, type AtomicValue, type AtomicLongOptions } from './atomic-long';
export { Barrier, DoubleBarrier } from './barrier';
export { DistributedQueue } from './queue';
export { connectionStates, isFinal, isLost, type ConnectionState, type ConnectionStateChange, type ConnectionStateOptions, type LostReason } from './connection-state';
export { deleteGuaranteed, ensurePath, sequenceOf, sortBySequence, untilConnected } from './sequential-nodes';
