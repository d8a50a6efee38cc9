import { SingleBar, Presets } from 'cli-progress';

/**
 * One live bar per run on a terminal (cli-progress, on stderr); elsewhere (CI, a pipe)
 * one line when a run starts, so logs stay readable.
 */
export interface RunProgress {
  update(phase: 'warmup' | 'measure', done: number, elapsedMs: number): void;
  stop(summary: string): void;
}

export interface ProgressFactory {
  start(label: string, totalSec: number, ops: number | null): RunProgress;
  log(line: string): void;
}

export function progressFactory(live: boolean, write: (s: string) => void = (s) => process.stderr.write(s)): ProgressFactory {
  const tty = live && process.stderr.isTTY === true;
  return {
    log: (line) => write(`${line}\n`),
    start(label, totalSec, ops) {
      if (!tty) {
        write(`${label} …\n`);
        return { update: () => undefined, stop: (summary) => write(`${label}: ${summary}\n`) };
      }
      const total = ops ?? Math.max(1, Math.round(totalSec * 10));
      const bar = new SingleBar(
        {
          format: `${label.padEnd(34)} [{bar}] {phase} {shown} | {rate}`,
          hideCursor: true,
          clearOnComplete: false,
          barsize: 24,
        },
        Presets.shades_classic,
      );
      bar.start(total, 0, { phase: 'warm-up', shown: '', rate: '' });
      let warmupMs = 0;
      return {
        update(phase, done, elapsedMs) {
          if (phase === 'warmup') {
            warmupMs = elapsedMs;
            bar.update(ops === null ? Math.min(total, Math.round(elapsedMs / 100)) : 0, {
              phase: 'warm-up',
              shown: `${(elapsedMs / 1000).toFixed(1)} s`,
              rate: '',
            });
            return;
          }
          const rate = elapsedMs > 0 ? `${Math.round((done * 1000) / elapsedMs).toLocaleString('en-US')} ops/s` : '';
          const value = ops === null ? Math.round((warmupMs + elapsedMs) / 100) : done;
          bar.update(Math.min(total, value), { phase: 'measure', shown: ops === null ? `${(elapsedMs / 1000).toFixed(1)} s` : `${done} ops`, rate });
        },
        stop(summary) {
          bar.update(total, { phase: 'done', shown: '', rate: summary });
          bar.stop();
        },
      };
    },
  };
}
