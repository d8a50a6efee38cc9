import { TTL_MAX_VALUE } from '../../data/ephemeral-type';
import { Code, KeeperException } from '../../protocol/keeper-exception';
import { CreateMode, Ids } from '../../protocol/zoo-defs';
import { createKeeperException } from '../../client/errors';
import { parseAcl } from '../acl-parser';
import { CliCommand, println, type CommandContext } from '../cli-command';
import { CliParseException, CliWrapperException, MalformedCommandException, toCliException } from '../cli-exceptions';
import { flag, parseCommandLine, withArg, type CommandLine } from '../command-options';
import { parseJavaInt, parseJavaLong } from '../java-format';
import { formatStat } from '../stat-printer';
import { deleteRecursive, visitSubTreeDFS } from '../zk-util';

/** The znode commands: create, ls, get, set, stat, delete, deleteall (org.apache.zookeeper.cli). */

/** Java prints a node's bytes as UTF-8 text, and absent data as "null". */
function dataText(data: Buffer | null): string {
  return data === null ? 'null' : data.toString('utf8');
}

abstract class NodeCommand extends CliCommand {
  /**
   * retainCompatibility: the pre-3.5 forms `get path watch`, `ls path watch`, `stat path
   * watch` and `delete path version`. Java warns, puts "-w" in place of the third token
   * (whatever it was) for the watch forms, and parses again.
   */
  protected retainCompatibility(cl: CommandLine, args: string[], ctx: CommandContext, warning: string, rewrite: boolean): CommandLine {
    if (cl.args.length <= 2) return cl;
    if (rewrite) args[2] = '-w';
    println(ctx.err, warning);
    return parseCommandLine(this.spec, args);
  }
}

