import type { FourLetterWordContext } from './context';
import { ZK_NOT_SERVING } from './four-letter-commands';
import { javaLongHex } from './java-format';

/**
 * WatchCommand: the data watches (as DataTree.dumpWatches / dumpWatchesSummary, which
 * read only dataWatches) summarised (wchs), by session (wchc) or by path (wchp). Each
 * answer ends with the extra newline the command prints after the dump.
 */

/** wchs: WatchManager.toString. */
export function wchs(ctx: FourLetterWordContext): string {
  if (!ctx.isRunning()) return `${ZK_NOT_SERVING}\n`;
  const s = ctx.watchesSummary();
  return `${s.numConnections} connections watching ${s.numPaths} paths\nTotal watches:${s.totalWatches}\n`;
}

/** wchc: each watching session, then the paths it watches. */
export function wchc(ctx: FourLetterWordContext): string {
  if (!ctx.isRunning()) return `${ZK_NOT_SERVING}\n`;
  let out = '';
  for (const [session, paths] of ctx.watches().toMap()) {
    out += `0x${javaLongHex(session)}\n`;
    for (const p of paths) out += `\t${p}\n`;
  }
  return `${out}\n`;
}

/** wchp: each watched path, then the sessions watching it. */
export function wchp(ctx: FourLetterWordContext): string {
  if (!ctx.isRunning()) return `${ZK_NOT_SERVING}\n`;
  let out = '';
  for (const [path, sessions] of ctx.watchesByPath().toMap()) {
    out += `${path}\n`;
    for (const s of sessions) out += `\t0x${javaLongHex(s)}\n`;
  }
  return `${out}\n`;
}
