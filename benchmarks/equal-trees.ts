import { ZooKeeper } from '../lib/client';
import type { BenchOptions } from './bench-options';
import { runLoad } from './load-runner';
import { planFor, type MeasuredSide } from './measure-target';
import type { ProgressFactory } from './progress';
import { targetAddresses, type Target } from './targets/target';
import { SEQ_PARENT, workloadDef } from './workloads';

/**
 * The create row leaves behind as many znodes as a target could create in its windows, so
 * without this the faster server would run every later row on a bigger tree than the
 * slower one: bigger snapshots under the same snapCount rule, more for a scavenge or a
 * mark-compact to walk. That is not the same workload. Before each round, every target
 * with fewer children under the create parent gets the same sequential creates, outside
 * any window, until it has as many as the largest.
 */

/** What evening the trees did before one round of one workload. */
export interface TreeLevel {
  workload: string;
  round: number;
  /** Children of the create parent on each target before the top-up. */
  before: Record<string, number>;
  /** Creates added to each target to reach the largest count. */
  added: Record<string, number>;
  /** Why a top-up did not finish (the round then runs on trees of different sizes). */
  failure?: string;
}

/** Children of the create parent, or null when the target has no such node or cannot be read. */
export async function createdZnodes(t: Target): Promise<number | null> {
  let zk: ZooKeeper | null = null;
  try {
    zk = await ZooKeeper.connect(targetAddresses(t).map((s) => `${s.host}:${s.port}`).join(','), { sessionTimeout: 30000, connectTimeoutMs: 10000 });
    const stat = await zk.exists(SEQ_PARENT);
    return stat ? stat.numChildren : null;
  } catch {
    return null;
  } finally {
    await zk?.close().catch(() => undefined);
  }
}

/** Adds `count` creates of the create row's kind to a target, pipelined like the row itself. */
async function topUp(o: BenchOptions, t: Target, count: number): Promise<void> {
  const plan = planFor(o, t, workloadDef('create'), { warmupMs: 0, durationMs: null, ops: count, generatorExecArgv: [] });
  const outcome = await runLoad(plan, { progress: () => undefined, window: () => undefined });
  if (outcome.failure) throw new Error(`topping up ${t.name}'s tree failed: ${outcome.failure}`);
  const errors = Object.values(outcome.errors).reduce((a, b) => a + b, 0);
  if (errors > 0) throw new Error(`topping up ${t.name}'s tree: ${errors} creates failed`);
}

/**
 * Brings every measurable side to the largest create-parent count. Returns null when
 * there is nothing to compare (one side, or a count that cannot be read).
 */
export async function levelTrees(
  o: BenchOptions,
  sides: readonly MeasuredSide[],
  workload: string,
  round: number,
  progress: ProgressFactory,
): Promise<TreeLevel | null> {
  const live = sides.filter((s): s is MeasuredSide & { target: Target } => s.target !== null && s.failure === null);
  if (live.length < 2) return null;
  const before: Record<string, number> = {};
  for (const s of live) {
    const count = await createdZnodes(s.target);
    if (count === null) return null;
    before[s.name] = count;
  }
  const top = Math.max(...Object.values(before));
  const added: Record<string, number> = {};
  const level: TreeLevel = { workload, round, before, added };
  for (const s of live) {
    const need = top - before[s.name];
    added[s.name] = need;
    if (need <= 0) continue;
    progress.log(`${s.name}: ${need} creates (outside any window) so its tree matches the largest (${top} under ${SEQ_PARENT})`);
    try {
      await topUp(o, s.target, need);
    } catch (e) {
      // The measurements still stand; the report says their trees differ.
      level.failure = (e as Error).message.split('\n')[0];
      progress.log(`${level.failure}; ${workload} round ${round + 1} runs on trees of different sizes`);
    }
  }
  return level;
}

/**
 * The hook the suites give each workload's rounds: evens the trees before every round
 * when the run has a create row (off with --no-equal-trees) and keeps what it did.
 */
export function levelBeforeEachRound(
  o: BenchOptions,
  sides: readonly MeasuredSide[],
  workload: string,
  progress: ProgressFactory,
  levels: TreeLevel[],
): (round: number) => Promise<void> {
  return async (round) => {
    if (!o.equalTrees || !o.workloads.includes('create')) return;
    const level = await levelTrees(o, sides, workload, round, progress);
    if (level) levels.push(level);
  };
}
