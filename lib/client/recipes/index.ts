export { Lock } from './lock';
export { LeaderLatch } from './leader-latch';
export { Barrier, DoubleBarrier } from './barrier';
export { DistributedQueue } from './queue';
export { ensurePath, sequenceOf, sortBySequence } from './sequential-nodes';
