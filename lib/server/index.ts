import 'reflect-metadata';
import type { Container, ContainerModule } from 'inversify';
import { CLOCK, type Clock } from '../core/clock';
import { createNodeContainer } from '../core/container';
import { LOGGER, type Logger } from '../core/logger';
import { ConfigError } from '../config/config-error';
import { defaultServerConfig, SERVER_CONFIG, type ServerConfig } from '../config/server-config';
import { systemProperty } from '../config/system-property';
import { RANDOM } from '../core/random';
import { DATA_PURGER } from '../persistence/snapshot-purge';
import { SNAPSHOT_STORE } from '../persistence/snapshot-store';
import { TXN_LOG } from '../persistence/txn-log';
import { CLIENT_TRANSPORT } from '../transport/client-transport';
import type { FourLetterWordHandler } from './four-letter-word-hook';
import { FourLetterWords } from './four-letter-words';
import { ZooKeeperServer, type ZooKeeperServerOptions } from './zookeeper-server';

export { ZooKeeperServer } from './zookeeper-server';
export { systemProperty } from '../config/system-property';
export type { ZooKeeperServerOptions } from './zookeeper-server';
export type { FourLetterWordHandler, FourLetterWordConnection } from './four-letter-word-hook';
export { standaloneChain, prep, sync, final, type ChainFactory, type Processor } from './processors/chain';

export interface StandaloneServerOptions {
  /**
   * ContainerModules binding TXN_LOG and CLIENT_TRANSPORT (and anything else). lib/ does
   * not pick them: plugins/defaults.ts has defaultStandalonePlugins().
   */
  plugins?: ContainerModule[];
  /** A parent container (a simulation's shared world: virtual clock, memory network). */
  parent?: Container;
  logger?: Logger;
  clock?: Clock;
  seed?: number;
  /**
   * Four-letter words; by default ZooKeeper's, limited to config.fourLetterWordWhitelist.
   * null turns them off (the first four bytes are then always a length).
   */
  fourLetterWords?: FourLetterWordHandler | null;
  /** Anything else ZooKeeperServer takes (chain, limits). */
  server?: Partial<Omit<ZooKeeperServerOptions, 'config' | 'clock' | 'logger' | 'txnLog' | 'persistence'>>;
}

/** A running standalone server. */
export interface StandaloneServer {
  readonly server: ZooKeeperServer;
  readonly container: Container;
  /** The client address actually bound (port 0 in the config picks a free one). */
  readonly address: { host: string; port: number };
  readonly host: string;
  readonly port: number;
  /** Closes the client port and every connection, drains the chain, closes the log. */
  close(): Promise<void>;
}


function booleanProperty(c: ServerConfig, name: string, dflt: boolean): boolean {
  const v = systemProperty(c, name);
  if (v === undefined) return dflt;
  // Java's Boolean.parseBoolean: "true" in any case is true, anything else false.
  return v.trim().toLowerCase() === 'true';
}

/** Fills in ZooKeeper's defaults and rejects values a server cannot run with. */
export function standaloneConfig(partial: Partial<ServerConfig>): ServerConfig {
  const c: ServerConfig = { ...defaultServerConfig(), ...partial };
  const positive = (key: keyof ServerConfig & string, v: number) => {
    if (!Number.isFinite(v) || v <= 0) throw ConfigError.badValue(key, String(v), 'must be a positive number');
  };
  positive('tickTime', c.tickTime);
  positive('juteMaxBuffer', c.juteMaxBuffer);
  positive('containerCheckIntervalMs', c.containerCheckIntervalMs);
  positive('containerMaxPerMinute', c.containerMaxPerMinute);
  if (!Number.isInteger(c.clientPort) || c.clientPort < 0 || c.clientPort > 65535) {
    throw ConfigError.badValue('clientPort', String(c.clientPort), 'is not a port number');
  }
  if (c.maxClientCnxns < 0) throw ConfigError.badValue('maxClientCnxns', String(c.maxClientCnxns), 'must not be negative');
  return c;
}

/**
 * Starts a standalone server: builds the node's container (core services, then the
 * plugins), restores the database from the SnapshotStore and TxnLog (when a plugin binds
 * SNAPSHOT_STORE; else from the log alone), takes a snapshot, starts the chain, autopurge
 * (with a DATA_PURGER and autopurge.purgeInterval) and listens for clients. For example, with the default plugins:
 *
 *     const s = await startStandaloneServer({ clientPort: 0 }, { plugins: defaultStandalonePlugins() });
 *     // … s.port …
 *     await s.close();
 */
export async function startStandaloneServer(
  config: Partial<ServerConfig>,
  opts: StandaloneServerOptions = {},
): Promise<StandaloneServer> {
  const cfg = standaloneConfig(config);
  const container = createNodeContainer({
    config: cfg,
    configToken: SERVER_CONFIG as symbol,
    plugins: opts.plugins,
    parent: opts.parent,
    clock: opts.clock,
    logger: opts.logger,
    seed: opts.seed,
  });
  for (const [token, what] of [
    [TXN_LOG, 'a TxnLog (TXN_LOG)'],
    [CLIENT_TRANSPORT, 'a client transport (CLIENT_TRANSPORT)'],
  ] as const) {
    if (!container.isBound(token)) {
      throw new Error(`no plugin binds ${what}: pass plugins, e.g. defaultStandalonePlugins() from plugins/defaults`);
    }
  }
  const server = new ZooKeeperServer({
    ...opts.server,
    config: cfg,
    clock: container.get(CLOCK),
    logger: container.get(LOGGER),
    // Async: a file log opens (and scans) its newest file on first resolution.
    txnLog: await container.getAsync(TXN_LOG),
    persistence: {
      snapshots: container.isBound(SNAPSHOT_STORE) ? await container.getAsync(SNAPSHOT_STORE) : null,
      purger: container.isBound(DATA_PURGER) ? await container.getAsync(DATA_PURGER) : undefined,
      trustEmptySnapshot: booleanProperty(cfg, 'snapshot.trust.empty', false),
      autoCreateDB: booleanProperty(cfg, 'db.autocreate', true),
    },
    random: container.get(RANDOM).fork('SyncRequestProcessor'),
    fourLetterWords:
      opts.fourLetterWords === null
        ? undefined
        : (opts.fourLetterWords ?? opts.server?.fourLetterWords ?? new FourLetterWords({ whitelist: cfg.fourLetterWordWhitelist })),
  });
  let address: { host: string; port: number };
  try {
    await server.startup();
    address = await server.listen(container.get(CLIENT_TRANSPORT));
  } catch (e) {
    // A log that does not restore, a port in use: release what was opened, then report.
    await server.shutdown().catch(() => undefined);
    throw e;
  }
  return {
    server,
    container,
    address,
    host: address.host,
    port: address.port,
    close: () => server.shutdown(),
  };
}
