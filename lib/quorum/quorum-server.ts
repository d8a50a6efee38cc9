import type { QuorumServerSpec } from '../config/server-config';

/** QuorumServer.delimitedHostString: IPv6 literals go in brackets. */
function delimitedHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * QuorumPeer.QuorumServer.toString: `host:quorumPort:electionPort:type`, then
 * `;clientHost:clientPort` when the server line named a client address.
 */
export function quorumServerToString(s: QuorumServerSpec): string {
  let out = `${delimitedHost(s.host)}:${s.quorumPort}:${s.electionPort}:${s.type}`;
  if (s.clientPort !== undefined) out += `;${delimitedHost(s.clientHost ?? '0.0.0.0')}:${s.clientPort}`;
  return out;
}

/** The server.N lines every verifier's toString starts with, in id order. */
export function serverLines(members: ReadonlyMap<number, QuorumServerSpec>): string {
  let out = '';
  for (const s of members.values()) out += `server.${s.id}=${quorumServerToString(s)}\n`;
  return out;
}
