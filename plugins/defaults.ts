import type { ContainerModule } from 'inversify';
import type { ServerConfig } from '../lib/config/server-config';
import { startStandaloneServer, type StandaloneServer, type StandaloneServerOptions } from '../lib/server';
import { storageFileModule } from './storage-file';
import { storageMemoryModule, type StorageMemoryOptions } from './storage-memory';
import { transportTcpModule, type TcpTransportOptions } from './transport-tcp';

export interface DefaultPluginOptions {
  /**
   * The server's configuration: with a dataLogDir (or dataDir) the txn log goes to files
   * there (storage-file); without one it stays in memory.
   */
  config?: Partial<ServerConfig>;
  /** Options of the in-memory log (used when the config names no directory). */
  storage?: StorageMemoryOptions;
  tcp?: TcpTransportOptions;
}

/**
 * The plugins a standalone server runs with unless told otherwise: the client port over
 * TCP, and the txn log in files when the config names a directory, in memory when not.
 * lib/ never imports plugins, so the choice lives here.
 */
export function defaultStandalonePlugins(opts: DefaultPluginOptions = {}): ContainerModule[] {
  const cfg = opts.config ?? {};
  const logDir = cfg.dataLogDir ?? cfg.dataDir ?? null;
  const storage =
    logDir !== null && !opts.storage?.txnLog
      ? storageFileModule({
          dataLogDir: logDir,
          dataDir: cfg.dataDir ?? undefined,
          // zoo.cfg's preAllocSize is in KiB.
          preAllocSize: cfg.preAllocSize !== undefined ? cfg.preAllocSize * 1024 : undefined,
          forceSync: cfg.forceSync,
        })
      : storageMemoryModule(opts.storage);
  return [storage, transportTcpModule(opts.tcp)];
}

/** startStandaloneServer with defaultStandalonePlugins(config) unless plugins are given. */
export function startDefaultStandaloneServer(
  config: Partial<ServerConfig>,
  opts: StandaloneServerOptions & Omit<DefaultPluginOptions, 'config'> = {},
): Promise<StandaloneServer> {
  return startStandaloneServer(config, { ...opts, plugins: opts.plugins ?? defaultStandalonePlugins({ ...opts, config }) });
}
