import { Readable } from 'node:stream';
import { runShell } from '../../../lib/shell';
import { runProcess } from '../../support/run-process';
import { ZKCLI } from '../../support/zkcli';

/** One run of a shell: what it wrote to stdout, to stderr, both in order, and its exit code. */
export interface ShellRun {
  out: string;
  err: string;
  merged: string;
  code: number;
}

/**
 * Runs the zoolab shell in this process, non-interactively (`argv` holds a command) or as
 * a piped session reading `lines` (then it behaves like zkCli without JLine: no prompt).
 */
export async function runOurShell(argv: string[], lines?: string[], timeZone = 'UTC'): Promise<ShellRun> {
  let out = '';
  let err = '';
  let merged = '';
  const input = lines ? Readable.from([lines.map((l) => `${l}\n`).join('')]) : Readable.from([]);
  const code = await runShell({
    argv,
    io: {
      out: (t) => {
        out += t;
        merged += t;
      },
      err: (t) => {
        err += t;
        merged += t;
      },
    },
    version: '3.8.0-zoolab-test',
    input,
    terminal: false,
    historyFile: null,
    timeZone,
    readFile: () => {
      throw new Error(' (no such file)');
    },
  });
  return { out, err, merged, code };
}

/** Debian's zkCli.sh with `args` (a command runs non-interactively, none reads `lines` from stdin). */
export async function runZkCli(server: string, args: string[], lines?: string[]): Promise<ShellRun> {
  const input = lines ? lines.map((l) => `${l}\n`).join('') : '';
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // Once with stdout and stderr apart, and (for sessions) merged in the order written.
  const merged = lines
    ? await runProcess('bash', ['-c', `exec "${ZKCLI}" -server ${server} ${quoted} 2>&1`], { input, timeoutMs: 60000, env: { ...process.env, TZ: 'UTC' } })
    : null;
  const apart = lines
    ? null
    : await runProcess('bash', ['-c', `exec "${ZKCLI}" -server ${server} ${quoted}`], { input, timeoutMs: 60000, env: { ...process.env, TZ: 'UTC' } });
  const r = (merged ?? apart)!;
  if (r.timedOut) throw new Error(`zkCli.sh timed out: ${r.stdout}${r.stderr}`);
  const dropSlf4j = (t: string) => t.replace(/^SLF4J:.*\n/gm, '');
  return {
    out: dropSlf4j(r.stdout),
    err: dropSlf4j(r.stderr),
    merged: dropSlf4j(r.stdout),
    code: r.code ?? -1,
  };
}

/**
 * zkCli prints the connection's SyncConnected event whenever it lands; runs are compared
 * without it. When a one-shot command fails, zkCli's System.exit can cut that event off
 * anywhere after "WATCHER::" (seen in CI; println flushes at each newline), so such a
 * cut-off block at the very end goes too.
 */
export function withoutConnectEvent(text: string): string {
  return text
    .replace(/\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n/, '')
    .replace(/\nWATCHER::(?:\n(?:\n(?:WatchedEvent state:SyncConnected type:None path:null)?)?)?$/, '');
}

/** Times (but the epoch's), session ids and ports differ between runs; everything else must not. */
export function mask(text: string): string {
  return text
    .replace(/^([cm]time) = (?!Thu Jan 01 00:00:00 UTC 1970$).*$/gm, '$1 = <time>')
    .replace(/^ephemeralOwner = 0x[0-9a-f]+$/gm, (m) => (m === 'ephemeralOwner = 0x0' ? m : 'ephemeralOwner = <session>'))
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
}

/**
 * A session's output split in two: the WatchedEvent lines (printed by the event thread
 * whenever notifications arrive, so only their own order is fixed) and everything else,
 * without the WATCHER:: blocks around them.
 */
export function splitWatcherOutput(text: string): { events: string[]; rest: string } {
  const lines = text.split('\n');
  const events: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const next = lines[i + 1];
    if (l === 'WATCHER::') continue;
    if (l.startsWith('WatchedEvent ')) {
      events.push(l);
      continue;
    }
    if (l === '' && next !== undefined && (next === 'WATCHER::' || next.startsWith('WatchedEvent '))) continue;
    rest.push(l);
  }
  return { events, rest: rest.join('\n') };
}
