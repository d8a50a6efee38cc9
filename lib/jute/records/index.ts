export * from './data';
export * from './proto';
export * from './txn';
export * from './persistence';
export * from './quorum';
