import type { ServerConfig } from './server-config';

/**
 * A ZooKeeper system property given in zoo.cfg or with -D, with or without its
 * `zookeeper.` prefix (zoolab keeps keys it has no field for in config.raw).
 */
export function systemProperty(c: Pick<ServerConfig, 'raw'>, name: string): string | undefined {
  return c.raw.get(`zookeeper.${name}`) ?? c.raw.get(name);
}
