import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../config/config-error';
import type { PropertyEntry } from '../config/properties';
import type { ServerConfig } from '../config/server-config';
import { configFromProperties, isDistributed, loadZooCfg, type ZooCfgResult } from '../config/zoo-cfg';
import { createLogger, type Logger } from '../core/logger';
import { startStandaloneServer, type StandaloneServer } from '../server';
import { FourLetterWords } from '../server/four-letter-words';
import { javaSocketAddress } from '../server/four-letter-words/java-format';
import type { CliContext } from './cli-context';
import { startQuorumPeerMain, type RunningQuorumPeer } from './quorum-peer-main';

/** The options `zoolab server` takes, as commander hands them over. */
export interface ServerCommandOptions {
  port?: string;
  host?: string;
  tickTime?: string;
  dataDir?: string;
  dataLogDir?: string;
  maxClientCnxns?: string;
  minSessionTimeout?: string;
  maxSessionTimeout?: string;
  fourLetterWords?: string;
  extendedTypes?: boolean;
  juteMaxBuffer?: string;
  superDigest?: string;
  set?: string[];
  logLevel?: string;
}

/** Each flag and the zoo.cfg key it stands for; a flag beats the file. */
const FLAG_KEYS: Array<[keyof ServerCommandOptions, string, string]> = [
  ['port', '--port', 'clientPort'],
  ['host', '--host', 'clientPortAddress'],
  ['tickTime', '--tick-time', 'tickTime'],
  ['dataDir', '--data-dir', 'dataDir'],
  ['dataLogDir', '--data-log-dir', 'dataLogDir'],
  ['maxClientCnxns', '--max-client-cnxns', 'maxClientCnxns'],
  ['minSessionTimeout', '--min-session-timeout', 'minSessionTimeout'],
  ['maxSessionTimeout', '--max-session-timeout', 'maxSessionTimeout'],
  ['fourLetterWords', '--4lw', '4lw.commands.whitelist'],
  ['extendedTypes', '--extended-types', 'extendedTypesEnabled'],
  ['juteMaxBuffer', '--jute-max-buffer', 'jute.maxbuffer'],
  ['superDigest', '--super-digest', 'DigestAuthenticationProvider.superDigest'],
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function keyValue(value: string, previous: string[] = []): string[] {
  if (!/^[^=\s][^=]*=/.test(value)) throw new InvalidArgumentError('expected key=value, e.g. -D snapCount=50000');
  return [...previous, value];
}

/** The flags as zoo.cfg entries, -D ones first so the named flags win over them. */
export function flagEntries(opts: ServerCommandOptions): { entries: PropertyEntry[]; flagOf: Map<string, string> } {
  const entries: PropertyEntry[] = [];
  const flagOf = new Map<string, string>();
  for (const kv of opts.set ?? []) {
    const eq = kv.indexOf('=');
    const key = kv.slice(0, eq).trim();
    entries.push({ key, value: kv.slice(eq + 1).trim(), line: 0 });
    flagOf.set(key, `-D ${key}`);
  }
  for (const [opt, flag, key] of FLAG_KEYS) {
    const v = opts[opt];
    if (v === undefined) continue;
    entries.push({ key, value: String(v), line: 0 });
    flagOf.set(key, flag);
  }
  return { entries, flagOf };
}

/**
 * The configuration `zoolab server` runs with: zoo.cfg if given (validated as ZooKeeper
 * validates it, dataDir required), with the flags on top; without a file, zoolab's
 * defaults (127.0.0.1:2181, in memory) with the flags on top. A bad flag value is
 * reported under the flag's name.
 */
export function resolveServerConfig(file: string | undefined, opts: ServerCommandOptions): ZooCfgResult {
  const { entries, flagOf } = flagEntries(opts);
  try {
    return file ? loadZooCfg(file, entries) : configFromProperties(entries, { requireDataDir: false });
  } catch (e) {
    throw e instanceof ConfigError ? underFlagName(e, entries, flagOf) : e;
  }
}

/** `clientPort: "x" is not a number` becomes `option --port: "x" is not a number` when a flag gave it. */
function underFlagName(e: ConfigError, entries: PropertyEntry[], flagOf: Map<string, string>): ConfigError {
  const flag = e.key === undefined ? undefined : flagOf.get(e.key);
  if (!flag || e.value === undefined || !entries.some((x) => x.key === e.key && x.value === e.value)) return e;
  const head = `${e.key}: ${JSON.stringify(e.value)} `;
  const at = e.message.lastIndexOf(head);
  if (at < 0) return e;
  return new ConfigError(`option ${flag}: ${JSON.stringify(e.value)} ${e.message.slice(at + head.length)}`, e.key, e.value);
}

export interface RunningServer {
  readonly standalone: StandaloneServer;
  readonly config: ServerConfig;
  readonly logger: Logger;
  /** Closes the server (idempotent). */
  stop(): Promise<void>;
}

/** Starts a standalone server from a resolved config with the composition root's plugins. */
export async function runServer(config: ServerConfig, ctx: CliContext, logger: Logger): Promise<RunningServer> {
  if (!ctx.serverPlugins) {
    throw new Error('this entry point wires no plugins: run the zoolab binary (dist/plugins/cli.js), which does');
  }
  if (isDistributed(config)) {
    throw new ConfigError('this configuration describes an ensemble (server.N lines): runQuorumServer starts a member of it', 'server.N');
  }
  logger.info({ config: config.configFile ?? '(flags and defaults)' }, 'starting zoolab server');
  const standalone = await startStandaloneServer(config, {
    plugins: ctx.serverPlugins(config),
    logger,
    fourLetterWords: new FourLetterWords({ whitelist: config.fourLetterWordWhitelist }),
  });
  // NIOServerCnxnFactory's line, with the address actually bound (port 0 picks one).
  logger.info({ host: standalone.host, port: standalone.port }, `binding to port ${javaSocketAddress(standalone.host, standalone.port)}`);
  let closing: Promise<void> | null = null;
  return {
    standalone,
    config,
    logger,
    stop: () => (closing ??= standalone.close()),
  };
}

/** What a signal stops: a standalone server or an ensemble member. */
interface Stoppable {
  readonly logger: Logger;
  stop(): Promise<void>;
}

/**
 * Starts this server's part of an ensemble (zoo.cfg with server.N lines and a myid) with
 * the composition root's quorum plugins: storage, client port and peer transport.
 */
export async function runQuorumServer(config: ServerConfig, ctx: CliContext, logger: Logger): Promise<RunningQuorumPeer & Stoppable> {
  if (!ctx.quorumPlugins) {
    throw new Error('this entry point wires no ensemble plugins: run the zoolab binary (dist/plugins/cli.js), which does');
  }
  const me = config.servers.find((s) => s.id === config.serverId);
  if (!me) throw new ConfigError(`myid is ${config.serverId}, but no server.${config.serverId} line names this server`, 'myid');
  logger.info(
    {
      config: config.configFile ?? '(flags)',
      myid: config.serverId,
      quorumPort: me.quorumPort,
      electionPort: me.electionPort,
      ...ctx.describeQuorumPlugins?.(config),
    },
    'starting zoolab quorum peer',
  );
  const running = await startQuorumPeerMain(config, { plugins: ctx.quorumPlugins(config), logger });
  const bound = running.peer.clientPort.address;
  if (bound) logger.info({ host: bound.host, port: bound.port }, `binding to port ${javaSocketAddress(bound.host, bound.port)}`);
  return { ...running, logger };
}

/**
 * A parent that started this process with an IPC channel (`zoolab ensemble`) owns it:
 * when the parent goes away, however it ends, so does this server.
 */
function stopWithParent(running: Stoppable): void {
  if (!process.send) return;
  // The channel must not keep this process alive once the server has stopped.
  process.channel?.unref();
  process.once('disconnect', () => {
    running.logger.info('parent process gone: shutting down');
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

/** Registers `zoolab server [zoo.cfg]`. */
export function registerServerCommand(program: Command, ctx: CliContext = {}): void {
  program
    .command('server')
    .description('run a ZooKeeper-compatible server: standalone, or an ensemble member when zoo.cfg has server.N lines (keys as in ZooKeeper 3.8; flags override the file)')
    .argument('[config]', 'a zoo.cfg file (without one: 127.0.0.1:2181, in memory)')
    .option('-p, --port <port>', 'client port (clientPort); 0 picks a free one')
    .option('--host <address>', 'address to listen on (clientPortAddress)')
    .option('--tick-time <ms>', 'tickTime in milliseconds')
    .option('--data-dir <dir>', 'dataDir')
    .option('--data-log-dir <dir>', 'dataLogDir (defaults to dataDir)')
    .option('--max-client-cnxns <n>', 'maxClientCnxns per client address (0: no limit)')
    .option('--min-session-timeout <ms>', 'minSessionTimeout')
    .option('--max-session-timeout <ms>', 'maxSessionTimeout')
    .option('--4lw <words>', 'four-letter words to allow (4lw.commands.whitelist), e.g. "ruok,stat" or "*"')
    .option('--extended-types', 'enable TTL nodes (extendedTypesEnabled)')
    .option('--jute-max-buffer <bytes>', 'jute.maxbuffer')
    .option('--super-digest <user:digest>', 'the super user (DigestAuthenticationProvider.superDigest)')
    .option('-D, --set <key=value>', 'any zoo.cfg key (repeatable)', keyValue)
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default(process.env.ZOOLAB_LOG_LEVEL ?? 'info'))
    .action(async (file: string | undefined, opts: ServerCommandOptions & { '4lw'?: string }) => {
      const options: ServerCommandOptions = { ...opts, fourLetterWords: opts['4lw'] };
      const { config, warnings } = resolveServerConfig(file, options);
      const logger = createLogger({ level: options.logLevel, name: 'zoolab' });
      for (const w of warnings) logger.warn(w);
      const running: Stoppable = isDistributed(config) ? await runQuorumServer(config, ctx, logger) : await runServer(config, ctx, logger);
      stopWithParent(running);
      await untilSignal(running);
    });
}

/** Waits for SIGINT / SIGTERM, then shuts the server down; a second signal exits at once. */
function untilSignal(running: Stoppable): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        running.logger.warn({ signal }, 'second signal: exiting without a clean shutdown');
        process.exit(130);
      }
      stopping = true;
      running.logger.info({ signal }, 'shutting down');
      running.stop().then(
        () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          running.logger.info('shut down');
          resolve();
        },
        (err: unknown) => reject(err),
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
