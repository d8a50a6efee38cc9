import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { every, systemClock, type Clock } from '../core/clock';
import { outputOf, type CliContext } from './cli-context';
import { connectStringOf, intOption, MAX_ENSEMBLE_NODES, planEnsemble, type EnsembleRequest } from './ensemble-layout';
import { busyPorts, EnsembleSupervisor } from './ensemble-supervisor';
import { SERVER_NODE_FLAGS } from './server-node-flags';

export interface EnsembleCommandOptions {
  nodes: number;
  observers?: number;
  basePort: number;
  quorumBasePort?: number;
  electionBasePort?: number;
  host: string;
  dataDir?: string;
  transport: 'tcp' | 'udp';
  tickTime: number;
  initLimit: number;
  syncLimit: number;
  set?: string[];
  logLevel: string;
  restart?: boolean;
}

function keyValue(value: string, previous: string[] = []): string[] {
  if (!/^[^=\s][^=]*=/.test(value)) throw new InvalidArgumentError('expected key=value, e.g. -D snapCount=50000');
  return [...previous, value];
}

/** The command's options as an EnsembleRequest (commander has checked each flag's form). */
export function ensembleRequest(o: EnsembleCommandOptions): EnsembleRequest {
  return {
    nodes: o.nodes,
    observers: o.observers ?? 0,
    host: o.host,
    basePort: o.basePort,
    quorumBasePort: o.quorumBasePort ?? o.basePort + 707,
    electionBasePort: o.electionBasePort ?? o.basePort + 1707,
    transport: o.transport,
    tickTime: o.tickTime,
    initLimit: o.initLimit,
    syncLimit: o.syncLimit,
    extra: (o.set ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()]),
  };
}

/** How to run this very program again: `node [flags] <script>`. */
function selfCommand(ctx: CliContext): { command: string; args: string[] } {
  if (ctx.selfCommand) return ctx.selfCommand();
  if (!process.argv[1]) throw new Error('cannot tell which script is running to start the servers with');
  const flags = SERVER_NODE_FLAGS.filter((f) => !process.execArgv.includes(f));
  return { command: process.execPath, args: [...flags, ...process.execArgv, process.argv[1]] };
}

/**
 * `zoolab ensemble`: a replicated ensemble on this machine, one process per server,
 * each a `zoolab server zoo.cfg` with server.N lines. Says who leads, serves clients on
 * consecutive ports, and stops every server on Ctrl-C.
 */
export async function runEnsemble(o: EnsembleCommandOptions, ctx: CliContext, clock: Clock = systemClock): Promise<number> {
  const { out, err } = outputOf(ctx);
  const req = ensembleRequest(o);
  const temp = o.dataDir === undefined;
  const dataDir = temp ? mkdtempSync(resolve(tmpdir(), 'zoolab-ensemble-')) : resolve(o.dataDir!);
  const cleanup = () => temp && rmSync(dataDir, { recursive: true, force: true });
  let supervisor: EnsembleSupervisor;
  try {
    const members = planEnsemble(req, dataDir);
    const busy = await busyPorts(req, members);
    if (busy.length) throw new Error(`ports in use: ${busy.join(', ')}; pick other ports with --base-port`);
    mkdirSync(dataDir, { recursive: true });
    supervisor = new EnsembleSupervisor({ req, members, command: selfCommand(ctx), logLevel: o.logLevel, clock, out, restart: !!o.restart });
    const observers = req.observers ? ` and ${req.observers} observer${req.observers === 1 ? '' : 's'}` : '';
    out(`zoolab ensemble: ${req.nodes} server${req.nodes === 1 ? '' : 's'}${observers} on ${req.host}, peer transport ${req.transport}, data in ${dataDir}${temp ? ' (removed on exit)' : ''}\n`);
    for (const m of members) {
      out(`  server.${m.id}${m.observer ? ' (observer)' : ''}  client ${req.host}:${m.clientPort}  quorum ${m.quorumPort}  election ${m.electionPort}/${req.transport}  log ${m.logFile}\n`);
    }
    out(`connect string: ${connectStringOf(req, members)}\n`);
    supervisor.start();
  } catch (e) {
    cleanup();
    throw e;
  }
  const code = await new Promise<number>((done) => {
    let signals = 0;
    const finish = (c: number) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      watch.unsubscribe();
      done(c);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (++signals > 1) {
        err(`${signal} again: killing every server\n`);
        supervisor.kill();
        return;
      }
      out(`${signal}: stopping the ensemble\n`);
      supervisor.stop().then(() => finish(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // Nothing left to supervise (each server failed to start, or was killed, with no --restart).
    const watch = every(clock, 1000, () => {
      if (!o.restart && supervisor.allDown()) {
        err('every server has exited; see their logs\n');
        finish(1);
      }
    });
  });
  cleanup();
  out('ensemble stopped\n');
  return code;
}

export function registerEnsembleCommand(program: Command, ctx: CliContext = {}): void {
  program
    .command('ensemble')
    .description('run a replicated ensemble on this machine, one `zoolab server` process per server; Ctrl-C stops it')
    .addOption(new Option('-n, --nodes <n>', 'how many servers').argParser(intOption('--nodes', 1, MAX_ENSEMBLE_NODES)).default(3))
    .addOption(new Option('--observers <n>', 'observers besides the voting servers (server.nodes+1 …)').argParser(intOption('--observers', 0, MAX_ENSEMBLE_NODES - 1)).default(0))
    .addOption(new Option('-p, --base-port <port>', 'client port of server.1; server.i listens on base + i - 1').argParser(intOption('--base-port', 1, 65535)).default(2181))
    .addOption(new Option('--quorum-base-port <port>', 'quorum port of server.1 (default: base port + 707, i.e. 2888)').argParser(intOption('--quorum-base-port', 1, 65535)))
    .addOption(new Option('--election-base-port <port>', 'election port of server.1 (default: base port + 1707, i.e. 3888)').argParser(intOption('--election-base-port', 1, 65535)))
    .option('--host <address>', 'address every server listens on', '127.0.0.1')
    .option('--data-dir <dir>', 'keep each server\'s data in <dir>/server.N (default: a temp dir removed on exit)')
    .addOption(new Option('--transport <name>', 'peer transport for elections (the learner channel is TCP either way)').choices(['tcp', 'udp']).default('tcp'))
    .addOption(new Option('--tick-time <ms>', 'tickTime').argParser(intOption('--tick-time', 1, 600_000)).default(2000))
    .addOption(new Option('--init-limit <ticks>', 'initLimit').argParser(intOption('--init-limit', 1, 10_000)).default(10))
    .addOption(new Option('--sync-limit <ticks>', 'syncLimit').argParser(intOption('--sync-limit', 1, 10_000)).default(5))
    .option('-D, --set <key=value>', 'any zoo.cfg key for every server (repeatable)', keyValue)
    .addOption(new Option('--log-level <level>', 'servers\' log level (logs go to <dir>/server.N/zoolab.log)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .option('--restart', 'start a server again when it exits (e.g. after kill -9)')
    .action(async (opts: EnsembleCommandOptions) => {
      const code = await runEnsemble(opts, ctx);
      if (code !== 0) process.exitCode = code;
    });
}
