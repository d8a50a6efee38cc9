import { systemClock, type Clock } from '../core/clock';
import type { WatchedEvent, Watcher } from '../client/watch-stream';
import { isAlive } from '../client/states';
import { EventType, KeeperState } from '../protocol/zoo-defs';
import { println, type CliCommand, type CommandContext, type ShellIO } from './cli-command';
import { CliException, CommandNotFoundException, MalformedCommandException } from './cli-exceptions';
import { cliCommands, commandMap, commandNames } from './command-factory';
import { parseCommandLineWords, type MainOptions } from './command-line';
import { decodeJavaInt, parseJavaInt } from './java-format';
import { ZooKeeperAdmin } from './zookeeper-admin';

/** What a shell needs from its surroundings; tests give their own. */
export interface ShellEnvironment {
  io: ShellIO;
  /** What `version` prints after "ZooKeeper CLI version: ". */
  version: string;
  clock?: Clock;
  /** Stat times are printed in this zone (default: the process's, like Java's default zone). */
  timeZone?: string;
  readFile?: (path: string) => string;
  /** Builds the session (default: a ZooKeeperAdmin over TCP). */
  newClient?: (connectString: string, opts: { sessionTimeout: number; canBeReadOnly: boolean; watcher: Watcher }) => ZooKeeperAdmin;
}

const KEEPER_STATE_NAMES = new Map<number, string>(Object.entries(KeeperState).map(([k, v]) => [v, k]));
const EVENT_TYPE_NAMES = new Map<number, string>(Object.entries(EventType).map(([k, v]) => [v, k]));

/** WatchedEvent.toString() in 3.8: "WatchedEvent state:SyncConnected type:None path:null". */
export function watchedEventString(e: WatchedEvent): string {
  const state = KEEPER_STATE_NAMES.get(e.state) ?? `Unknown(${e.state})`;
  const type = EVENT_TYPE_NAMES.get(e.type) ?? `Unknown(${e.type})`;
  return `WatchedEvent state:${state} type:${type} path:${e.path === null ? 'null' : e.path}`;
}

/**
 * org.apache.zookeeper.ZooKeeperMain: one shell session. It owns the connection (which
 * `connect` and `close` replace), the numbered history, the printwatches switch and the
 * exit code of the last command; `executeLine` runs one typed line as zkCli does.
 */
export class ZooKeeperMain {
  readonly commands: Map<string, CliCommand> = cliCommands();
  readonly commandMap: Map<string, string> = commandMap(this.commands);
  readonly history = new Map<number, string>();
  commandCount = 0;
  printWatches = true;
  exitCode = 0;
  /** Set by `quit`: the caller stops reading and exits with exitCode. */
  quit = false;
  zk: ZooKeeperAdmin | null = null;
  host = '';
  /** The last parsed line (Java keeps it, and a line without words runs it again). */
  private cmdArgs: string[] | null;
  /** Where watch notifications go; an interactive shell redraws its prompt around them. */
  printAsync: (text: string) => void;
  /** The watcher -w reads and addWatch register (the current session's). */
  private pathWatcher: Watcher = () => undefined;

  constructor(
    readonly options: MainOptions,
    private readonly env: ShellEnvironment,
  ) {
    this.cmdArgs = options.cmdArgs;
    this.printAsync = (t) => env.io.out(t);
  }

  get io(): ShellIO {
    return this.env.io;
  }

  /** ZooKeeperMain.getCommands: every command name, sorted. */
  commandNames(): string[] {
    return commandNames(this.commandMap);
  }

  getPrompt(): string {
    return `[zk: ${this.host}(${this.zk ? this.zk.state : 'CLOSED'}) ${this.commandCount}] `;
  }

  /** MyWatcher: prints every event it hears while printwatches is on. */
  private newWatcher(): { session: Watcher; paths: Watcher } {
    const print = (e: WatchedEvent) => {
      if (!this.printWatches) return;
      // printMessage twice, written at once so a redrawn prompt does not come between.
      this.printAsync(`\nWATCHER::\n\n${watchedEventString(e)}\n`);
    };
    // Java has one watcher for both, and its client dedups it. Here the session's watcher
    // hears the state events and the path watcher only its node events, so none prints twice.
    return { session: print, paths: (e) => e.type !== EventType.None && print(e) };
  }

