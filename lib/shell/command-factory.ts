import type { CliCommand } from './cli-command';
import { AddAuthCommand, GetAclCommand, SetAclCommand, WhoAmICommand } from './commands/acl-commands';
import { CreateCommand, DeleteAllCommand, DeleteCommand, GetCommand, LsCommand, SetCommand, StatCommand } from './commands/node-commands';
import { DelQuotaCommand, ListQuotaCommand, SetQuotaCommand } from './commands/quota-commands';
import {
  CloseCommand,
  GetAllChildrenNumberCommand,
  GetConfigCommand,
  GetEphemeralsCommand,
  ReconfigCommand,
  SyncCommand,
  VersionCommand,
} from './commands/session-commands';
import { AddWatchCommand, RemoveWatchesCommand } from './commands/watch-commands';

/** CommandFactory.Command: every CliCommand zkCli 3.8 has, by the name typed to run it. */
export function cliCommands(): Map<string, CliCommand> {
  const all: CliCommand[] = [
    new CloseCommand(),
    new CreateCommand(),
    new DeleteCommand(),
    new DeleteAllCommand(),
    new SetCommand(),
    new GetCommand(),
    new LsCommand(),
    new GetAclCommand(),
    new SetAclCommand(),
    new StatCommand(),
    new SyncCommand(),
    new SetQuotaCommand(),
    new ListQuotaCommand(),
    new DelQuotaCommand(),
    new AddAuthCommand(),
    new ReconfigCommand(),
    new GetConfigCommand(),
    new RemoveWatchesCommand(),
    new GetEphemeralsCommand(),
    new GetAllChildrenNumberCommand(),
    new VersionCommand(),
    new AddWatchCommand(),
    new WhoAmICommand(),
  ];
  return new Map(all.map((c) => [c.cmdStr, c]));
}

/** ZooKeeperMain's own commands (no CliCommand behind them), with their option text. */
export const SHELL_COMMANDS: ReadonlyMap<string, string> = new Map([
  ['connect', 'host:port'],
  ['history', ''],
  ['redo', 'cmdno'],
  ['printwatches', 'on|off'],
  ['quit', ''],
]);

/** ZooKeeperMain.commandMap: every command name with its option text. */
export function commandMap(commands: Map<string, CliCommand>): Map<string, string> {
  const map = new Map(SHELL_COMMANDS);
  for (const c of commands.values()) map.set(c.cmdStr, c.optionStr);
  return map;
}

/** ZooKeeperMain.getCommands: the names, sorted as Java sorts strings (UTF-16 order). */
export function commandNames(map: Map<string, string>): string[] {
  return [...map.keys()].sort();
}
