import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The ZooKeeper release whose wire protocol and answers zoolab follows. */
export const ZOOKEEPER_VERSION = '3.8.0';

let cached: string | null = null;

/**
 * Version.getFullVersion() for zoolab: "3.8.0-zoolab-<package version>, built on <date>".
 * It starts with the ZooKeeper version because clients read it (kazoo's server_version
 * takes the leading digits of envi's zookeeper.version). "Built on" is when this module
 * was compiled (its file's modification time), in Java's "yyyy-MM-dd HH:mm" UTC form.
 */
export function fullVersion(): string {
  if (cached === null) cached = `${ZOOKEEPER_VERSION}-zoolab-${packageVersion()}, built on ${buildDate()}`;
  return cached;
}

function packageVersion(): string {
  // lib/server/four-letter-words → package root is three levels up, four from dist/.
  for (const up of ['../../..', '../../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'zoolab' && pkg.version) return pkg.version;
    } catch {
      /* try the next layout */
    }
  }
  return 'unknown';
}

function buildDate(): string {
  try {
    const iso = statSync(__filename).mtime.toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  } catch {
    return 'unknown';
  }
}
