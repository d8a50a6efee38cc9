import { fourLetterWord, versionLine } from './process-util';
import type { Target } from './target';

/**
 * A server the suite did not start, given as host:port: it is measured as it is
 * configured, and the report says the suite does not know those settings.
 */
export function parseHostPort(spec: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(spec.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--target wants host:port (e.g. 127.0.0.1:2181), not ${JSON.stringify(spec)}`);
  }
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

export async function externalTarget(spec: string): Promise<Target> {
  const { host, port } = parseHostPort(spec);
  let version = 'unknown (srvr not answered)';
  try {
    version = versionLine(await fourLetterWord(host, port, 'srvr', 2000)) ?? version;
  } catch {
    /* a server may forbid four-letter words; the load still runs */
  }
  return {
    kind: 'external',
    name: `${host}:${port}`,
    host,
    port,
    pid: null,
    dataDir: null,
    settings: { version, settings: 'as its operator configured it (not started by the suite)' },
    stop: async () => ({ cpuProfile: null }),
  };
}
