import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error';

/**
 * Reads `<dataDir>/myid`: this server's id in the ensemble, a decimal number on the first
 * line (QuorumPeerConfig.setupMyId). Returns null when the file does not exist; a file that
 * cannot be read or does not hold a number is an error naming the path.
 */
export function loadMyId(dataDir: string): number | null {
  const path = join(dataDir, 'myid');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`, 'myid', undefined, path);
  }
  const first = text.split(/\r?\n/)[0].trim();
  if (!/^\d+$/.test(first) || !Number.isSafeInteger(Number(first))) {
    throw new ConfigError(`myid: ${JSON.stringify(first)} is not a server id (a non-negative number)`, 'myid', first, path);
  }
  return Number(first);
}
