import { Id } from '../../jute/records/data';
import { Code } from '../../protocol/keeper-exception';
import type { ServerCnxn } from '../server-cnxn';
import type { AuthenticationProvider } from './authentication-provider';

/** Integer.parseInt(s, radix): optional sign, digits of the radix, int range; else null. */
function javaParseInt(s: string, radix: 10 | 16): number | null {
  const re = radix === 10 ? /^[+-]?[0-9]+$/ : /^[+-]?[0-9a-fA-F]+$/;
  if (!re.test(s)) return null;
  const v = parseInt(s, radix);
  return v >= -0x80000000 && v <= 0x7fffffff ? v : null;
}

function v4addr2Bytes(addr: string): number[] | null {
  const parts = addr.split('.');
  if (parts.length !== 4) return null;
  const b: number[] = [];
  for (const p of parts) {
    const v = javaParseInt(p, 10);
    if (v === null || v < 0 || v > 255) return null;
    b.push(v);
  }
  return b;
}

function v6segments(addr: number[], at: number, segments: string[]): boolean {
  for (const seg of segments) {
    if (seg.length === 0 || seg.length > 4) return false;
    const v = javaParseInt(seg, 16);
    if (v === null) return false;
    addr[at++] = (v >> 8) & 0xff;
    addr[at++] = v & 0xff;
  }
  return true;
}

/** IPAuthenticationProvider.parseV6addr (3.9.4): hex segments with at most one "::". */
function v6addr2Bytes(addr: string): number[] | null {
  const parts = addr.split('::');
  let first: string[] = [];
  let second: string[] = [];
  if (parts.length === 1) {
    first = parts[0].split(':');
    if (first.length !== 8) return null;
  } else if (parts.length === 2) {
    if (parts[0] !== '') first = parts[0].split(':');
    if (parts[1] !== '') second = parts[1].split(':');
    if (first.length + second.length >= 8) return null;
  } else {
    return null;
  }
  const out = new Array<number>(16).fill(0);
  if (!v6segments(out, 0, first)) return null;
  if (!v6segments(out, 16 - second.length * 2, second)) return null;
  return out;
}

function addr2Bytes(addr: string): number[] | null {
  if (addr.includes(':')) return v6addr2Bytes(addr);
  if (addr.includes('.')) return v4addr2Bytes(addr);
  return null;
}

function mask(b: number[], bits: number): void {
  let start = Math.floor(bits / 8);
  let startMask = ~((1 << (8 - (bits % 8))) - 1);
  while (start < b.length) {
    b[start] &= startMask;
    startMask = 0;
    start++;
  }
}

/** Java's String.split("/", 2). */
function splitOnce(s: string, sep: string): string[] {
  const i = s.indexOf(sep);
  return i === -1 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

/** Parses "addr[/bits]"; null when malformed or the mask is out of range. */
function parseAclExpr(expr: string): { addr: number[]; bits: number } | null {
  const parts = splitOnce(expr, '/');
  const addr = addr2Bytes(parts[0]);
  if (addr === null) return null;
  let bits = addr.length * 8;
  if (parts.length === 2) {
    const v = javaParseInt(parts[1], 10);
    if (v === null || v < 0 || v > addr.length * 8) return null;
    bits = v;
  }
  return { addr, bits };
}

/**
 * The address as Java's InetAddress.getHostAddress prints it, which is what ip ids hold:
 * an IPv4-mapped IPv6 address (Node's dual-stack "::ffff:1.2.3.4") becomes plain IPv4, and
 * IPv6 is written in full without zero compression ("0:0:0:0:0:0:0:1").
 */
export function javaHostAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(':')) return address;
  const pct = address.indexOf('%');
  const scope = pct === -1 ? '' : address.slice(pct);
  const bare = pct === -1 ? address : address.slice(0, pct);
  const bytes = v6addr2Bytes(bare);
  if (bytes === null) return address;
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return words.join(':') + scope;
}

/**
 * The "ip" scheme: ACL ids are "a.b.c.d[/bits]" or an IPv6 address with an optional mask;
 * a connection's id is its remote address. ZooKeeper 3.8.0 parses only IPv4 here; IPv6
 * follows 3.9.4's parser, so IPv6 clients can be granted access.
 */
export class IPAuthenticationProvider implements AuthenticationProvider {
  readonly scheme = 'ip';

  handleAuthentication(cnxn: ServerCnxn, _authData: Buffer): number {
    cnxn.addAuthInfo(new Id({ scheme: this.scheme, id: javaHostAddress(cnxn.remoteAddress) }));
    return Code.OK;
  }

  matches(id: string, aclExpr: string): boolean {
    const acl = parseAclExpr(aclExpr);
    if (acl === null) return false;
    mask(acl.addr, acl.bits);
    const remote = addr2Bytes(id);
    if (remote === null) return false;
    mask(remote, acl.bits);
    if (remote.length !== acl.addr.length) return false;
    return remote.every((b, i) => b === acl.addr[i]);
  }

  isAuthenticated(): boolean {
    return false;
  }

  isValid(id: string): boolean {
    return parseAclExpr(id) !== null;
  }

  getUserName(id: string): string {
    return id;
  }
}
