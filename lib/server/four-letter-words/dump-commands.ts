import type { FourLetterWordContext } from './context';
import { ZK_NOT_SERVING } from './four-letter-commands';
import { javaDate, javaLongHex, javaSocketAddress } from './java-format';

/** ExpiryQueue.dump after its caller's prefix: bucket count / element count, then each bucket. */
function expiryDump<E>(buckets: Map<number, readonly E[]>, show: (e: E) => string): string {
  const times = [...buckets.keys()].sort((a, b) => a - b);
  let elems = 0;
  for (const t of times) elems += buckets.get(t)!.length;
  let out = `Sets (${buckets.size})/(${elems}):\n`;
  for (const t of times) {
    const set = buckets.get(t)!;
    out += `${set.length} expire at ${javaDate(t)}:\n`;
    for (const e of set) out += `\t${show(e)}\n`;
  }
  return out;
}

/**
 * DumpCommand: the session tracker's expiry buckets, the ephemeral nodes per session,
 * and (as Java's NIO factory does) the connections' idle-expiry buckets.
 */
export function dump(ctx: FourLetterWordContext): string {
  if (!ctx.isRunning()) return `${ZK_NOT_SERVING}\n`;
  let out = 'SessionTracker dump:\n';
  out += `Session ${expiryDump(ctx.sessionExpiryMap(), (id) => `0x${javaLongHex(id)}`)}`;
  out += 'ephemeral nodes dump:\n';
  const eph = ctx.ephemerals();
  out += `Sessions with Ephemerals (${eph.size}):\n`;
  for (const [session, paths] of eph) {
    out += `0x${javaLongHex(session)}:\n`;
    for (const p of paths) out += `\t${p}\n`;
  }
  out += 'Connections dump:\n';
  const cnxns = ctx.connectionExpiryMap();
  if (cnxns) {
    out += `Connections ${expiryDump(cnxns, (c) => `ip: ${javaSocketAddress(c.remoteAddress, c.remotePort)} sessionId: 0x${javaLongHex(c.sessionId)}`)}`;
  }
  return out;
}

/** DigestCommand (hash): "zxid-hex: digest" per entry of the digest log. */
export function hash(ctx: FourLetterWordContext): string {
  // Java prints this one without a newline.
  if (!ctx.isRunning()) return ZK_NOT_SERVING;
  let out = '';
  for (const d of ctx.digestLog()) out += `${javaLongHex(d.zxid)}: ${d.digest}\n`;
  return out;
}
