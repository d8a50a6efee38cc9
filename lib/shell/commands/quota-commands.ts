import type { ZooKeeper } from '../../client/zookeeper';
import { Quotas } from '../../data/quotas';
import { StatsTrack } from '../../data/stats-track';
import { Code, KeeperException } from '../../protocol/keeper-exception';
import { IllegalArgumentError } from '../../client/errors';
import { CliCommand, println, type CommandContext } from '../cli-command';
import { CliParseException, toCliException } from '../cli-exceptions';
import { flag, withArg } from '../command-options';
import { parseJavaInt, parseJavaLong } from '../java-format';
import { visitSubTreeDFS } from '../zk-util';

/** setquota, listquota, delquota: quota nodes under /zookeeper/quota, kept as 3.8's zkCli keeps them. */

const isNoNode = (e: unknown) => e instanceof KeeperException && e.code === Code.NONODE;

async function ignoreNodeExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof KeeperException && e.code === Code.NODEEXISTS)) throw e;
  }
}

export class SetQuotaCommand extends CliCommand {
  constructor() {
    super(
      'setquota',
      '-n|-b|-N|-B val path',
      [withArg('n', 'num soft quota'), withArg('b', 'bytes soft quota'), withArg('N', 'num hard quota'), withArg('B', 'bytes hard quota')],
      [{ opts: ['n', 'b', 'N', 'B'], required: true }],
    );
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const cl = this.parse(argv);
    if (cl.args.length < 2) throw new CliParseException(this.usageStr);
    const path = cl.args[1];
    if (path.startsWith(Quotas.quotaZookeeper)) {
      println(ctx.err, `cannot set a quota under the path: ${Quotas.quotaZookeeper}`);
      return;
    }
    const quota = new StatsTrack();
    quota.count = -1n;
    quota.bytes = -1n;
    quota.countHardLimit = -1n;
    quota.byteHardLimit = -1n;
    const value = (o: string) => cl.getOptionValue(o) ?? '';
    try {
      for (const [o, set] of [
        ['n', (v: bigint) => (quota.count = v)],
        ['N', (v: bigint) => (quota.countHardLimit = v)],
      ] as const) {
        if (!cl.hasOption(o)) continue;
        const count = BigInt(parseJavaInt(value(o)));
        if (count <= 0n) return println(ctx.err, 'the num quota must be greater than zero');
        set(count);
      }
      for (const [o, set] of [
        ['b', (v: bigint) => (quota.bytes = v)],
        ['B', (v: bigint) => (quota.byteHardLimit = v)],
      ] as const) {
        if (!cl.hasOption(o)) continue;
        const bytes = parseJavaLong(value(o));
        if (bytes < 0n) return println(ctx.err, 'the bytes quota must be greater than or equal to zero');
        set(bytes);
      }
    } catch {
      return println(ctx.err, 'NumberFormatException happens when parsing the option value');
    }
    try {
      await createQuota(ctx, path, quota);
    } catch (e) {
      throw toCliException(e);
    }
  }
}

/** SetQuotaCommand.createQuota: the quota's node path under /zookeeper/quota, its limits and its stats. */
async function createQuota(ctx: CommandContext, path: string, quota: StatsTrack): Promise<void> {
  const zk = ctx.zk;
  if ((await zk.exists(path)) === null) throw new IllegalArgumentError(`${path} does not exist.`);
  await checkIfChildQuota(zk, path);
  await checkIfParentQuota(zk, path);
  let quotaPath: string = Quotas.quotaZookeeper;
  if ((await zk.exists(quotaPath)) === null) {
    try {
      await zk.create(Quotas.procZookeeper, null);
      await zk.create(Quotas.quotaZookeeper, null);
    } catch (e) {
      if (!(e instanceof KeeperException && e.code === Code.NODEEXISTS)) throw e;
    }
  }
  for (const part of path.split('/').slice(1)) {
    quotaPath = `${quotaPath}/${part}`;
    if ((await zk.exists(quotaPath)) === null) await ignoreNodeExists(zk.create(quotaPath, null));
  }
  const statPath = `${quotaPath}/${Quotas.statNode}`;
  const limitPath = `${quotaPath}/${Quotas.limitNode}`;
  if ((await zk.exists(limitPath)) === null) {
    await zk.create(limitPath, quota.getStatsBytes());
    const stats = new StatsTrack();
    stats.count = 0n;
    stats.bytes = 0n;
    await zk.create(statPath, stats.getStatsBytes());
    checkQuota(ctx, new StatsTrack((await zk.getData(limitPath)).data), new StatsTrack((await zk.getData(statPath)).data));
  } else {
    const limits = new StatsTrack((await zk.getData(limitPath)).data);
    if (quota.count > -1n) limits.count = quota.count;
    if (quota.bytes > -1n) limits.bytes = quota.bytes;
    if (quota.countHardLimit > -1n) limits.countHardLimit = quota.countHardLimit;
    if (quota.byteHardLimit > -1n) limits.byteHardLimit = quota.byteHardLimit;
    checkQuota(ctx, limits, new StatsTrack((await zk.getData(statPath)).data));
    await zk.setData(limitPath, limits.getStatsBytes(), -1);
  }
}

