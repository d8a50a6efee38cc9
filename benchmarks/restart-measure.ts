import type { ProgressFactory } from './progress';
import type { Target } from './targets/target';

/**
 * Crash recovery on the tree a run grew: after the last workload, each started target
 * with a dataDir is SIGKILLed and started again on it (`Target.restart`). Timed from the
 * spawn to `srvr` answering, as the ensemble rows time a cold start; no target is set.
 */
export interface RestartRecord {
  target: string;
  ms: number | null;
  /** The znodes the restarted server holds (mntr), the tree its restore rebuilt. */
  znodes: number | null;
  failure: string | null;
}

export async function measureRestarts(targets: Array<{ name: string; target: Target | null }>, progress: ProgressFactory): Promise<RestartRecord[]> {
  const out: RestartRecord[] = [];
  for (const { name, target } of targets) {
    if (!target?.restart) continue;
    progress.log(`restart ${name}: SIGKILL, then start again on its dataDir …`);
    try {
      const t = await target.restart();
      out.push({ target: name, ms: t.ms, znodes: t.znodes, failure: null });
      progress.log(`restart ${name}: serving after ${Math.round(t.ms)} ms (${t.znodes ?? '?'} znodes)`);
    } catch (e) {
      const failure = (e as Error).message.split('\n')[0];
      out.push({ target: name, ms: null, znodes: null, failure });
      progress.log(`restart ${name} FAILED: ${failure}`);
    }
  }
  return out;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** One line per target, and zoolab / ZooKeeper when both restarted; empty without restarts. */
export function restartLines(records: RestartRecord[]): string[] {
  if (records.length === 0) return [];
  const lines = records.map((r) =>
    r.ms === null ? `  ${r.target}: FAILED — ${r.failure}` : `  ${r.target}: ${fmt(r.ms)} ms (${r.znodes === null ? '?' : fmt(r.znodes)} znodes)`,
  );
  const z = records.find((r) => r.target === 'zoolab')?.ms;
  const j = records.find((r) => r.target === 'zookeeper')?.ms;
  if (z != null && j != null) lines.push(`  zoolab / ZooKeeper: ${(z / j).toFixed(2)}× — INFO, no target set for this measure`);
  return ['Restart after SIGKILL, on the tree the run left (spawn → srvr answers):', ...lines];
}