export class CreateCommand extends NodeCommand {
  constructor() {
    super('create', '[-s] [-e] [-c] [-t ttl] path [data] [acl]', [flag('e', 'ephemeral'), flag('s', 'sequential'), flag('c', 'container'), withArg('t', 'ttl')]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const cl = this.parse(argv);
    const args = cl.args;
    if (args.length < 2) throw new CliParseException(this.usageStr);
    const [hasE, hasS, hasC, hasT] = ['e', 's', 'c', 't'].map((o) => cl.hasOption(o));
    if (hasC && (hasE || hasS)) {
      throw new MalformedCommandException('-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.');
    }
    let ttl = 0n;
    if (hasT) {
      try {
        ttl = parseJavaLong(cl.getOptionValue('t') ?? '');
      } catch {
        throw new MalformedCommandException('-t argument must be a long value');
      }
    }
    if (hasT && hasE) throw new MalformedCommandException('TTLs cannot be used with Ephemeral znodes');
    if (hasT && hasC) throw new MalformedCommandException('TTLs cannot be used with Container znodes');
    let mode: CreateMode;
    if (hasE && hasS) mode = CreateMode.EPHEMERAL_SEQUENTIAL;
    else if (hasE) mode = CreateMode.EPHEMERAL;
    else if (hasS) mode = hasT ? CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL : CreateMode.PERSISTENT_SEQUENTIAL;
    else if (hasC) mode = CreateMode.CONTAINER;
    else mode = hasT ? CreateMode.PERSISTENT_WITH_TTL : CreateMode.PERSISTENT;
    if (hasT && (ttl > TTL_MAX_VALUE || ttl <= 0n)) {
      throw new MalformedCommandException(`ttl must be positive and cannot be larger than: ${TTL_MAX_VALUE}`);
    }
    const path = args[1];
    const data = args.length > 2 ? Buffer.from(args[2], 'utf8') : null;
    const acl = args.length > 3 ? parseAcl(args[3], (l) => println(ctx.err, l)) : Ids.OPEN_ACL_UNSAFE();
    try {
      const created = await ctx.zk.create(path, data, { acl, mode, ttl: hasT ? ttl : undefined });
      println(ctx.err, `Created ${created}`);
    } catch (e) {
      if (e instanceof KeeperException && e.code === Code.EPHEMERALONLOCALSESSION) {
        println(ctx.err, 'Unable to create ephemeral node on a local session');
      } else if (e instanceof KeeperException && e.code === Code.INVALIDACL) {
        println(ctx.err, e.message);
      }
      throw toCliException(e);
    }
  }
}

export class LsCommand extends NodeCommand {
  constructor() {
    super('ls', '[-s] [-w] [-R] path', [flag('?', 'help'), flag('s', 'stat'), flag('w', 'watch'), flag('R', 'recurse')]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    let cl = this.parse(argv);
    if (cl.hasOption('?')) {
      // HelpFormatter.printHelp("ls [options] path", options): options sorted, as commons-cli does.
      ctx.out('usage: ls [options] path\n -?   help\n -R   recurse\n -s   stat\n -w   watch\n');
    }
    cl = this.retainCompatibility(cl, argv, ctx, "'ls path [watch]' has been deprecated. Please use 'ls [-w] path' instead.", true);
    const args = cl.args;
    if (args.length < 2) throw new MalformedCommandException(this.usageStr);
    const path = args[1];
    const watch = cl.hasOption('w') ? ctx.watcher : false;
    try {
      if (cl.hasOption('R')) {
        await visitSubTreeDFS(ctx.zk, path, watch || null, (p) => println(ctx.out, p));
      } else if (cl.hasOption('s')) {
        const { children, stat } = await ctx.zk.getChildren2(path, { watch });
        ctx.out(`[${children.sort().join(', ')}]\n`);
        ctx.out(formatStat(stat, ctx.timeZone));
      } else {
        const children = await ctx.zk.getChildren(path, { watch });
        ctx.out(`[${children.sort().join(', ')}]\n`);
      }
    } catch (e) {
      throw toCliException(e);
    }
  }
}

export class GetCommand extends NodeCommand {
  constructor() {
    super('get', '[-s] [-w] path', [flag('s', 'stats'), flag('w', 'watch')]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    let cl = this.parse(argv);
    if (cl.args.length < 2) throw new CliParseException(this.usageStr);
    cl = this.retainCompatibility(cl, argv, ctx, "'get path [watch]' has been deprecated. Please use 'get [-s] [-w] path' instead.", true);
    const path = cl.args[1];
    let result;
    try {
      result = await ctx.zk.getData(path, { watch: cl.hasOption('w') ? ctx.watcher : false });
    } catch (e) {
      throw toCliException(e);
    }
    println(ctx.out, dataText(result.data));
    if (cl.hasOption('s')) ctx.out(formatStat(result.stat, ctx.timeZone));
  }
}

export class SetCommand extends NodeCommand {
  constructor() {
    super('set', '[-s] [-v version] path data', [flag('s', 'stats'), withArg('v', 'version')]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const cl = this.parse(argv);
    const args = cl.args;
    if (args.length < 3) throw new CliParseException(this.usageStr);
    const version = cl.hasOption('v') ? parseJavaInt(cl.getOptionValue('v') ?? '') : -1;
    try {
      const stat = await ctx.zk.setData(args[1], Buffer.from(args[2], 'utf8'), version);
      if (cl.hasOption('s')) ctx.out(formatStat(stat, ctx.timeZone));
    } catch (e) {
      throw toCliException(e);
    }
  }
}

export class StatCommand extends NodeCommand {
  constructor() {
    super('stat', '[-w] path', [flag('w', 'watch')]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    let cl = this.parse(argv);
    if (cl.args.length < 2) throw new CliParseException(this.usageStr);
    cl = this.retainCompatibility(cl, argv, ctx, "'stat path [watch]' has been deprecated. Please use 'stat [-w] path' instead.", true);
    const path = cl.args[1];
    let stat;
    try {
      stat = await ctx.zk.exists(path, { watch: cl.hasOption('w') ? ctx.watcher : false });
    } catch (e) {
      throw toCliException(e);
    }
    if (stat === null) throw new CliWrapperException(createKeeperException(Code.NONODE, path));
    ctx.out(formatStat(stat, ctx.timeZone));
  }
}

export class DeleteCommand extends NodeCommand {
  constructor() {
    super('delete', '[-v version] path', [withArg('v', 'version')]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    let cl = this.parse(argv);
    if (cl.args.length < 2) throw new CliParseException(this.usageStr);
    // Java warns about `delete path version` but never uses that version.
    cl = this.retainCompatibility(cl, argv, ctx, "'delete path [version]' has been deprecated. Please use 'delete [-v version] path' instead.", false);
    const version = cl.hasOption('v') ? parseJavaInt(cl.getOptionValue('v') ?? '') : -1;
    try {
      await ctx.zk.delete(cl.args[1], version);
    } catch (e) {
      throw toCliException(e);
    }
  }
}

export class DeleteAllCommand extends NodeCommand {
  constructor() {
    super('deleteall', 'path [-b batch size]', [withArg('b', 'batch size')]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const cl = this.parse(argv);
    if (cl.args.length < 2) throw new CliParseException(this.usageStr);
    let batchSize = 1000;
    if (cl.hasOption('b')) {
      try {
        batchSize = parseJavaInt(cl.getOptionValue('b') ?? '');
      } catch {
        throw new MalformedCommandException('-b argument must be an int value');
      }
    }
    try {
      if (!(await deleteRecursive(ctx.zk, cl.args[1], batchSize))) println(ctx.err, 'Failed to delete some node(s) in the subtree!');
    } catch (e) {
      throw toCliException(e);
    }
  }
}
