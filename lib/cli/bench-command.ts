import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { RawBenchFlags } from '../../benchmarks/bench-options';
import type { CliContext } from './cli-context';

type BenchOptionsModule = typeof import('../../benchmarks/bench-options');
type SuiteModule = typeof import('../../benchmarks/suite');

/**
 * `zoolab bench`: the benchmark suite (benchmarks/) that runs the same workloads against
 * zoolab and Apache ZooKeeper 3.8 on this machine and says, row by row, whether zoolab
 * meets its targets. The suite is loaded only when the command runs, so `zoolab server`
 * does not pay for it.
 */

const WORKLOAD_HELP = `
Workloads (--workloads a,b or all):
  create         persistent sequential creates, --payload bytes each          (write)
  setData        setData on a chosen key                                       (write)
  getData        getData of a chosen key                                       (read)
  exists         exists of a chosen key                                        (read)
  getChildren    getChildren of a node with --wide children                    (read)
  mixed-90-10    90% getData / 10% setData                                     (read)
  mixed-50-50    50% getData / 50% setData                                     (write)
  multi-10       multi of 10 setData                                           (write)
  session-churn  connect + handshake + closeSession, --sessions loops          (write)
  watch-fanout   --watchers sessions watch one node; time until all have the event (read)

Targets (zoolab / ZooKeeper): writes >= 1.5x throughput, reads >= 1.2x, p99 <= 0.8x.
Each compared row says MEET or MISS. Results go to results/<date-time>/ (results.json,
report.md, throughput.svg, latency-<workload>.svg).

Examples:
  zoolab bench --quick                          the ~2 minute comparison (npm run bench)
  zoolab bench                                  the full matrix (~10 minutes)
  zoolab bench --workloads getData --distribution zipfian --sessions 32 --workers 2
  zoolab bench --targets zoolab --no-fsync --storage memory
  zoolab bench --target 127.0.0.1:2181 --workloads getData,setData
  zoolab bench --quick --profile                also profile zoolab under its worst row
  zoolab bench --quick --ensemble 3             the ensemble rows, ~3 minutes (npm run bench:ensemble)
  zoolab bench --ensemble 5 --repeats 10        five members per side, 10 elections and failovers each
  zoolab bench --quick --ensemble 3 --election raft-style --transport udp
                                                zoolab's members with another election plugin
`;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function keyValue(value: string, previous: string[] = []): string[] {
  if (!/^[^=\s][^=]*=/.test(value)) throw new InvalidArgumentError('expected key=value, e.g. --set globalOutstandingLimit=2000');
  return [...previous, value];
}

/**
 * The zoolab binary the suite starts as its zoolab target: the one running now when it
 * wires plugins (so a researcher's own composition root benchmarks its own plugins),
 * else the default binary of this build.
 */
function defaultZoolabBin(ctx: CliContext): string {
  if (ctx.serverPlugins && process.argv[1]) return process.argv[1];
  const built = join(__dirname, '..', '..', 'plugins', 'cli.js');
  return existsSync(built) ? built : process.argv[1] ?? built;
}

