import { buildProgram } from '../../lib/cli/main';
import { targets, useServer } from '../support/targets';
import { runOurShell, withoutConnectEvent, type ShellRun } from './support/shell-harness';

/**
 * Every command of `zoolab shell`, run the way scripts run zkCli.sh (one command per
 * process, or lines on stdin), against Apache ZooKeeper and the in-process zoolab server,
 * with zkCli 3.8's exact text and exit codes written out (shell-vs-zkcli.test.ts checks
 * the same against zkCli.sh itself).
 */
jest.setTimeout(60_000);

/** What a command printed after "Connecting to …" and the connection event. */
function printed(r: ShellRun): { out: string; err: string; code: number } {
  const out = withoutConnectEvent(r.out).replace(/^Connecting to .*\n/, '');
  return { out, err: r.err, code: r.code };
}

const STAT = /^cZxid = 0x[0-9a-f]+\nctime = \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}\nmZxid = 0x[0-9a-f]+\nmtime = .+\npZxid = 0x[0-9a-f]+\ncversion = -?\d+\ndataVersion = \d+\naclVersion = \d+\nephemeralOwner = 0x[0-9a-f]+\ndataLength = \d+\nnumChildren = \d+\n$/;

describe.each(targets)('zoolab shell commands against $name', (target) => {
  const server = useServer(target);
  const shell = async (...args: string[]) => printed(await runOurShell(['-server', server().connectString, ...args]));
  const session = async (...lines: string[]) => {
    const r = await runOurShell(['-server', server().connectString], lines);
    return { ...r, merged: r.merged.replace(/^Connecting to .*\nWelcome to ZooKeeper!\nJLine support is disabled\n/, '') };
  };

  test('create prints the created path on stderr; get, set, stat and ls read it back', async () => {
    expect(await shell('create', '/c1', 'hello')).toEqual({ out: '', err: 'Created /c1\n', code: 0 });
    expect(await shell('create', '-s', '/c1/seq-', 'x')).toEqual({ out: '', err: 'Created /c1/seq-0000000000\n', code: 0 });
    expect(await shell('get', '/c1')).toEqual({ out: 'hello\n', err: '', code: 0 });
    expect(await shell('set', '/c1', 'world')).toEqual({ out: '', err: '', code: 0 });
    const got = await shell('get', '-s', '/c1');
    expect(got.out.startsWith('world\n')).toBe(true);
    expect(got.out.substring('world\n'.length)).toMatch(STAT);
    expect(got.out).toContain('\ndataVersion = 1\n');
    expect((await shell('stat', '/c1')).out).toMatch(STAT);
    expect(await shell('ls', '/c1')).toEqual({ out: '[seq-0000000000]\n', err: '', code: 0 });
    const ls = await shell('ls', '-s', '/c1');
    expect(ls.out).toMatch(/^\[seq-0000000000\]\ncZxid/);
    expect(ls.out).toContain('\nnumChildren = 1\n');
    expect(await shell('ls', '-R', '/c1')).toEqual({ out: '/c1\n/c1/seq-0000000000\n', err: '', code: 0 });
  });

  test('a node without data reads as "null"; the flags pick ephemeral, container and TTL nodes', async () => {
    expect((await shell('create', '/c2')).err).toBe('Created /c2\n');
    expect((await shell('get', '/c2')).out).toBe('null\n');
    expect((await shell('create', '-c', '/c2/cont')).err).toBe('Created /c2/cont\n');
    expect((await shell('create', '-t', '60000', '/c2/ttl', 'x')).err).toBe('Created /c2/ttl\n');
    const s = await session('create -e /c2/eph x', 'stat /c2/eph', 'getEphemerals /c2', 'create -s -e /c2/es- x', 'getAllChildrenNumber /c2');
    expect(s.merged).toMatch(/Created \/c2\/eph\ncZxid[\s\S]*ephemeralOwner = 0x[1-9a-f][0-9a-f]*\n[\s\S]*\[\/c2\/eph\]\nCreated \/c2\/es-0000000003\n4\n$/);
  });

  test('failures print zkCli\'s message on stderr and exit 1', async () => {
    await shell('create', '/f1', 'x');
    await shell('create', '/f1/child', 'x');
    expect(await shell('create', '/f1')).toEqual({ out: '', err: 'Node already exists: /f1\n', code: 1 });
    expect(await shell('get', '/none')).toEqual({ out: '', err: 'Node does not exist: /none\n', code: 1 });
    expect(await shell('stat', '/none')).toEqual({ out: '', err: 'Node does not exist: /none\n', code: 1 });
    expect(await shell('delete', '/f1')).toEqual({ out: '', err: 'Node not empty: /f1\n', code: 1 });
    expect(await shell('set', '-v', '7', '/f1', 'x')).toEqual({ out: '', err: 'version No is not valid : /f1\n', code: 1 });
    expect(await shell('ls', 'f1')).toEqual({ out: '', err: 'Path must start with / character\n', code: 1 });
    expect(await shell('ls', '/f1/')).toEqual({ out: '', err: 'Path must not end with / character\n', code: 1 });
    expect(await shell('create', '-e', '/f1/eph')).toMatchObject({ code: 0 });
    expect(await shell('create', '-t', '0', '/f1/t')).toEqual({ out: '', err: 'ttl must be positive and cannot be larger than: 1099511627775\n', code: 1 });
    expect(await shell('set', '-v', 'abc', '/f1', 'x')).toEqual({ out: '', err: 'java.lang.NumberFormatException: For input string: "abc"\n', code: 1 });
  });

  test('bad arguments print the usage or commons-cli\'s complaint; an unknown command lists all and exits 127', async () => {
    expect(await shell('create')).toEqual({ out: '', err: 'create [-s] [-e] [-c] [-t ttl] path [data] [acl]\n', code: 1 });
    expect(await shell('ls', '-x', '/')).toEqual({ out: '', err: 'org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -x\n', code: 1 });
    expect(await shell('delete', '-v')).toEqual({ out: '', err: 'org.apache.commons.cli.MissingArgumentException: Missing argument for option: v\n', code: 1 });
    const unknown = await shell('frobnicate');
    expect(unknown.code).toBe(127);
    expect(unknown.err).toMatch(/^ZooKeeper -server host:port -client-configuration properties-file cmd args\n\taddWatch /);
    expect(unknown.err).toContain('\n\tls [-s] [-w] [-R] path\n');
    expect(unknown.err.endsWith('\twhoami \nCommand not found: Command not found frobnicate\n')).toBe(true);
    expect(await shell('version')).toEqual({ out: 'ZooKeeper CLI version: 3.8.0-zoolab-test\n', err: '', code: 0 });
  });

  test('deleteall removes a subtree in batches; delete -v checks the version', async () => {
    for (const p of ['/d1', '/d1/a', '/d1/a/b', '/d1/c']) await shell('create', p, 'x');
    expect(await shell('deleteall', '/d1', '-b', '2')).toEqual({ out: '', err: '', code: 0 });
    expect(await shell('ls', '/d1')).toEqual({ out: '', err: 'Node does not exist: /d1\n', code: 1 });
    expect(await shell('deleteall', '/d1', '-b', 'x')).toEqual({ out: '', err: '-b argument must be an int value\n', code: 1 });
    await shell('create', '/d2', 'x');
    expect(await shell('delete', '-v', '1', '/d2')).toEqual({ out: '', err: 'version No is not valid : /d2\n', code: 1 });
    expect(await shell('delete', '-v', '0', '/d2')).toEqual({ out: '', err: '', code: 0 });
  });

  test('getAcl, setAcl, addauth and whoami: a digest ACL locks a node until the session authenticates', async () => {
    await shell('create', '/a1', 'secret');
    expect(await shell('getAcl', '/a1')).toEqual({ out: "'world,'anyone\n: cdrwa\n", err: '', code: 0 });
    expect(await shell('setAcl', '/a1', 'digest:u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ=:cdrwa')).toMatchObject({ code: 0 });
    expect(await shell('get', '/a1')).toEqual({ out: '', err: 'Insufficient permission : /a1\n', code: 1 });
    const s = await session('addauth digest u:p', 'get /a1', 'getAcl /a1', 'whoami');
    expect(withoutConnectEvent(s.merged)).toBe("secret\n'digest,'u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ=\n: cdrwa\nAuth scheme: User\nip: 127.0.0.1\ndigest: u\n");
    expect(await shell('setAcl', '/a1', 'foo')).toEqual({ out: '', err: 'foo does not have the form scheme:id:perm\nAcl is not valid : null\n', code: 1 });
  });

  test('sync, config, getAllChildrenNumber and getEphemerals report what the server knows', async () => {
    expect(await shell('sync', '/')).toEqual({ out: 'Sync is OK\n', err: '', code: 0 });
    expect(await shell('config')).toEqual({ out: '\n', err: '', code: 0 });
    expect(await shell('config', '-c')).toEqual({ out: ' \n', err: '', code: 0 });
    expect(await shell('getEphemerals')).toEqual({ out: '[]\n', err: '', code: 0 });
    expect(await shell('getAllChildrenNumber', '/zookeeper')).toEqual({ out: '2\n', err: '', code: 0 });
    expect(await shell('reconfig', '-add', 'server.5=localhost:1234:1235;1236')).toEqual({ out: '', err: 'KeeperErrorCode = Reconfig is disabled\n', code: 1 });
  });

  test('setquota, listquota and delquota keep the quota nodes the server counts', async () => {
    await shell('create', '/q1', 'x');
    await shell('create', '/q1/a', 'y');
    expect(await shell('setquota', '-n', '5', '/q1')).toEqual({ out: '', err: '', code: 0 });
    expect(await shell('listquota', '/q1')).toEqual({
      out: 'Output quota for /q1 count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=-1\nOutput stat for /q1 count=2,bytes=2\n',
      err: 'absolute path is /zookeeper/quota/q1/zookeeper_limits\n',
      code: 0,
    });
    expect(await shell('setquota', '-N', '1', '/q1')).toEqual({ out: '[Warning]: the count quota you create is less than the existing count:2\n', err: '', code: 0 });
    expect(await shell('setquota', '-n', '1', '/q1/a')).toEqual({ out: '', err: '/q1/a has a parent /q1 which has a quota\n', code: 1 });
    expect(await shell('delquota', '/q1')).toEqual({ out: '', err: '', code: 0 });
    expect(await shell('listquota', '/q1')).toEqual({ out: '', err: 'absolute path is /zookeeper/quota/q1/zookeeper_limits\nquota for /q1 does not exist.\n', code: 0 });
  });

  test('get -w, ls -w, stat -w and addWatch print the notifications; removewatches ends them', async () => {
    await shell('create', '/w1', 'x');
    const t = await runOurShell(['-server', server().connectString], [
      'get -w /w1',
      'stat -w /w1/later',
      'addWatch -m PERSISTENT /w1/p',
      'create /w1/later x',
      'create /w1/p x',
      'set /w1 z',
      'removewatches /w1/p',
      'removewatches /w1/none',
      'printwatches off',
      'set /w1/p y',
      'printwatches',
    ]);
    const events = t.merged.split('\n').filter((l) => l.startsWith('WatchedEvent ') && !l.includes('type:None'));
    expect(events).toEqual([
      'WatchedEvent state:SyncConnected type:NodeCreated path:/w1/later',
      'WatchedEvent state:SyncConnected type:NodeCreated path:/w1/p',
      'WatchedEvent state:SyncConnected type:NodeDataChanged path:/w1',
      'WatchedEvent state:SyncConnected type:PersistentWatchRemoved path:/w1/p',
    ]);
    expect(t.err).toContain('KeeperErrorCode = No such watcher for /w1/none\n');
    expect(t.out.endsWith('printwatches is off\n')).toBe(true);
  });

  test('history, redo, close, Not connected, connect and quit in one session', async () => {
    const s = await session(
      'create /h1 a',
      'get /h1',
      'history',
      'redo 1',
      'redo 1x',
      'close',
      'get /h1',
      `connect ${server().connectString}`,
      'get /h1',
      'get /h1/none',
      'quit',
      'get /h1',
    );
    const text = s.merged.replace(/\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n/g, '');
    expect(text).toBe(
      [
        'Created /h1',
        'a',
        '0 - create /h1 a',
        '1 - get /h1',
        '2 - history',
        'a',
        'java.lang.NumberFormatException: For input string: "1x"',
        '',
        'WATCHER::',
        '',
        'WatchedEvent state:Closed type:None path:null',
        'Not connected',
        'a',
        'Node does not exist: /h1/none',
        '',
        'WATCHER::',
        '',
        'WatchedEvent state:Closed type:None path:null',
        '',
      ].join('\n'),
    );
    // quit leaves with the code of the command before it.
    expect(s.code).toBe(1);
  });

  test('the zoolab program runs the shell as `zoolab shell`, passing zkCli\'s flags through', async () => {
    let out = '';
    let err = '';
    const saved = process.exitCode;
    try {
      await buildProgram({ stdout: (t) => (out += t), stderr: (t) => (err += t) }).parseAsync([
        'node', 'zoolab', 'shell', '-server', server().connectString, '-timeout', '5000', 'ls', '-R', '/zookeeper',
      ]);
      expect(process.exitCode).toBe(0);
      expect(withoutConnectEvent(out)).toBe(`Connecting to ${server().connectString}\n/zookeeper\n/zookeeper/config\n/zookeeper/quota\n`);
      expect(err).toBe('');
    } finally {
      process.exitCode = saved;
    }
  });
});

describe('zoolab shell without a server', () => {
  test('a command that needs no server runs at once; one that does fails with ConnectionLoss', async () => {
    expect(printed(await runOurShell(['-server', '127.0.0.1:1', 'version']))).toEqual({
      out: 'ZooKeeper CLI version: 3.8.0-zoolab-test\n',
      err: '',
      code: 0,
    });
    const r = await runOurShell(['-server', '127.0.0.1:1', '-timeout', '2000', 'ls', '/']);
    expect(r.err).toBe('KeeperErrorCode = ConnectionLoss for /\n');
    expect(r.code).toBe(1);
  });

  test('a connect string the client refuses is reported, exit 1', async () => {
    const r = await runOurShell(['-server', '127.0.0.1:99999', 'ls', '/']);
    expect(r.code).toBe(1);
    expect(r.err).not.toBe('');
  });

  test('-waitforconnection gives up after the timeout', async () => {
    const r = await runOurShell(['-server', '127.0.0.1:1', '-timeout', '1000', '-waitforconnection', 'ls', '/']);
    expect(r).toMatchObject({ code: 1, err: 'KeeperErrorCode = ConnectionLoss\n' });
  });
});
