import { after, systemClock } from '../core/clock';
import { isConnected } from '../client/states';
import { println } from './cli-command';
import { CliException } from './cli-exceptions';
import { parseMainOptions } from './command-line';
import { runRepl } from './shell-repl';
import { ZooKeeperMain, type ShellEnvironment } from './zookeeper-main';

export interface RunShellOptions extends ShellEnvironment {
  /** The shell's arguments: `[-server host:port,...] [-timeout ms] [-r] [command args...]`. */
  argv: readonly string[];
  /** Where interactive lines come from (default process.stdin). */
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** The terminal for prompt and echo (default process.stdout). */
  output?: NodeJS.WritableStream;
  /** Line editing and prompt; default: whether `input` is a terminal. */
  terminal?: boolean;
  /** History file of an interactive terminal session; null keeps none. */
  historyFile?: string | null;
}

/** How long leaving waits for the server to acknowledge closing the session. */
const CLOSE_WAIT_MS = 3000;

/**
 * ZooKeeperMain.main: connects, then runs the command given on the command line, or reads
 * commands until `quit` or end of input. Resolves with zkCli's exit code: 0, 1 for a
 * failed command (its message on stderr), 127 for an unknown one; an interactive session
 * exits with the code of its last command.
 */
export async function runShell(o: RunShellOptions): Promise<number> {
  const { options, error } = parseMainOptions(o.argv);
  if (error) println(o.io.err, error);
  const main = new ZooKeeperMain(options, o);
  println(o.io.out, `Connecting to ${options.server}`);
  try {
    await main.connectToZK(options.server);
  } catch (e) {
    if (!(e instanceof CliException)) throw e;
    println(o.io.err, e.message);
    return 1;
  }
  try {
    if (options.command !== null) {
      await main.runCommandLine();
    } else {
      println(o.io.out, 'Welcome to ZooKeeper!');
      const input = o.input ?? process.stdin;
      const terminal = o.terminal ?? input.isTTY === true;
      println(o.io.out, `JLine support is ${terminal ? 'enabled' : 'disabled'}`);
      await runRepl(main, { input, output: o.output ?? process.stdout, terminal, historyFile: o.historyFile ?? null, clock: o.clock });
    }
  } finally {
    await leave(main, o);
  }
  return main.exitCode;
}

/**
 * zkCli exits without closing its session (the server expires it later). The zoolab
 * shell closes it, so its ephemerals go at once, but quietly: zkCli prints no Closed
 * event on leaving, and neither does this.
 */
async function leave(main: ZooKeeperMain, env: ShellEnvironment): Promise<void> {
  const zk = main.zk;
  if (!zk) return;
  main.printWatches = false;
  const connected = isConnected(zk.state);
  const closing = zk.close().catch(() => undefined);
  // Not connected: nothing to wait for (a close that cannot reach a server ends on its own).
  if (!connected) return;
  let timer: { unsubscribe(): void } | undefined;
  await Promise.race([closing, new Promise<void>((resolve) => (timer = after(env.clock ?? systemClock, CLOSE_WAIT_MS, resolve)))]);
  timer?.unsubscribe();
}
