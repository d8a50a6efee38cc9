import type { JuteRecord } from '../../lib/jute/types';
import { CreateContainerTxn, CreateTTLTxn, CreateTxn, MultiTxn, SetDataTxn } from '../../lib/jute/records/txn';
import type { ACL } from '../../lib/jute/records/data';
import type { TxnEntry } from '../../lib/persistence/txn-log';
import { juteToString } from '../../lib/jute/to-string-output-archive';

/** Request.op2String, spelled as Java spells it ("createTtl", "unknown 106"). */
const OP_NAMES: Record<number, string> = {
  0: 'notification', 1: 'create', 2: 'delete', 3: 'exists', 4: 'getData', 5: 'setData', 6: 'getACL',
  7: 'setACL', 8: 'getChildren', 9: 'sync', 11: 'ping', 12: 'getChildren2', 13: 'check', 14: 'multi',
  15: 'create2', 16: 'reconfig', 17: 'checkWatches', 18: 'removeWatches', 19: 'createContainer',
  20: 'deleteContainer', 21: 'createTtl', 22: 'multiRead', 100: 'auth', 101: 'setWatches',
  105: 'setWatches2', 102: 'sasl', 103: 'getEphemerals', 104: 'getAllChildrenNumber',
  [-10]: 'createSession', [-11]: 'closeSession', [-1]: 'error', 107: 'whoAmI',
};

export function javaOpName(type: number): string {
  return OP_NAMES[type] ?? `unknown ${type}`;
}

/** Long.toHexString: 64-bit two's complement for negatives, no padding. */
export function javaHex(v: bigint | number): string {
  return BigInt.asUintN(64, BigInt(v)).toString(16);
}

export interface FormatOptions {
  /** IANA zone for the time column; defaults to the process's local zone, as Java does. */
  timeZone?: string;
}

/**
 * DateFormat.getDateTimeInstance(SHORT, LONG) in Java 17's en_US locale:
 * "11/27/26, 6:33:07 AM UTC".
 */
export function formatJavaDateTime(ms: number, opts: FormatOptions = {}): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: opts.timeZone,
    year: '2-digit',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    hour12: true,
    timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('month')}/${p('day')}/${p('year')}, ${p('hour')}:${p('minute')}:${p('second')} ${p('dayPeriod')} ${p('timeZoneName')}`;
}

/** new String(bytes, UTF_8) for possibly empty or null data (TxnLogToolkit.checkNullToEmpty). */
function text(data: Buffer | null): string {
  return data && data.length ? data.toString('utf8') : '';
}

/** java.util.List<ACL>.toString(): each ACL's jute toString (newline included), ", " between. */
function aclList(acl: ACL[] | null): string {
  return acl === null ? 'null' : `[${acl.map((a) => juteToString(a)).join(', ')}]`;
}

/** TxnLogToolkit.getFormattedTxnStr. */
export function formatTxnBody(txn: JuteRecord | null): string {
  if (txn === null) return '';
  if (txn instanceof CreateTxn) {
    return `${txn.path},${text(txn.data)},${aclList(txn.acl)},${txn.ephemeral},${txn.parentCVersion}`;
  }
  if (txn instanceof SetDataTxn) return `${txn.path},${text(txn.data)},${txn.version}`;
  if (txn instanceof CreateContainerTxn) {
    return `${txn.path},${text(txn.data)},${aclList(txn.acl)},${txn.parentCVersion}`;
  }
  if (txn instanceof CreateTTLTxn) {
    return `${txn.path},${text(txn.data)},${aclList(txn.acl)},${txn.parentCVersion},${txn.ttl}`;
  }
  if (txn instanceof MultiTxn) {
    return (txn.txns ?? []).map((t) => `${javaOpName(t.type)}:${text(t.data)}`).join(';');
  }
  return juteToString(txn);
}

/**
 * One txn as TxnLogToolkit prints it, newline included:
 * "<time> session 0x… cxid 0x… zxid 0x… <type> <details>". Like Java, details that end in
 * a newline (a jute toString) are not followed by another.
 */
export function formatTxnEntry(entry: TxnEntry, opts: FormatOptions = {}): string {
  const h = entry.hdr;
  const line =
    `${formatJavaDateTime(Number(h.time), opts)} session 0x${javaHex(h.clientId)} cxid 0x${javaHex(h.cxid)}` +
    ` zxid 0x${javaHex(h.zxid)} ${javaOpName(h.type)} ${formatTxnBody(entry.txn)}`;
  return line.endsWith('\n') ? line : line + '\n';
}
