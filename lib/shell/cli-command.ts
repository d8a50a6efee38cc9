import type { Clock } from '../core/clock';
import type { Watcher } from '../client/watch-stream';
import { CommandLine, OptionsSpec, parseCommandLine, type OptionDef, type OptionGroupDef } from './command-options';
import type { ZooKeeperAdmin } from './zookeeper-admin';

/** Where the shell writes: raw text, newlines included (System.out / System.err). */
export interface ShellIO {
  out(text: string): void;
  err(text: string): void;
}

/** What a command runs against: the session, the shell's output, and its watcher. */
export interface CommandContext extends ShellIO {
  zk: ZooKeeperAdmin;
  /** ZooKeeperMain's watcher: -w watches and addWatch print through it. */
  watcher: Watcher;
  clock: Clock;
  /** Time zone of printed Stat times (default: the process's, as Java's default zone). */
  timeZone?: string;
  /** What `version` prints after "ZooKeeper CLI version: ". */
  version: string;
  /** reconfig -file reads its membership file through this. */
  readFile(path: string): string;
}

/**
 * org.apache.zookeeper.cli.CliCommand: a named command with its option text. `run` parses
 * the arguments (args[0] is the command's own name, as in Java) and executes, throwing a
 * CliException for ZooKeeperMain to print.
 */
export abstract class CliCommand {
  protected readonly spec: OptionsSpec;

  constructor(
    readonly cmdStr: string,
    readonly optionStr: string,
    options: OptionDef[] = [],
    groups: OptionGroupDef[] = [],
  ) {
    this.spec = new OptionsSpec(options, groups);
  }

  get usageStr(): string {
    return `${this.cmdStr} ${this.optionStr}`;
  }

  protected parse(args: string[]): CommandLine {
    return parseCommandLine(this.spec, args);
  }

  abstract run(args: string[], ctx: CommandContext): Promise<void>;
}

export function println(write: (text: string) => void, line: string): void {
  write(`${line}\n`);
}
