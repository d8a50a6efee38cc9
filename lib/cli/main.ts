#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliContext } from './cli-context';
import { registerLogCommand } from './log-command';
import { registerPurgeCommand } from './purge-command';
import { registerBenchCommand } from './bench-command';
import { registerEnsembleCommand } from './ensemble-command';
import { registerServerCommand } from './server-command';
import { registerShellCommand } from './shell-command';
import { registerSnapshotCommand } from './snapshot-command';

function packageVersion(): string {
  // dist/lib/cli/main.js and lib/cli/main.ts both sit three levels below package.json.
  for (const up of ['../../..', '../..']) {
    try {
      return JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')).version;
    } catch {
      /* try the next layout */
    }
  }
  return 'unknown';
}

/** Builds the `zoolab` command; each subcommand lives in its own file beside this one. */
export function buildProgram(ctx: CliContext = {}): Command {
  const program = new Command('zoolab')
    .description('A ZooKeeper-compatible coordination service and research framework')
    .version(packageVersion());
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

/** Subcommand registrars: `(program, ctx) => program.command(...)…`. */
const COMMANDS: Array<(program: Command, ctx: CliContext) => void> = [
  registerServerCommand,
  registerLogCommand,
  registerSnapshotCommand,
  registerPurgeCommand,
  registerBenchCommand,
  registerShellCommand,
  registerEnsembleCommand,
];

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`zoolab: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
