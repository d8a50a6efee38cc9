import { InvalidArgumentError, type Command } from 'commander';
import { outputOf, required, type CliContext } from './cli-context';

/**
 * `zoolab snapshot dump <file> [-d] [-json]`: ZooKeeper's SnapshotFormatter, with the
 * same output for the same file. -d prints each node's data (Base64); -json prints ncdu's
 * JSON export. Java spells the JSON flag with one dash, so both -json and --json work.
 */
export function registerSnapshotCommand(program: Command, ctx: CliContext = {}): void {
  const snapshot = program.command('snapshot').description('snapshot tools (as ZooKeeper\'s SnapshotFormatter)');
  snapshot
    .command('dump')
    .description('print a snapshot file: its sessions and every node with its Stat')
    .argument('<file>', 'a snapshot.<zxid>[.gz|.snappy] file')
    .option('-d, --dump-data', 'print each node\'s data (Base64) instead of its length')
    .option('--json', 'print ncdu\'s JSON export of the tree (also -json)')
    .option('--time-zone <zone>', 'IANA time zone for ctime / mtime (default: the local zone, as Java)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(async (_file: string, opts: { dumpData?: boolean; json?: boolean; timeZone?: string }, cmd: Command) => {
      const { file, json } = operands(cmd.args, opts.json === true);
      if (opts.dumpData && json) throw new InvalidArgumentError('Cannot specify both data dump (-d) and json mode (-json) in same call');
      const dump = required(ctx.dumpSnapshot, 'snapshot reader');
      const { out, err } = outputOf(ctx);
      const r = await dump(file, { dumpData: opts.dumpData, json, timeZone: opts.timeZone });
      out(r.text);
      if (!r.checksumValid) err(`warning: ${file}: the checksum seal does not match its contents (printed anyway, as SnapshotFormatter does)\n`);
    });
}

/** The file and Java's one-dash -json among what commander left as operands. */
function operands(args: string[], json: boolean): { file: string; json: boolean } {
  const rest: string[] = [];
  for (const a of args) {
    if (a === '-json') json = true;
    else if (a.startsWith('-')) throw new InvalidArgumentError(`unknown option '${a}'`);
    else rest.push(a);
  }
  if (rest.length !== 1) throw new InvalidArgumentError(`expected one snapshot file, got ${rest.length ? rest.join(' ') : 'none'}`);
  return { file: rest[0], json };
}
