/**
 * ZooKeeperMain.MyCommandOptions: the shell's own flags (`-server`, `-timeout`, `-r`, …)
 * and the splitting of a typed line into a command and its arguments.
 */
export interface MainOptions {
  server: string;
  /** Session timeout in ms, as typed (checked when connecting). */
  timeout: string;
  readonly: boolean;
  waitForConnection: boolean;
  clientConfiguration: string | null;
  /** The command given on the command line (non-interactive run), or null. */
  command: string | null;
  /** The command and its arguments (args[0] is the command). */
  cmdArgs: string[] | null;
}

export function defaultMainOptions(): MainOptions {
  return {
    server: 'localhost:2181',
    timeout: '30000',
    readonly: false,
    waitForConnection: false,
    clientConfiguration: null,
    command: null,
    cmdArgs: null,
  };
}

/**
 * parseOptions: flags before the first word that does not start with "-"; that word and
 * everything after it are the command. Unknown flags are ignored. A flag missing its value
 * is reported (in `error`) and ends parsing, keeping what was read so far: zkCli then goes
 * on to an interactive session, and so does this shell.
 */
export function parseMainOptions(argv: readonly string[]): { options: MainOptions; error: string | null } {
  const o = defaultMainOptions();
  for (let i = 0; i < argv.length; i++) {
    const opt = argv[i];
    const valueOf = (): string | null => (i + 1 < argv.length ? argv[++i] : null);
    if (opt === '-server' || opt === '-timeout' || opt === '-client-configuration') {
      const v = valueOf();
      if (v === null) return { options: o, error: `Error: no argument found for option ${opt}` };
      if (opt === '-server') o.server = v;
      else if (opt === '-timeout') o.timeout = v;
      else o.clientConfiguration = v;
    } else if (opt === '-r') {
      o.readonly = true;
    } else if (opt === '-waitforconnection') {
      o.waitForConnection = true;
    }
    if (!opt.startsWith('-')) {
      o.command = opt;
      o.cmdArgs = argv.slice(i);
      break;
    }
  }
  return { options: o, error: null };
}

const ARGS_PATTERN = /\s*([^"']\S*|"[^"]*"|'[^']*')\s*/g;
const QUOTED_PATTERN = /^(['"])(.*)(\1)$/s;

/**
 * parseCommand: words separated by blanks, where "…" or '…' keep blanks in one argument
 * (quotes removed). Null when the line holds no word. Quirks kept: a line of blanks is the
 * command " ", and a quote inside a word does not start a quoted part.
 */
export function parseCommandLineWords(line: string): string[] | null {
  const args: string[] = [];
  for (const m of line.matchAll(ARGS_PATTERN)) {
    let value = m[1];
    if (QUOTED_PATTERN.test(value)) value = value.substring(1, value.length - 1);
    args.push(value);
  }
  return args.length === 0 ? null : args;
}