function checkQuota(ctx: CommandContext, limits: StatsTrack, stats: StatsTrack): void {
  const below = (limit: bigint, used: bigint) => limit > -1n && limit < used;
  if (below(limits.count, stats.count) || below(limits.countHardLimit, stats.count)) {
    println(ctx.out, `[Warning]: the count quota you create is less than the existing count:${stats.count}`);
  }
  if (below(limits.bytes, stats.bytes) || below(limits.byteHardLimit, stats.bytes)) {
    println(ctx.out, `[Warning]: the bytes quota you create is less than the existing bytes:${stats.bytes}`);
  }
}

/** A quota below the path (other than the path's own) makes a new one on the path invalid. */
async function checkIfChildQuota(zk: ZooKeeper, path: string): Promise<void> {
  const realPath = Quotas.quotaPath(path);
  try {
    await visitSubTreeDFS(zk, realPath, null, async (quotaPath) => {
      let children: string[];
      try {
        children = await zk.getChildren(quotaPath);
      } catch (e) {
        if (isNoNode(e)) return;
        throw e;
      }
      for (const child of children) {
        if (quotaPath !== Quotas.quotaZookeeper + path && child === Quotas.limitNode) {
          throw new IllegalArgumentError(`${path} has a child ${Quotas.trimQuotaPath(quotaPath)} which has a quota`);
        }
      }
    });
  } catch (e) {
    if (!isNoNode(e)) throw e;
  }
}

/** So does a quota on any ancestor. */
async function checkIfParentQuota(zk: ZooKeeper, path: string): Promise<void> {
  const splits = path.split('/');
  let quotaPath: string = Quotas.quotaZookeeper;
  for (let i = 1; i < splits.length - 1; i++) {
    quotaPath = `${quotaPath}/${splits[i]}`;
    let children: string[];
    try {
      children = await zk.getChildren(quotaPath);
    } catch (e) {
      if (isNoNode(e)) return;
      throw e;
    }
    if (children.length === 0) return;
    for (const child of children) {
      if (quotaPath !== Quotas.quotaPath(path) && child === Quotas.limitNode) {
        throw new IllegalArgumentError(`${path} has a parent ${Quotas.trimQuotaPath(quotaPath)} which has a quota`);
      }
    }
  }
}

export class ListQuotaCommand extends CliCommand {
  constructor() {
    super('listquota', 'path');
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const args = this.parse(argv).args;
    if (args.length < 2) throw new CliParseException(this.usageStr);
    const path = args[1];
    println(ctx.err, `absolute path is ${Quotas.limitPath(path)}`);
    try {
      const limits = new StatsTrack((await ctx.zk.getData(Quotas.limitPath(path))).data);
      const stats = new StatsTrack((await ctx.zk.getData(Quotas.statPath(path))).data);
      println(ctx.out, `Output quota for ${path} ${limits}`);
      println(ctx.out, `Output stat for ${path} ${stats}`);
    } catch (e) {
      if (isNoNode(e)) return println(ctx.err, `quota for ${path} does not exist.`);
      throw toCliException(e);
    }
  }
}

export class DelQuotaCommand extends CliCommand {
  constructor() {
    super(
      'delquota',
      '[-n|-b|-N|-B] path',
      [flag('n', 'num soft quota'), flag('b', 'bytes soft quota'), flag('N', 'num hard quota'), flag('B', 'bytes hard quota')],
      [{ opts: ['n', 'b', 'N', 'B'], required: false }],
    );
  }

  async run(argv: string[], ctx: CommandContext): Promise<void> {
    const cl = this.parse(argv);
    if (cl.args.length < 2) throw new CliParseException(this.usageStr);
    const path = cl.args[1];
    const which = ['n', 'b', 'N', 'B'].filter((o) => cl.hasOption(o));
    try {
      await delQuota(ctx, path, which.length > 0 ? which : null);
    } catch (e) {
      if (isNoNode(e)) return println(ctx.err, `quota for ${path} does not exist.`);
      throw toCliException(e);
    }
  }
}

/** DelQuotaCommand.delQuota: drop the named limits, or (none named) the whole quota and its now-empty parents. */
async function delQuota(ctx: CommandContext, path: string, which: string[] | null): Promise<void> {
  const zk = ctx.zk;
  const parentPath = Quotas.quotaPath(path);
  const limitPath = Quotas.limitPath(path);
  if ((await zk.exists(limitPath)) === null) return println(ctx.out, `Quota does not exist for ${path}`);
  const limits = new StatsTrack((await zk.getData(limitPath)).data);
  if (which === null) {
    for (const child of await zk.getChildren(parentPath)) await zk.delete(`${parentPath}/${child}`, -1);
    await trimProcQuotas(zk, parentPath);
    return;
  }
  if (which.includes('n')) limits.count = -1n;
  if (which.includes('b')) limits.bytes = -1n;
  if (which.includes('N')) limits.countHardLimit = -1n;
  if (which.includes('B')) limits.byteHardLimit = -1n;
  await zk.setData(limitPath, limits.getStatsBytes(), -1);
}

async function trimProcQuotas(zk: ZooKeeper, path: string): Promise<void> {
  for (let p = path; p !== Quotas.quotaZookeeper; p = p.substring(0, p.lastIndexOf('/'))) {
    if ((await zk.getChildren(p)).length !== 0) return;
    await zk.delete(p, -1);
  }
}
