import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targets, useServer } from '../support/targets';
import { PtyShell, scriptMissing } from './support/pty';

/**
 * The interactive shell as a person uses it, on a pseudo-terminal: zkCli's prompt with
 * the connection state and the command number, line editing, Tab completion of commands
 * and of znode paths (asked of the server), history kept across sessions, `history` /
 * `redo`, watch notifications printed above a redrawn prompt, Ctrl-C, quit.
 */
jest.setTimeout(60_000);

const missing = scriptMissing();
const describeWithPty = missing ? describe.skip : describe;
if (missing) console.warn(`shell-terminal skipped: ${missing}`);

describeWithPty.each(targets)('the interactive zoolab shell against $name', (target) => {
  const server = useServer(target);
  let dir: string;
  const shells: PtyShell[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-shell-'));
  });
  afterEach(() => {
    for (const s of shells.splice(0)) s.kill();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = (env: Record<string, string> = {}) => {
    const s = new PtyShell(['-server', server().connectString], { ZOOLAB_SHELL_HISTORY: 'off', ...env });
    shells.push(s);
    return s;
  };
  const prompt = (n: number) => `[zk: ${server().connectString}(CONNECTED) ${n}] `;

  test('greets, reports the connection, and prompts with state and command number', async () => {
    const sh = start();
    await sh.waitFor(prompt(0));
    expect(sh.screen).toContain(`Connecting to ${server().connectString}\nWelcome to ZooKeeper!\nJLine support is enabled\n`);
    expect(sh.screen).toContain('\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n');
    expect(await sh.run('create /pty hello')).toBe('Created /pty\n');
    expect(await sh.run('get /pty')).toBe('hello\n');
    expect(sh.screen.endsWith(prompt(2))).toBe(true);
    expect(await sh.run('get /pty/none')).toBe('Node does not exist: /pty/none\n');
    expect(sh.screen.endsWith(prompt(3))).toBe(true);
    sh.type('quit\r');
    expect(await sh.exited).toBe(1);
  });

  test('history lists the numbered lines and redo runs one again', async () => {
    const sh = start();
    await sh.waitFor(prompt(0));
    await sh.run('create /hist a');
    await sh.run('set /hist b');
    await sh.run('get /hist');
    expect(await sh.run('history')).toBe('0 - create /hist a\n1 - set /hist b\n2 - get /hist\n3 - history\n');
    await sh.run('set /hist c');
    expect(await sh.run('redo 2')).toBe('c\n');
    expect(await sh.run('redo 9')).toBe('Command index out of range\n');
    expect(await sh.run('history')).toContain('5 - get /hist\n6 - redo 9\n7 - history\n');
    sh.type('quit\r');
    expect(await sh.exited).toBe(0);
  });

  test('Tab completes a command, and a znode path from the server\'s children', async () => {
    const sh = start();
    await sh.waitFor(prompt(0));
    await sh.run('create /tabbed x');
    await sh.run('create /tabbed/alpha x');
    await sh.run('create /tabbed/beta x');
    let from = sh.screen.length;
    sh.type('getAl\t');
    await sh.waitFor('getAllChildrenNumber', { from });
    sh.type(' /tab\t');
    await sh.waitFor('getAllChildrenNumber /tabbed', { from });
    from = sh.screen.length;
    sh.type('\r');
    await sh.waitFor(/\n2\n\[zk: [^\]]+\] $/, { from });
    // A unique child completes in place; several are listed on a second Tab.
    from = sh.screen.length;
    sh.type('ls /tabbed/al\t');
    await sh.waitFor('ls /tabbed/alpha', { from });
    sh.type('\x15');
    from = sh.screen.length;
    sh.type('ls /tabbed/\t');
    await new Promise((r) => setTimeout(r, 300));
    sh.type('\t');
    await sh.waitFor(/alpha\s+beta/, { from });
    sh.type('\x15quit\r');
    await sh.exited;
  });

  test('a watch notification is printed above the prompt, and what was being typed stays', async () => {
    const watching = start();
    await watching.waitFor(prompt(0));
    await watching.run('create /watched v1');
    await watching.run('get -w /watched');
    watching.type('ls /wat');
    const other = start();
    await other.waitFor(prompt(0));
    await other.run('set /watched v2');
    const from = 0;
    await watching.waitFor('\nWATCHER::\n\nWatchedEvent state:SyncConnected type:NodeDataChanged path:/watched\n', { from });
    await watching.waitFor(/WatchedEvent state:SyncConnected type:NodeDataChanged path:\/watched\n\[zk: [^\]]+\] ls \/wat$/);
    for (const s of [watching, other]) s.type('\x15quit\r');
    await Promise.all([watching.exited, other.exited]);
  });

  test('Ctrl-C clears the line being typed; on an empty line it leaves', async () => {
    const sh = start();
    await sh.waitFor(prompt(0));
    sh.type('ls /zookeeper/whatever');
    sh.type('\x03');
    await sh.waitFor(`ls /zookeeper/whatever^C\n${prompt(0)}`);
    expect(await sh.run('ls /zookeeper')).toBe('[config, quota]\n');
    sh.type('\x03');
    expect(await sh.exited).toBe(0);
  });

  test('typed lines are kept in the history file and come back with the up arrow next time', async () => {
    const file = join(dir, 'history');
    writeFileSync(file, 'get /from-an-earlier-session\n');
    const first = start({ ZOOLAB_SHELL_HISTORY: file });
    await first.waitFor(prompt(0));
    first.type('\x1b[A');
    await first.waitFor(`${prompt(0)}get /from-an-earlier-session`);
    first.type('\x15');
    await first.run('create /remembered x');
    first.type('quit\r');
    await first.exited;
    expect(readFileSync(file, 'utf8')).toBe('get /from-an-earlier-session\ncreate /remembered x\nquit\n');

    const second = start({ ZOOLAB_SHELL_HISTORY: file });
    await second.waitFor(prompt(0));
    second.type('\x1b[A\x1b[A');
    await second.waitFor(`${prompt(0)}create /remembered x`);
    expect(await second.run('')).toBe('Node already exists: /remembered\n');
    second.type('quit\r');
    await second.exited;
  });

  test('with history off, no file is written', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const sh = start({ HOME: home, ZOOLAB_SHELL_HISTORY: 'off' });
    await sh.waitFor(prompt(0));
    await sh.run('ls /');
    sh.type('quit\r');
    await sh.exited;
    expect(existsSync(join(home, '.zoolab_history'))).toBe(false);
  });

  test('close, Not connected, and connect again: the prompt follows the state', async () => {
    const sh = start();
    await sh.waitFor(prompt(0));
    expect(await sh.run('close', /\[zk: [^\]]*\(CLOSED\) 1\] $/)).toContain('WatchedEvent state:Closed type:None path:null');
    expect(await sh.run('ls /', /\[zk: [^\]]*\(CLOSED\) 2\] $/)).toBe('Not connected\n');
    await sh.run(`connect ${server().connectString}`, /\] $/);
    await sh.waitFor(prompt(3));
    expect(await sh.run('ls /zookeeper')).toBe('[config, quota]\n');
    sh.type('quit\r');
    expect(await sh.exited).toBe(0);
  });
});
