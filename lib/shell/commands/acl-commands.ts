import { idToString, parseAcl, permString } from '../acl-parser';
import { CliCommand, println, type CommandContext } from '../cli-command';
import { CliParseException, CliWrapperException, toCliException } from '../cli-exceptions';
import { flag, withArg } from '../command-options';
import { parseJavaInt } from '../java-format';
import { formatStat } from '../stat-printer';
import { visitSubTreeDFS } from '../zk-util';

/** The access commands: getAcl, setAcl, addauth, whoami (org.apache.zookeeper.cli). */

export class GetAclCommand extends CliCommand {
  constructor() {
    super('getAcl', '[-s] path', [flag('s', 'stats')]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const cl = this.parse(argv);
    if (cl.args.length < 2) throw new CliParseException(this.usageStr);
    let result;
    try {
      result = await ctx.zk.getACL(cl.args[1]);
    } catch (e) {
      throw toCliException(e);
    }
    for (const a of result.acl) println(ctx.out, `${idToString(a.id)}: ${permString(a.perms)}`);
    if (cl.hasOption('s')) ctx.out(formatStat(result.stat, ctx.timeZone));
  }
}

export class SetAclCommand extends CliCommand {
  constructor() {
    super('setAcl', '[-s] [-v version] [-R] path acl', [flag('s', 'stats'), withArg('v', 'version'), flag('R', 'recursive')]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const cl = this.parse(argv);
    const args = cl.args;
    if (args.length < 3) throw new CliParseException(this.usageStr);
    const path = args[1];
    const acl = parseAcl(args[2], (l) => println(ctx.err, l));
    const version = cl.hasOption('v') ? parseJavaInt(cl.getOptionValue('v') ?? '') : -1;
    try {
      if (cl.hasOption('R')) {
        await visitSubTreeDFS(ctx.zk, path, null, async (p) => {
          try {
            await ctx.zk.setACL(p, acl, version);
          } catch (e) {
            // Java prints the failure of one node without a newline and goes on.
            ctx.out(e instanceof Error ? e.message : String(e));
          }
        });
      } else {
        const stat = await ctx.zk.setACL(path, acl, version);
        if (cl.hasOption('s')) ctx.out(formatStat(stat, ctx.timeZone));
      }
    } catch (e) {
      throw toCliException(e);
    }
  }
}

export class AddAuthCommand extends CliCommand {
  constructor() {
    super('addauth', 'scheme auth');
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const args = this.parse(argv).args;
    if (args.length < 2) throw new CliParseException(this.usageStr);
    const auth = args.length >= 3 ? Buffer.from(args[2], 'utf8') : Buffer.alloc(0);
    // Java does not wait for the server's verdict: a refused auth ends the session, which
    // the watcher reports (AuthFailed). Later requests queue behind the auth packet anyway.
    ctx.zk.addAuth(args[1], auth).catch(() => undefined);
  }
}

export class WhoAmICommand extends CliCommand {
  constructor() {
    super('whoami', '');
  }

  async run(_argv: string[], ctx: CommandContext): Promise<void> {
    let infos;
    try {
      infos = await ctx.zk.whoAmI();
    } catch (e) {
      throw new CliWrapperException(e);
    }
    println(ctx.out, 'Auth scheme: User');
    for (const i of infos) println(ctx.out, `${i.authScheme}: ${i.user}`);
  }
}
