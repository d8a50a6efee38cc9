export * from './election';
export * from './election-machine';
export * from './machine-election';
export * from './notification';
export * from './total-order-predicate';
export * from './vote-tracking';
export * from './fast-leader-election';
export * from './fast-leader-election-factory';