export function registerBenchCommand(program: Command, ctx: CliContext = {}): void {
  program
    .command('bench')
    .description('benchmark zoolab against Apache ZooKeeper 3.8 on this machine, side by side')
    .option('--quick', 'the quick comparison: 7 workloads, 2 s warm-up + 4 s each, both targets (~2 minutes)')
    .option('--targets <list>', 'servers the suite starts: zoolab,zookeeper (default both)')
    .option('--target <host:port>', 'measure a server already running at this address (repeatable)', collect)
    .option('--workloads <list>', 'workloads to run, comma-separated, or "all" (default: all; --quick: 7)')
    .option('--payload <bytes>', 'data size of create / setData / getData (default 1024)')
    .option('--outstanding <n>', 'requests in flight per session (default 16)')
    .option('--sessions <n>', 'sessions over all workers; churn loops for session-churn (default 8)')
    .option('--workers <n>', 'load-generator processes (default 1)')
    .option('--duration <seconds>', 'measured window per run (default 20; --quick: 4)')
    .option('--ops <n>', 'measure a number of operations per run instead of a time')
    .option('--warmup <seconds>', 'unmeasured load before each run (default 5; --quick: 2)')
    .option('--target-warmup <seconds>', 'unmeasured load after a target starts, for the JVM JIT; both targets get it (default 15)')
    .option('--ensemble <n>', 'servers per side: 1 (standalone, default), or 3 / 5: the ensemble rows (election, failover, throughput through every member)')
    .option('--repeats <n>', 'with --ensemble 3|5: cold-start elections and failovers per side (default 5; --quick: 3)')
    .option('--rounds <n>', 'measured windows per workload and target, alternating between the targets, pooled into one row (default 1)')
    .option('--tick-time <ms>', 'tickTime of both servers (default 2000)')
    .option('--no-fsync', 'forceSync=no on both servers (default: fsync every group commit, as ZooKeeper)')
    .option('--snap-count <n>', 'snapCount of both servers (default 100000)')
    .option('--heap <MiB>', 'max heap of both servers: -Xmx and --max-old-space-size (default 1024, or more for the trees a longer create row grows: 4096 for the full matrix)')
    .addOption(new Option('--storage <plugin>', "zoolab's txn-log plugin: file (temp dataDir) or memory").choices(['file', 'memory']))
    .addOption(new Option('--transport <plugin>', "with --ensemble: zoolab members' election transport (ZooKeeper's is tcp)").choices(['tcp', 'udp']))
    .addOption(new Option('--election <plugin>', "with --ensemble: zoolab members' election strategy (ZooKeeper runs fle)").choices(['fle', 'raft-style']))
    .option('-D, --set <key=value>', 'a zoo.cfg key for both servers (repeatable)', keyValue)
    .option('--keys <n>', 'keyspace size for setData / getData / exists / mixed / multi (default 10000)')
    .addOption(new Option('--distribution <name>', 'key popularity (YCSB-style)').choices(['uniform', 'zipfian']))
    .option('--seed <n>', 'seed of the key sequences (default 42)')
    .option('--wide <n>', 'children of the getChildren node (default 1000)')
    .option('--watchers <n>', 'watcher sessions of watch-fanout (default 200)')
    .option('--out <dir>', 'results directory (default results/<date-time>/)')
    .option('--profile', 'then rerun zoolab alone under --cpu-prof on its worst-ratio workload and list the hot spots')
    .option('--profile-generator <dir>', 'write a V8 CPU profile of each load-generator process to <dir> (.cpuprofile; open in Chrome DevTools)')
    .option('--no-progress', 'no live progress bars')
    .option('--no-settle', "don't sync and wait for a quiet machine before each run (default: do, so one target's leftover snapshot writes and flushes don't land in the other's window)")
    .option('--no-restart', "don't SIGKILL and restart each started target on its dataDir after the last workload (default: do, timing crash recovery on the tree the run grew)")
    .option('--no-equal-trees', "don't top up the target with fewer znodes under the create parent before each round (default: do, so the rows after create run on trees of the same size on every target)")
    .option('--zoolab-bin <path>', 'the zoolab binary to benchmark (default: this one)')
    .addHelpText('after', WORKLOAD_HELP)
    .action(async (flags: RawBenchFlags) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { benchOptionsFrom, BenchOptionError } = require('../../benchmarks/bench-options') as BenchOptionsModule;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runSuite } = require('../../benchmarks/suite') as SuiteModule;
      let options;
      try {
        options = benchOptionsFrom(flags, defaultZoolabBin(ctx));
      } catch (e) {
        if (e instanceof BenchOptionError) program.error(`zoolab bench: ${e.message}`);
        throw e;
      }
      const result = await runSuite(options, {
        print: (text) => process.stdout.write(text),
        command: ['zoolab', ...process.argv.slice(2)].join(' '),
      });
      const failed = result.runs.filter((r) => r.failure);
      if (failed.length > 0) {
        process.stderr.write(`zoolab bench: ${failed.length} run(s) failed (see above)\n`);
        process.exitCode = 1;
      }
    });
}
