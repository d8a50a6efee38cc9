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
