import type { Command } from 'commander';
import { outputOf, required, type CliContext } from './cli-context';

/**
 * `zoolab log dump <file|dir>`: ZooKeeper's LogFormatter / TxnLogToolkit -d. Prints every
 * txn of a log file, or of every log file in a directory (a dataLogDir or its version-2),
 * one line each as Java prints them. A torn tail (an unfinished last write) is reported
 * and ends its file; a corrupt entry with valid data after it stops the dump with the
 * file and byte offset, exit code 1.
 */
export function registerLogCommand(program: Command, ctx: CliContext = {}): void {
  const log = program.command('log').description('txn log tools (as ZooKeeper\'s LogFormatter / TxnLogToolkit)');
  log
    .command('dump')
    .description('print the txns in a log file, or in every log file of a directory')
    .argument('<file|dir>', 'a log.<zxid> file, a directory of them, or a dataLogDir')
    .option('--time-zone <zone>', 'IANA time zone for the time column (default: the local zone, as Java)')
    .action(async (target: string, opts: { timeZone?: string }) => {
      const dump = required(ctx.dumpTxnLog, 'txn log reader');
      const { out, err } = outputOf(ctx);
      const r = await dump(target, { out, timeZone: opts.timeZone });
      if (r.files.length === 0) err(`no txn log files in ${target}\n`);
      for (const t of r.tornTails) err(`warning: ${t.file}: torn tail at byte offset ${t.offset} (${t.reason})\n`);
    });
}
