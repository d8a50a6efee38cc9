#!/usr/bin/env -S node --max-semi-space-size=32 --initial-old-space-size=256 --no-allocation-site-pretenuring
import 'reflect-metadata';
import type { Command } from 'commander';
import type { CliContext } from '../lib/cli/cli-context';
import { buildProgram } from '../lib/cli/main';
import { defaultStandalonePlugins } from './defaults';
import { dumpSnapshot, dumpTxnLog, purge } from './storage-file';
import { electionModules, electionName } from './election-choice';
import { peerTransportModule, peerTransportName } from './peer-transport-choice';

/**
 * The `zoolab` binary: lib/cli's program with the plugins chosen here. This is the
 * composition root — the one place that knows both lib/ and plugins/ — so lib/ keeps
 * never importing plugins/ and a researcher can make another binary with other plugins.
 */
export const defaultCliContext: CliContext = {
  serverPlugins: (config) => defaultStandalonePlugins({ config }),
  quorumPlugins: (config) => [...defaultStandalonePlugins({ config }), peerTransportModule(config), ...electionModules(config)],
  describeQuorumPlugins: (config) => ({ peerTransport: peerTransportName(config), election: electionName(config) }),
  dumpTxnLog: (target, opts) => dumpTxnLog(target, opts),
  dumpSnapshot: (file, opts) => dumpSnapshot(file, opts),
  purge: (dataDir, dataLogDir, n) => purge(dataDir, dataLogDir, n),
};

export function buildZoolabProgram(ctx: CliContext = defaultCliContext): Command {
  return buildProgram(ctx);
}

if (require.main === module) {
  buildZoolabProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`zoolab: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