  /** connectToZK: closes a live session, then starts a new one to `newHost` (not waiting for it). */
  async connectToZK(newHost: string): Promise<void> {
    if (this.zk && isAlive(this.zk.state)) await this.closeSession();
    this.host = newHost;
    const timeout = parseJavaInt(this.options.timeout);
    const watchers = this.newWatcher();
    this.pathWatcher = watchers.paths;
    const opts = { sessionTimeout: timeout, canBeReadOnly: this.options.readonly, watcher: watchers.session };
    try {
      this.zk = this.env.newClient ? this.env.newClient(newHost, opts) : new ZooKeeperAdmin(newHost, { ...opts, clock: this.env.clock });
    } catch (e) {
      this.zk = null;
      throw new CliException(e instanceof Error ? e.message : String(e));
    }
    if (this.options.waitForConnection) {
      try {
        await this.zk.waitForConnected(timeout);
      } catch {
        await this.closeSession();
        throw new CliException('KeeperErrorCode = ConnectionLoss');
      }
    }
  }

  /** Closes the session and lets its Closed event reach the watcher before going on. */
  async closeSession(): Promise<void> {
    if (!this.zk) return;
    await this.zk.close();
    await new Promise<void>((resolve) => queueMicrotask(resolve));
  }

  /** executeLine: a non-empty line is numbered, kept in history and run. */
  async executeLine(line: string): Promise<void> {
    if (line === '') return;
    const words = parseCommandLineWords(line);
    if (words) this.cmdArgs = words;
    this.history.set(this.commandCount, line);
    await this.processCmd();
    this.commandCount++;
  }

  /** Runs the command given on the command line (non-interactive use). */
  async runCommandLine(): Promise<void> {
    await this.processCmd();
  }

  /** processCmd: runs the current command; a CliException is printed and sets the exit code. */
  private async processCmd(): Promise<void> {
    try {
      await this.processZKCmd(this.cmdArgs ?? []);
      // quit exits with the code of the command before it, as zkCli's System.exit does.
      if (!this.quit) this.exitCode = 0;
    } catch (e) {
      if (!(e instanceof CliException)) throw e;
      this.exitCode = e.exitCode;
      println(this.io.err, e.message);
    }
  }

  private usage(): void {
    let text = 'ZooKeeper -server host:port -client-configuration properties-file cmd args\n';
    for (const cmd of this.commandNames()) text += `\t${cmd} ${this.commandMap.get(cmd)}\n`;
    this.io.err(text);
  }

  private async processZKCmd(args: string[]): Promise<void> {
    if (args.length < 1) {
      this.usage();
      throw new MalformedCommandException('No command entered');
    }
    const cmd = args[0];
    if (!this.commandMap.has(cmd)) {
      this.usage();
      throw new CommandNotFoundException(`Command not found ${cmd}`);
    }
    const out = this.io.out;
    if (cmd === 'quit') {
      await this.closeSession();
      this.quit = true;
      return;
    } else if (cmd === 'redo' && args.length >= 2) {
      const i = decodeJavaInt(args[1]);
      if (this.commandCount <= i || i < 0) throw new MalformedCommandException('Command index out of range');
      const line = this.history.get(i) ?? '';
      const words = parseCommandLineWords(line);
      if (words) this.cmdArgs = words;
      if (this.cmdArgs?.[0] === 'redo') throw new MalformedCommandException('No redoing redos');
      this.history.set(this.commandCount, line);
      // The redone command's failure is printed, but `redo` itself succeeds (as in zkCli).
      await this.processCmd();
      if (this.quit) return;
    } else if (cmd === 'history') {
      for (let i = Math.max(0, this.commandCount - 10); i <= this.commandCount; ++i) {
        println(out, `${i} - ${this.history.get(i) ?? 'null'}`);
      }
    } else if (cmd === 'printwatches') {
      if (args.length === 1) println(out, `printwatches is ${this.printWatches ? 'on' : 'off'}`);
      else this.printWatches = args[1] === 'on';
    } else if (cmd === 'connect') {
      await this.connectToZK(args.length >= 2 ? args[1] : this.host);
    }

    // Everything below needs a live session.
    if (!this.zk || !isAlive(this.zk.state)) {
      println(out, 'Not connected');
      return;
    }
    const cliCmd = this.commands.get(cmd);
    if (cliCmd) await cliCmd.run([...args], this.commandContext(this.zk));
  }

  private commandContext(zk: ZooKeeperAdmin): CommandContext {
    const env = this.env;
    return {
      zk,
      out: env.io.out,
      err: env.io.err,
      watcher: this.pathWatcher,
      clock: env.clock ?? systemClock,
      timeZone: env.timeZone,
      version: env.version,
      readFile: env.readFile ?? (() => {
        throw new Error(' (no file access)');
      }),
    };
  }
}
