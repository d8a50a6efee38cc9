export { runShell, type RunShellOptions } from './run-shell';
export { ZooKeeperMain, watchedEventString, type ShellEnvironment } from './zookeeper-main';
export { ZooKeeperAdmin, type ReconfigSpec } from './zookeeper-admin';
export { parseMainOptions, parseCommandLineWords, type MainOptions } from './command-line';
export { CliException, CliParseException, CliWrapperException, CommandNotFoundException, MalformedCommandException, MalformedPathException } from './cli-exceptions';
export type { ShellIO, CommandContext } from './cli-command';
export { formatStat } from './stat-printer';
export { javaDateString } from './java-format';
export { ZNodeCompleter } from './znode-completer';
