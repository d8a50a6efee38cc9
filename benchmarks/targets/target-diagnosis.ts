import { statfsSync } from 'node:fs';

/**
 * When a run fails, "a session failed: read ECONNRESET" says what the client saw, not why.
 * A started server's own output usually says why (a full disk, an exhausted heap), so the
 * failure names whether the server is still running and the last line of its output that
 * reads like an error.
 */

/** Lines a server writes when something went wrong: pino's error and fatal levels, Java's ERROR and OOM, errno names. */
const ERROR_LINE = /"level":(50|60)\b|\bERROR\b|\bFATAL\b|OutOfMemoryError|heap out of memory|\bENOSPC\b|\bEMFILE\b|\bENOMEM\b|No space left/;

const MAX_LINE = 300;

/** The exit reason (if the process ended) and the last error-like output line, or null when neither. */
export function diagnosis(exited: string | null, output: string): string | null {
  const lines = output.split('\n').filter((l) => ERROR_LINE.test(l));
  const last = lines.length > 0 ? lines[lines.length - 1].trim() : null;
  const parts: string[] = [];
  if (exited) parts.push(exited);
  if (last) parts.push(`its last error: ${last.length > MAX_LINE ? `${last.slice(0, MAX_LINE)}…` : last}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

/** Free space (GB, one decimal) on the filesystem holding `dir`, or null where statfs is not available. */
export function freeDiskGb(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return Math.round((Number(s.bavail) * Number(s.bsize)) / 1e8) / 10;
  } catch {
    return null;
  }
}
