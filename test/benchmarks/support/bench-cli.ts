import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestSource } from '../../support/newest-source';

/** Running the built `zoolab bench` from the smoke tests. */

export const ROOT = join(__dirname, '..', '..', '..');
export const BIN = join(ROOT, 'dist', 'plugins', 'cli.js');

/** Builds dist/ unless the binary and dist/benchmarks/<built> are newer than lib/, plugins/ and benchmarks/. */
export function ensureBenchBuilt(built: string): void {
  const builtPath = join(ROOT, 'dist', 'benchmarks', built);
  const sources = Math.max(...['lib', 'plugins', 'benchmarks'].map((d) => newestSource(join(ROOT, d))));
  if (existsSync(BIN) && existsSync(builtPath) && statSync(builtPath).mtimeMs >= sources) return;
  // tsc emits even when files other helpers are writing do not type-check yet.
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(builtPath)) throw new Error(`building did not produce ${builtPath}`);
}

export interface BenchRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `zoolab bench <args>`. Past `timeoutMs` it gets `signal`, and SIGKILL 5 s later
 * when that was a gentler one.
 */
export function runBench(args: string[], timeoutMs: number, signal: NodeJS.Signals): Promise<BenchRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'bench', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill(signal);
      if (signal !== 'SIGKILL') setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
