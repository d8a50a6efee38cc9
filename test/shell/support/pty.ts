import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Whether util-linux's `script` is here to give the shell a pseudo-terminal. */
export function scriptMissing(): string | null {
  const r = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'util-linux `script` is not installed (apt-get install -y util-linux)';
}

/** What a terminal shows, roughly: escape sequences and carriage returns removed. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/**
 * The zoolab shell on a pseudo-terminal (`script -qfec`), as a person at a terminal runs
 * it: keystrokes go in, the screen's bytes come out. Started from the TypeScript sources
 * (no build needed) through test/shell/support/shell-main.ts.
 */
export class PtyShell {
  private readonly child: ChildProcess;
  private output = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string> = {}) {
    const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const cmd = `exec node -r ./test/shell/support/swc-register.js test/shell/support/shell-main.ts ${quoted}`;
    this.child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, TERM: 'xterm', COLUMNS: '120', LINES: '40', TZ: 'UTC', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Everything shown so far, escape sequences removed. */
  get screen(): string {
    return plain(this.output);
  }

  /** Bytes as typed: "\r" is Enter, "\t" is Tab, "\x03" is Ctrl-C, "\x1b[A" is the up arrow. */
  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  /** Waits until the screen (after `from` characters) matches; returns the match. */
  async waitFor(pattern: RegExp | string, opts: { from?: number; timeoutMs?: number } = {}): Promise<string> {
    const deadline = Date.now() + (opts.timeoutMs ?? 15000);
    for (;;) {
      const text = this.screen.substring(opts.from ?? 0);
      const m = typeof pattern === 'string' ? (text.includes(pattern) ? pattern : null) : pattern.exec(text)?.[0];
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no ${String(pattern)} on the screen within the time; it shows:\n${this.screen}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Types a line and waits for the next prompt after it; returns what the command printed. */
  async run(line: string, prompt: RegExp = /\[zk: [^\]]*\] $/): Promise<string> {
    const from = this.screen.length;
    this.type(`${line}\r`);
    await this.waitFor(new RegExp(`${escape(line)}\\n[\\s\\S]*${prompt.source}`), { from });
    const text = this.screen.substring(from);
    return text.substring(text.indexOf(line) + line.length + 1).replace(new RegExp(`${prompt.source}`), '');
  }

  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
