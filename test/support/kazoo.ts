import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from './run-process';

/**
 * Runs a kazoo script from test/interop/kazoo against a server and returns the JSON it
 * prints. kazoo (Debian's python3-kazoo) is visible only to /usr/bin/python3, not to a
 * python3 that may come first on PATH.
 */
export const SYSTEM_PYTHON = '/usr/bin/python3';
const SCRIPTS = join(__dirname, '..', 'interop', 'kazoo');

let checked: Promise<void> | null = null;

function checkKazoo(): Promise<void> {
  checked ??= (async () => {
    if (!existsSync(SYSTEM_PYTHON)) throw new Error(`${SYSTEM_PYTHON} is missing: apt-get install -y python3 python3-kazoo`);
    const r = await runProcess(SYSTEM_PYTHON, ['-c', 'import kazoo, sys; sys.stdout.write(kazoo.__file__)'], { timeoutMs: 20000 });
    if (r.code !== 0) throw new Error(`kazoo is not importable by ${SYSTEM_PYTHON}: apt-get install -y python3-kazoo\n${r.stderr}`);
  })();
  return checked;
}

export async function runKazooScript(script: string, connectString: string, timeoutMs = 60000): Promise<Record<string, any>> {
  await checkKazoo();
  const r = await runProcess(SYSTEM_PYTHON, [join(SCRIPTS, `${script}.py`), connectString], {
    timeoutMs,
    cwd: SCRIPTS,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: SCRIPTS },
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !last.startsWith('{')) {
    throw new Error(
      `kazoo script ${script}.py failed (exit ${r.code}${r.timedOut ? ', timed out' : ''} after ${r.ms} ms)\n` +
        `--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr.slice(-4000)}`,
    );
  }
  return JSON.parse(last);
}
