import type { ContainerModule } from 'inversify';
import type { ServerConfig } from '../lib/config/server-config';
import type { SnapshotCompression } from '../lib/persistence/snapshot-names';
import { startStandaloneServer, systemProperty, type StandaloneServer, type StandaloneServerOptions } from '../lib/server';
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

/** zookeeper.snapshot.compression.method: SnapStream.StreamMode.fromString (unknown means none). */
export function snapshotCompressionOf(config: Partial<ServerConfig>): SnapshotCompression {
  const v = config.raw ? systemProperty(config as ServerConfig, 'snapshot.compression.method') : undefined;
  const m = (v ?? '').trim().toLowerCase();
  return m === 'gz' || m === 'snappy' ? m : 'none';
}

/**
 * zoolab.snapshotWorker (zoolab's own key, default no): "yes" / "true" has a standalone
 * server's periodic snapshots written by a worker thread (FileSnapshotStore.saveFromLog).
 */
export function snapshotWorkerOf(config: Partial<ServerConfig>): boolean {
  const v = config.raw?.get('zoolab.snapshotWorker');
  return ['yes', 'true'].includes((v ?? '').trim().toLowerCase());
}

/**
 * The plugins a standalone server runs with unless told otherwise: the client port over
 * TCP, and the txn log and snapshots in files when the config names a directory (the log
 * in dataLogDir, snapshots in dataDir; either defaults to the other), in memory when not.
 * lib/ never imports plugins, so the choice lives here.
 */
export function defaultStandalonePlugins(opts: DefaultPluginOptions = {}): ContainerModule[] {
  const cfg = opts.config ?? {};
  const logDir = cfg.dataLogDir ?? cfg.dataDir ?? null;
  const storage =
    logDir !== null && !opts.storage?.txnLog
      ? storageFileModule({
          dataLogDir: logDir,
          dataDir: cfg.dataDir ?? cfg.dataLogDir ?? undefined,
          // zoo.cfg's preAllocSize is in KiB.
          preAllocSize: cfg.preAllocSize !== undefined ? cfg.preAllocSize * 1024 : undefined,
          forceSync: cfg.forceSync,
          snapshotCompression: snapshotCompressionOf(cfg),
          snapshotWorker: snapshotWorkerOf(cfg),
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
