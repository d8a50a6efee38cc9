import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { MIN_SNAP_RETAIN_COUNT } from '../persistence/snapshot-purge';
import { outputOf, required, type CliContext } from './cli-context';

function retainCount(value: string): number {
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not a number`);
  if (n < MIN_SNAP_RETAIN_COUNT) throw new InvalidArgumentError(`count should be greater than or equal to ${MIN_SNAP_RETAIN_COUNT} (got ${n})`);
  return n;
}

/** PurgeTxnLog.validateAndGetFile: the directory must exist. */
function existingDir(flag: string, path: string): string {
  const p = resolve(path);
  if (!existsSync(p)) throw new InvalidArgumentError(`${flag}: path '${p}' does not exist`);
  if (!statSync(p).isDirectory()) throw new InvalidArgumentError(`${flag}: '${p}' is not a directory`);
  return p;
}

/**
 * `zoolab purge --data-dir D [--data-log-dir L] -n N`: ZooKeeper's PurgeTxnLog. Keeps the
 * newest N (≥ 3) snapshots that look whole and the txn logs needed to replay from the
 * oldest of them; deletes older snapshots and logs. Both directories are the zoo.cfg ones
 * (their version-2 subdirectories hold the files). Run it while the server is up or down.
 */
export function registerPurgeCommand(program: Command, ctx: CliContext = {}): void {
  program
    .command('purge')
    .description('delete old snapshots and txn logs, keeping the newest N snapshots (as ZooKeeper\'s PurgeTxnLog)')
    .requiredOption('--data-dir <dir>', 'dataDir (snapshots)')
    .option('--data-log-dir <dir>', 'dataLogDir (txn logs; defaults to dataDir)')
    .requiredOption('-n, --count <N>', `snapshots to keep (at least ${MIN_SNAP_RETAIN_COUNT})`, retainCount)
    .action(async (opts: { dataDir: string; dataLogDir?: string; count: number }) => {
      const purge = required(ctx.purge, 'data directory purger');
      const { out, err } = outputOf(ctx);
      const dataDir = existingDir('--data-dir', opts.dataDir);
      const dataLogDir = opts.dataLogDir === undefined ? null : existingDir('--data-log-dir', opts.dataLogDir);
      const r = await purge(dataDir, dataLogDir, opts.count);
      for (const path of r.removed) out(`Removing file: ${path}\n`);
      if (r.retainedSnapshots.length === 0) {
        out('No valid snapshot found: nothing removed.\n');
      } else {
        out(`Kept ${r.retainedSnapshots.length} snapshot(s) (${r.retainedSnapshots.join(', ')}); removed ${r.removed.length} file(s).\n`);
      }
      for (const f of r.failed) err(`could not remove ${f.path}: ${f.error}\n`);
      if (r.failed.length > 0) throw new Error(`${r.failed.length} file(s) could not be removed`);
    });
}
