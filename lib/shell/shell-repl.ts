import * as readline from 'node:readline';
import { systemClock, type Clock } from '../core/clock';
import { HISTORY_SIZE, ShellHistoryFile } from './shell-history';
import { ZNodeCompleter } from './znode-completer';
import type { ZooKeeperMain } from './zookeeper-main';

export interface ReplOptions {
  input: NodeJS.ReadableStream;
  /** The terminal (prompt, echo, completion lists); unused when not a terminal. */
  output: NodeJS.WritableStream;
  /** Line editing, prompt, tab completion and history (zkCli with JLine); else plain lines (zkCli without). */
  terminal: boolean;
  /** Where typed lines are kept between sessions (terminal only); null keeps none. */
  historyFile: string | null;
  clock?: Clock;
}

/**
 * ZooKeeperMain.run's interactive half: reads lines and executes them one at a time until
 * `quit` or end of input. On a terminal it shows zkCli's prompt, completes commands and
 * znode paths with Tab, keeps history, redraws the prompt under watch notifications, and
 * takes Ctrl-C as "clear the line" (or, on an empty line, as quit).
 */
export async function runRepl(main: ZooKeeperMain, o: ReplOptions): Promise<void> {
  const history = o.terminal && o.historyFile ? new ShellHistoryFile(o.historyFile) : null;
  const completer = new ZNodeCompleter(() => main.commandNames(), () => main.zk, o.clock ?? systemClock);
  const rl = readline.createInterface({
    input: o.input,
    output: o.terminal ? o.output : undefined,
    terminal: o.terminal,
    historySize: o.terminal ? HISTORY_SIZE : 0,
    history: history?.load() ?? [],
    completer: o.terminal
      ? (line: string, cb: (err: Error | null, result: [string[], string]) => void) => {
          completer.complete(line).then((r) => cb(null, r), () => cb(null, [[], line]));
        }
      : undefined,
  });

  const lines: string[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  let waitingAtPrompt = false;
  let interrupt: () => void = () => undefined;
  const interrupted = new Promise<'interrupted'>((resolve) => (interrupt = () => resolve('interrupted')));
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  rl.on('line', (line) => {
    lines.push(line);
    notify();
  });
  rl.on('close', () => {
    ended = true;
    notify();
  });
  if (o.terminal) {
    rl.on('SIGINT', () => {
      if (!waitingAtPrompt) {
        // A command still running (a server that does not answer): give up on it and leave.
        o.output.write('^C\n');
        interrupt();
      } else if (rl.line.length > 0) {
        o.output.write('^C\n');
        rl.write(null, { ctrl: true, name: 'e' });
        rl.write(null, { ctrl: true, name: 'u' });
        rl.setPrompt(main.getPrompt());
        rl.prompt();
      } else {
        o.output.write('\n');
        rl.close();
      }
    });
    // A notification while the prompt waits: print it above a redrawn prompt, keeping what was typed.
    const write = main.printAsync;
    main.printAsync = (text) => {
      if (!waitingAtPrompt) return write(text);
      readline.cursorTo(o.output, 0);
      readline.clearLine(o.output, 0);
      write(text);
      rl.setPrompt(main.getPrompt());
      rl.prompt(true);
    };
  }

  try {
    for (;;) {
      const line = lines.shift();
      if (line === undefined) {
        if (ended) break;
        if (o.terminal) {
          rl.setPrompt(main.getPrompt());
          rl.prompt();
          waitingAtPrompt = true;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        waitingAtPrompt = false;
        continue;
      }
      if (history && line !== '') history.append(line);
      const done = await Promise.race([main.executeLine(line).then(() => 'done' as const), interrupted]);
      if (done === 'interrupted') {
        main.exitCode = 130;
        break;
      }
      if (main.quit) break;
    }
  } finally {
    rl.close();
  }
}
