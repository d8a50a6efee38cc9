import { readFileSync } from 'node:fs';
import { shellHistoryFile } from '../../../lib/cli/shell-command';
import { runShell } from '../../../lib/shell';

/**
 * `zoolab shell` without commander or a build: what the pseudo-terminal tests start
 * (node -r ./swc-register.js shell-main.ts [shell args]).
 */
runShell({
  argv: process.argv.slice(2),
  io: { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) },
  version: '3.8.0-zoolab-test',
  readFile: (p) => readFileSync(p, 'utf8'),
  historyFile: shellHistoryFile(),
}).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`shell-main: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(70);
  },
);
