import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * ZooKeeperServer.getDirSize: the bytes of every file below `dir`, read synchronously as
 * Java's File.listFiles walk is (it answers a four-letter word, not a request). A
 * directory that is missing or vanishes mid-walk counts what was found.
 */
export function dirSizeSync(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    try {
      total += e.isDirectory() ? dirSizeSync(p) : statSync(p).size;
    } catch {
      // removed meanwhile (a purge): not there any more
    }
  }
  return total;
}
