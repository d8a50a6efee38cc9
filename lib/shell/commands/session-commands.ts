import { after } from '../../core/clock';
import { parseProperties } from '../../config/properties';
import { isQuorumKey, parseServerLine } from '../../config/quorum-servers';
import { KeeperException } from '../../protocol/keeper-exception';
import { CliCommand, println, type CommandContext } from '../cli-command';
import { CliException, CliParseException, CliWrapperException, MalformedCommandException, toCliException } from '../cli-exceptions';
import { clientConfigString } from '../client-config';
import { flag, withArg } from '../command-options';
import { parseJavaLong } from '../java-format';
import { formatStat } from '../stat-printer';

/** sync, getEphemerals, getAllChildrenNumber, config, reconfig, close, version. */

/** SyncCommand.SYNC_TIMEOUT. */
const SYNC_TIMEOUT_MS = 30_000;

export class SyncCommand extends CliCommand {
  constructor() {
    super('sync', 'path');
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const args = this.parse(argv).args;
    if (args.length < 2) throw new CliParseException(this.usageStr);
    let rc = 0;
    let timer: { unsubscribe(): void } | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = after(ctx.clock, SYNC_TIMEOUT_MS, () => reject(new CliException(`Sync has failed: no answer within ${SYNC_TIMEOUT_MS} ms`)));
      });
      await Promise.race([ctx.zk.sync(args[1]), timeout]);
    } catch (e) {
      // The server's verdict is printed, not thrown; a bad path or no answer is an error.
      if (e instanceof KeeperException) rc = e.code;
      else throw toCliException(e);
    } finally {
      timer?.unsubscribe();
    }
    println(ctx.out, rc === 0 ? 'Sync is OK' : `Sync has failed. rc=${rc}`);
  }
}

export class GetEphemeralsCommand extends CliCommand {
  constructor() {
    super('getEphemerals', 'path');
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const args = this.parse(argv).args;
    let ephemerals: string[];
    try {
      ephemerals = await ctx.zk.getEphemerals(args.length < 2 ? '/' : args[1]);
    } catch (e) {
      throw toCliException(e);
    }
    println(ctx.out, `[${ephemerals.join(', ')}]`);
  }
}

export class GetAllChildrenNumberCommand extends CliCommand {
  constructor() {
    super('getAllChildrenNumber', 'path');
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const args = this.parse(argv).args;
    if (args.length < 2) throw new MalformedCommandException(this.usageStr);
    try {
      println(ctx.out, String(await ctx.zk.getAllChildrenNumber(args[1])));
    } catch (e) {
      throw toCliException(e);
    }
  }
}

export class GetConfigCommand extends CliCommand {
  constructor() {
    super('config', '[-c] [-w] [-s]', [flag('s', 'stats'), flag('w', 'watch'), flag('c', 'client connection string')]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const cl = this.parse(argv);
    let result;
    try {
      result = await ctx.zk.getConfig({ watch: cl.hasOption('w') ? ctx.watcher : false });
    } catch (e) {
      throw new CliWrapperException(e);
    }
    const text = result.data === null ? 'null' : result.data.toString('utf8');
    println(ctx.out, cl.hasOption('c') ? clientConfigString(text) : text);
    if (cl.hasOption('s')) ctx.out(formatStat(result.stat, ctx.timeZone));
  }
}

export class ReconfigCommand extends CliCommand {
  constructor() {
    super(
      'reconfig',
      '[-s] [-v version] [[-file path] | [-members serverID=host:port1:port2;port3[,...]*]] | ' +
        '[-add serverId=host:port1:port2;port3[,...]]* [-remove serverId[,...]*]',
      [
        flag('s', 'stats'),
        withArg('v', 'required current config version'),
        withArg('file', 'path of config file to parse for membership'),
        withArg('members', 'comma-separated list of config strings for non-incremental reconfig'),
        withArg('add', 'comma-separated list of config strings for new servers'),
        withArg('remove', 'comma-separated list of server IDs to remove'),
      ],
    );
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const cl = this.parse(argv);
    const has = (o: string) => cl.hasOption(o);
    if (!(has('file') || has('members')) && !has('add') && !has('remove')) throw new CliParseException(this.usageStr);
    let fromConfig = -1n;
    if (has('v')) {
      try {
        fromConfig = parseJavaLong(cl.getOptionValue('v') ?? '', 16);
      } catch {
        throw new CliParseException('-v must be followed by a long (configuration version)');
      }
    }
    if ((has('file') || has('members')) && (has('add') || has('remove'))) {
      throw new CliParseException(
        "Can't use -file or -members together with -add or -remove (mixing incremental and non-incremental modes is not allowed)",
      );
    }
    if (has('file') && has('members')) throw new CliParseException("Can't use -file and -members together (conflicting non-incremental modes)");
    const lower = (o: string) => (has(o) ? (cl.getOptionValue(o) ?? '').toLowerCase() : null);
    let newMembers = lower('members');
    if (has('file')) {
      const file = cl.getOptionValue('file') ?? '';
      try {
        newMembers = membersFromFile(ctx.readFile(file));
      } catch (e) {
        throw new CliParseException(`Error processing ${file}${e instanceof Error ? e.message : String(e)}`);
      }
    }
    let result;
    try {
      result = await ctx.zk.reconfigure({ joiningServers: lower('add'), leavingServers: lower('remove'), newMembers, fromConfig });
    } catch (e) {
      throw new CliWrapperException(e);
    }
    println(ctx.out, `Committed new configuration:\n${result.data === null ? 'null' : result.data.toString('utf8')}`);
    if (has('s')) ctx.out(formatStat(result.stat, ctx.timeZone));
  }
}

/**
 * The membership of a dynamic config file, as the newMembers of a reconfig: its server.N,
 * group.N and weight.N lines. Server lines are checked here, as zkCli checks them before
 * sending; the leader checks everything again.
 */
function membersFromFile(text: string): string {
  const lines: string[] = [];
  for (const { key, value } of parseProperties(text)) {
    if (!isQuorumKey(key)) continue;
    if (key.startsWith('server.')) parseServerLine(key, value);
    lines.push(`${key}=${value}`);
  }
  if (lines.length === 0) throw new Error(': no server.N lines');
  return lines.join('\n');
}

export class CloseCommand extends CliCommand {
  constructor() {
    super('close', '');
  }

  async run(_argv: string[], ctx: CommandContext): Promise<void> {
    try {
      await ctx.zk.close();
    } catch (e) {
      throw new CliWrapperException(e);
    }
  }
}

export class VersionCommand extends CliCommand {
  constructor() {
    super('version', '');
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    if (this.parse(argv).args.length > 1) throw new CliParseException(this.usageStr);
    println(ctx.out, `ZooKeeper CLI version: ${ctx.version}`);
  }
}
