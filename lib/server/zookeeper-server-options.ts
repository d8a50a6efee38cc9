import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { ServerConfig } from '../config/server-config';
import type { Random } from '../core/random';
import type { DataPurger } from '../persistence/snapshot-purge';
import type { TxnLog } from '../persistence/txn-log';
import type { ProviderRegistry } from './auth/provider-registry';
import type { FourLetterWordHandler } from './four-letter-word-hook';
import type { ChainFactory } from './processors/chain';
import { treeOptionsOf, ZKDatabase, type ZKDatabaseStorage } from './zk-database';

export type ServerState = 'initial' | 'running' | 'error' | 'shutdown';

/** Java's ServerCnxn.me: the owner of every session held by this server's connections. */
export const SERVER_CNXN_ME = Symbol('ServerCnxn.me');

export interface ZooKeeperServerOptions {
  config: ServerConfig;
  clock: Clock;
  logger: Logger;
  txnLog: TxnLog;
  /** Snapshots and restore settings (without a store the whole log is replayed), and autopurge's purger. */
  persistence?: ZKDatabaseStorage & { purger?: DataPurger };
  /** Randomness for the snapshot spread (the container's RANDOM); without it a fixed seed. */
  random?: Random;
  fourLetterWords?: FourLetterWordHandler;
  authProviders?: ProviderRegistry;
  /** The top byte of session ids. Java's standalone server uses 1 (createSessionTrackerServerId). */
  sessionTrackerServerId?: number;
  /** The processor chain; defaults to standalone's [prep, sync, final]. */
  chain?: ChainFactory;
  /** zookeeper.nio.sessionlessCnxnTimeout (10 s). */
  sessionlessCnxnTimeout?: number;
  /** Requests one connection may have in the server before it stops being read (1000). */
  maxOutstandingPerCnxn?: number;
  /** Sync backlog (requests waiting for the log) past which clients stop being read. */
  syncHighWaterMark?: number;
  /**
   * A database to serve instead of a new one over `txnLog` (a quorum peer keeps one
   * ZKDatabase across its roles); such a database is not closed by shutdown().
   */
  zkDb?: ZKDatabase;
  /** Run the ContainerManager (default true; a quorum's learners leave it to the leader). */
  containerManager?: boolean;
}

/** The database a server serves: opts.zkDb, or a new one over opts.txnLog that the server owns. */
export function databaseOf(opts: ZooKeeperServerOptions): ZKDatabase {
  return (
    opts.zkDb ??
    new ZKDatabase(opts.txnLog, treeOptionsOf(opts.config, opts.logger), opts.logger, {
      now: () => opts.clock.now(),
      ...opts.persistence,
    })
  );
}
