import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerConfig } from '../../lib/config/server-config';
import { createLogger } from '../../lib/core/logger';
import { generateDigest, type JavaZooKeeperOptions } from './java-zookeeper';

/**
 * Starts an in-process zoolab standalone server (default plugins: TCP client port) with
 * the settings the Java target gets: tick, session bounds, super digest, container check
 * interval, TTL nodes on, every four-letter word.
 *
 * The server is loaded when a test starts it, not when the suite is loaded, so a broken or
 * missing server fails the zoolab tests with a clear message while the Apache ZooKeeper
 * half of every suite still runs.
 */
export interface ZoolabServerHandle {
  host: string;
  port: number;
  stop(): Promise<void>;
}

type Options = Omit<JavaZooKeeperOptions, 'extraConfig' | 'startTimeoutMs'>;
type Defaults = typeof import('../../plugins/defaults');
type FourLetterWordsModule = typeof import('../../lib/server/four-letter-words');

function load(): { defaults: Defaults; flw: FourLetterWordsModule } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const defaults = require('../../plugins/defaults') as Defaults;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const flw = require('../../lib/server/four-letter-words') as FourLetterWordsModule;
    if (typeof defaults.startDefaultStandaloneServer !== 'function') throw new Error('plugins/defaults exports no startDefaultStandaloneServer');
    return { defaults, flw };
  } catch (e) {
    throw new Error(`zoolab server not available: ${(e as Error).message}`);
  }
}

export async function startZoolabServer(opts: Options = {}): Promise<ZoolabServerHandle> {
  const { defaults, flw } = load();
  const dir = mkdtempSync(join(tmpdir(), 'zoolab-server-'));
  const tickTime = opts.tickTime ?? 200;
  const config: Partial<ServerConfig> = {
    tickTime,
    minSessionTimeout: opts.minSessionTimeout ?? tickTime * 2,
    maxSessionTimeout: opts.maxSessionTimeout ?? tickTime * 20,
    dataDir: join(dir, 'data'),
    dataLogDir: join(dir, 'data'),
    clientPort: 0,
    clientPortAddress: '127.0.0.1',
    fourLetterWordWhitelist: ['*'],
    extendedTypesEnabled: true,
    containerCheckIntervalMs: opts.containerCheckIntervalMs ?? 1000,
    superDigest: opts.superUser ? generateDigest(opts.superUser) : null,
  };
  try {
    const s = await defaults.startDefaultStandaloneServer(config, {
      fourLetterWords: new flw.FourLetterWords({ whitelist: ['*'] }),
      // Quiet unless asked (ZOOLAB_LOG_LEVEL=debug): interop failures are read from transcripts.
      logger: createLogger({ level: process.env.ZOOLAB_LOG_LEVEL ?? 'silent' }),
    });
    let stopped = false;
    return {
      host: s.host,
      port: s.port,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await s.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
