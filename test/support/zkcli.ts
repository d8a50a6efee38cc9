import { existsSync } from 'node:fs';
import { runProcess } from './run-process';

/**
 * Runs Debian's zkCli.sh with commands piped on stdin. That build has no JLine: it reads
 * one command per line, and prints results on stdout and errors ("Created /x" included) on
 * stderr; both are merged here, in the order the JVM wrote them. SLF4J's start-up noise
 * and the banner are dropped.
 */
export const ZKCLI = '/usr/share/zookeeper/bin/zkCli.sh';

export interface ZkCliRun {
  lines: string[];
  /** Lines between marker `name` and the next marker (see {@link markerCommand}). */
  section(name: string): string[];
}

const MARK = '/__zkcli_mark__/';

/** A command whose only output is "Node does not exist: /__zkcli_mark__/<name>". */
export function markerCommand(name: string): string {
  return `get ${MARK}${name}`;
}

export async function runZkCli(connectString: string, commands: string[], timeoutMs = 60000): Promise<ZkCliRun> {
  if (!existsSync(ZKCLI)) throw new Error(`${ZKCLI} is missing: apt-get install -y zookeeper`);
  const input = [...commands, 'quit', ''].join('\n');
  const r = await runProcess('bash', ['-c', `exec "${ZKCLI}" -server ${connectString} 2>&1`], { input, timeoutMs });
  if (r.timedOut) throw new Error(`zkCli.sh timed out after ${timeoutMs} ms; output so far:\n${r.stdout}`);
  const lines = r.stdout
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l !== '' && !l.startsWith('SLF4J:'));
  const section = (name: string): string[] => {
    const start = lines.indexOf(`Node does not exist: ${MARK}${name}`);
    if (start === -1) throw new Error(`zkCli output has no marker ${name}:\n${lines.join('\n')}`);
    const rest = lines.slice(start + 1);
    const end = rest.findIndex((l) => l.startsWith(`Node does not exist: ${MARK}`));
    return end === -1 ? rest : rest.slice(0, end);
  };
  return { lines, section };
}

/** "key = value" lines of a printed Stat, as a record (ctime / mtime left as printed). */
export function parseStat(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) {
    const m = /^(\w+) = (.*)$/.exec(l);
    if (m) out[m[1]] = m[2];
  }
  return out;
}
