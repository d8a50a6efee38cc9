import { AddWatchMode, WatcherType } from '../../protocol/zoo-defs';
import { CliCommand, type CommandContext } from '../cli-command';
import { CliParseException, toCliException } from '../cli-exceptions';
import { flag, withArg } from '../command-options';

/** The watch commands: addWatch and removewatches (org.apache.zookeeper.cli). */

const MODES = Object.keys(AddWatchMode) as (keyof typeof AddWatchMode)[];

export class AddWatchCommand extends CliCommand {
  constructor() {
    super('addWatch', `[-m mode] path # optional mode is one of [${MODES.join(', ')}] - default is PERSISTENT_RECURSIVE`, [withArg('m', '')]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const cl = this.parse(argv);
    if (cl.args.length !== 2) throw new CliParseException(this.usageStr);
    let mode: number = AddWatchMode.PERSISTENT_RECURSIVE;
    if (cl.hasOption('m')) {
      const name = (cl.getOptionValue('m') ?? '').toUpperCase();
      if (!MODES.includes(name as keyof typeof AddWatchMode)) throw new CliParseException(this.usageStr);
      mode = AddWatchMode[name as keyof typeof AddWatchMode];
    }
    try {
      await ctx.zk.addWatch(cl.args[1], mode, ctx.watcher);
    } catch (e) {
      throw toCliException(e);
    }
  }
}

export class RemoveWatchesCommand extends CliCommand {
  constructor() {
    super('removewatches', 'path [-c|-d|-a] [-l]', [
      flag('c', 'child watcher type'),
      flag('d', 'data watcher type'),
      flag('a', 'any watcher type'),
      flag('l', 'remove locally when there is no server connection'),
    ]);
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const cl = this.parse(argv);
    if (cl.args.length < 2) throw new CliParseException(this.usageStr);
    // Without -c / -d / -a every kind of watch on the node goes.
    let type: number = WatcherType.Any;
    if (cl.hasOption('c')) type = WatcherType.Children;
    else if (cl.hasOption('d')) type = WatcherType.Data;
    try {
      await ctx.zk.removeAllWatches(cl.args[1], type, cl.hasOption('l'));
    } catch (e) {
      throw toCliException(e);
    }
  }
}
