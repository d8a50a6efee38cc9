import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../lib/cli/server-node-flags';
import { fourLetterWord } from '../support/four-letter';
import { freePort } from '../support/free-port';
import { newestSource } from '../support/newest-source';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
const bin = join(root, 'dist', 'plugins', 'cli.js');

/** The tests run the built binary; build it when it is missing or older than the sources. */
beforeAll(() => {
  const stale = !existsSync(bin) || statSync(bin).mtimeMs < Math.max(newestSource(join(root, 'lib')), newestSource(join(root, 'plugins')));
  if (!stale) return;
  // tsc emits even when files other helpers are writing do not type-check yet.
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'ignore' });
  if (!existsSync(bin)) throw new Error(`building did not produce ${bin}`);
});

interface Started {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function zoolab(args: string[]): Started {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => err, exited };
}

async function waitForLine(s: Started, pattern: RegExp, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const m = s.stderr().split('\n').find((l) => pattern.test(l));
    if (m) return m;
    if (s.child.exitCode !== null) throw new Error(`zoolab exited (${s.child.exitCode}): ${s.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no line matching ${pattern} within ${ms} ms: ${s.stderr()}`);
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, rej) => (t = setTimeout(() => rej(new Error(`${what} took over ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

describe('the zoolab binary', () => {
  it('prints the server command\'s help', () => {
    const r = spawnSync(process.execPath, [bin, 'server', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: zoolab server \[options\] \[config\]/);
    expect(r.stdout).toContain('--port <port>');
  });

  it("runs as an executable with the server's Node flags, as npm start does", () => {
    const shebang = readFileSync(bin, 'utf8').split('\n', 1)[0];
    const start = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start as string;
    for (const flag of SERVER_NODE_FLAGS) {
      expect(shebang.split(' ')).toContain(flag);
      expect(start.split(' ')).toContain(flag);
    }
    // What npm does for an installed bin; the shebang's `env -S` must work here.
    chmodSync(bin, 0o755);
    const r = spawnSync(bin, ['server', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: zoolab server/);
  });

  it('serves a zoo.cfg on its port, logs the binding, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoolab-bin-'));
    dirs.push(dir);
    const port = await freePort();
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(cfg, `tickTime=500\ndataDir=${join(dir, 'data')}\nclientPort=${port}\nclientPortAddress=127.0.0.1\n4lw.commands.whitelist=ruok, srvr, conf\n`);
    const s = zoolab(['server', cfg]);
    const line = await waitForLine(s, /binding to port/);
    expect(JSON.parse(line)).toMatchObject({ msg: `binding to port /127.0.0.1:${port}`, port });
    expect(await fourLetterWord('127.0.0.1', port, 'ruok')).toBe('imok');
    expect(await fourLetterWord('127.0.0.1', port, 'conf')).toMatch(new RegExp(`^clientPort=${port}\\n[^]*\\ntickTime=500\\n`));
    s.child.kill('SIGTERM');
    expect(await within(s.exited, 5000, 'shutdown')).toEqual({ code: 0, signal: null });
    expect(s.stderr()).toMatch(/"msg":"shut down"/);
  });

  it('runs from flags alone and stops cleanly on SIGINT', async () => {
    const port = await freePort();
    const s = zoolab(['server', '-p', String(port), '--tick-time', '200', '--4lw', '*', '--log-level', 'warn']);
    await within(
      (async () => {
        for (;;) {
          try {
            if ((await fourLetterWord('127.0.0.1', port, 'srvr', 500)).includes('Mode: standalone')) return;
          } catch {
            /* not listening yet */
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
      15_000,
      'start-up',
    );
    expect(await fourLetterWord('127.0.0.1', port, 'isro')).toBe('rw');
    s.child.kill('SIGINT');
    expect(await within(s.exited, 5000, 'shutdown')).toEqual({ code: 0, signal: null });
  });

  it('refuses a bad zoo.cfg with exit code 1 and the key and value in the message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoolab-bin-'));
    dirs.push(dir);
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(cfg, `tickTime=abc\ndataDir=${dir}\n`);
    const r = spawnSync(process.execPath, [bin, 'server', cfg], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`zoolab: ${cfg}: tickTime: "abc" is not a number\n`);
  });
});
