import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runShell } from '../shell';
import { outputOf, type CliContext } from './cli-context';

/** The Apache ZooKeeper release whose zkCli this shell reproduces. */
const ZOOKEEPER_VERSION = '3.8.0';

/**
 * Where an interactive session keeps its lines: ZOOLAB_SHELL_HISTORY names the file, and
 * "" / "off" / "none" / "0" turn history off (tests do); by default ~/.zoolab_history.
 */
export function shellHistoryFile(env: NodeJS.ProcessEnv = process.env): string | null {
  const v = env.ZOOLAB_SHELL_HISTORY;
  if (v === undefined) return join(homedir(), '.zoolab_history');
  if (['', 'off', 'none', '0', 'false'].includes(v.trim().toLowerCase())) return null;
  return v;
}

/** `zoolab shell`: zkCli.sh's shell on the zoolab client (lib/shell). */
export function registerShellCommand(program: Command, ctx: CliContext): void {
  program
    .command('shell')
    .summary('a zkCli.sh-compatible shell: run one command, or an interactive session')
    .description(
      'A ZooKeeper shell that takes zkCli.sh 3.8\'s options, commands and output.\n' +
        'With a command it runs it and exits with zkCli\'s exit code (0 ok, 1 failed, 127 unknown command);\n' +
        'without one it reads commands (prompt, Tab completion of commands and znode paths, history\n' +
        'kept in ~/.zoolab_history or $ZOOLAB_SHELL_HISTORY, "off" for none). An unknown command, such as\n' +
        '"help", lists them all.',
    )
    .usage('[-server host:port,...[/chroot]] [-timeout ms] [-r] [-waitforconnection] [command args...]')
    .helpOption('--help', 'show this help')
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'shell options, then a command and its arguments')
    .action(async (args: string[]) => {
      const { out, err } = outputOf(ctx);
      const code = await runShell({
        argv: args,
        io: { out, err },
        version: `${ZOOKEEPER_VERSION}-zoolab-${program.version() ?? 'unknown'}`,
        readFile: (p) => readFileSync(p, 'utf8'),
        historyFile: shellHistoryFile(),
      });
      // Sockets and timers of a closed session must not keep the process alive; a program
      // whose output is captured (tests) only gets the code.
      if (ctx.stdout) process.exitCode = code;
      else process.exit(code);
    });
}
