/**
 * zoolab's public API. Plugins (transports, storage, election strategies) are separate
 * entry points under dist/plugins/ so that the core never depends on them.
 */
export * from './core';
export * from './jute';
export * from './protocol';
export * from './config';
export * from './data';
export * from './server';
export * from './persistence/txn-log';
export * from './persistence/epoch-store';
export * from './persistence/file-io';
export * from './transport/client-transport';
export * from './quorum';
// The client's Watcher (a callback) differs from the server's; reach it as client.Watcher.
export * as client from './client';
export { ZooKeeper } from './client';
