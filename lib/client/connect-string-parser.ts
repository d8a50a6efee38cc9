import { InvalidPathError, validatePath } from '../data/path-utils';
import { InvalidConnectStringError } from './errors';

export interface HostAddress {
  readonly host: string;
  readonly port: number;
}

export interface ParsedConnectString {
  readonly servers: HostAddress[];
  /** The chroot suffix ("/app"), or null for none (a bare "/" counts as none). */
  readonly chrootPath: string | null;
}

const DEFAULT_PORT = 2181;

/**
 * ConnectStringParser: "host1:2181,host2:2182,[::1]:2183/chroot". Hosts without a port
 * get 2181; IPv6 literals go in brackets; empty entries are skipped (StringUtils.split);
 * the chroot is everything from the first "/" and must be a valid path.
 */
export function parseConnectString(connectString: string): ParsedConnectString {
  if (typeof connectString !== 'string') {
    throw new InvalidConnectStringError(`connect string must be a string, got ${typeof connectString}`);
  }
  let hostsPart = connectString;
  let chrootPath: string | null = null;
  const off = connectString.indexOf('/');
  if (off >= 0) {
    const chroot = connectString.substring(off);
    if (chroot.length > 1) {
      try {
        validatePath(chroot);
      } catch (e) {
        if (e instanceof InvalidPathError) throw new InvalidConnectStringError(`invalid chroot ${JSON.stringify(chroot)}: ${e.message}`);
        throw e;
      }
      chrootPath = chroot;
    }
    hostsPart = connectString.substring(0, off);
  }
  const servers: HostAddress[] = [];
  for (const raw of hostsPart.split(',')) {
    const entry = raw.trim();
    if (entry.length === 0) continue;
    servers.push(parseHostPort(entry));
  }
  if (servers.length === 0) {
    throw new InvalidConnectStringError(`connect string ${JSON.stringify(connectString)} names no server`);
  }
  return { servers, chrootPath };
}

function parseHostPort(entry: string): HostAddress {
  if (entry.startsWith('[')) {
    // NetUtils.getIPV6HostAndPort
    const close = entry.lastIndexOf(']');
    if (close < 0) throw new InvalidConnectStringError(`${entry} starts with '[' but has no matching ']'`);
    const host = entry.substring(1, close);
    if (host.length === 0) throw new InvalidConnectStringError(`${entry}: the host in brackets is empty`);
    if (entry.length === close + 1) return { host, port: DEFAULT_PORT };
    if (entry.charAt(close + 1) !== ':') throw new InvalidConnectStringError(`${entry} does not have : after ]`);
    if (close + 2 === entry.length) throw new InvalidConnectStringError(`${entry} doesn't have a port after colon.`);
    return { host, port: parsePort(entry.substring(close + 2), entry) };
  }
  const colon = entry.lastIndexOf(':');
  if (colon < 0) return { host: entry, port: DEFAULT_PORT };
  // "host:" (colon at the end) keeps the default port, as Java does.
  const port = colon < entry.length - 1 ? parsePort(entry.substring(colon + 1), entry) : DEFAULT_PORT;
  const host = entry.substring(0, colon);
  if (host.length === 0) throw new InvalidConnectStringError(`${entry}: empty host`);
  return { host, port };
}

function parsePort(s: string, entry: string): number {
  if (!/^\d+$/.test(s)) throw new InvalidConnectStringError(`${entry}: port ${JSON.stringify(s)} is not a number`);
  const port = Number(s);
  if (port < 0 || port > 65535) throw new InvalidConnectStringError(`${entry}: port ${port} is out of range`);
  return port;
}
