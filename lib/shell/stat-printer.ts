import type { Stat } from '../jute/records/data';
import { javaDateString } from './java-format';

/** Long.toHexString: a long's two's-complement bits in hex, without leading zeros. */
export function longToHex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}

/** StatPrinter.print: the eleven "name = value" lines zkCli prints for a Stat. */
export function formatStat(stat: Stat, timeZone?: string): string {
  return (
    [
      `cZxid = 0x${longToHex(stat.czxid)}`,
      `ctime = ${javaDateString(Number(stat.ctime), timeZone)}`,
      `mZxid = 0x${longToHex(stat.mzxid)}`,
      `mtime = ${javaDateString(Number(stat.mtime), timeZone)}`,
      `pZxid = 0x${longToHex(stat.pzxid)}`,
      `cversion = ${stat.cversion}`,
      `dataVersion = ${stat.version}`,
      `aclVersion = ${stat.aversion}`,
      `ephemeralOwner = 0x${longToHex(stat.ephemeralOwner)}`,
      `dataLength = ${stat.dataLength}`,
      `numChildren = ${stat.numChildren}`,
    ].join('\n') + '\n'
  );
}
