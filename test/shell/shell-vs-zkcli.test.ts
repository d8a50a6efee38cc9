import { javaZooKeeperMissing } from '../support/java-zookeeper';
import { referenceTarget, useServer, zoolabTarget, type ServerHandle } from '../support/targets';
import { mask, runOurShell, runZkCli, splitWatcherOutput, withoutConnectEvent, type ShellRun } from './support/shell-harness';
import { SESSION_SCRIPT } from './support/session-script';

/**
 * The strongest check of `zoolab shell`: the same lines typed into Apache ZooKeeper's own
 * zkCli.sh 3.8 and into the zoolab shell, each against a fresh Apache ZooKeeper server,
 * print the same text (times after the epoch, session ids and ports masked), exit with the
 * same code, and hear the same watch notifications. Then the zoolab shell against the
 * zoolab server must print what zkCli printed against Apache ZooKeeper.
 */
jest.setTimeout(180_000);

const missing = javaZooKeeperMissing();
const describeWithJava = missing ? describe.skip : describe;
if (missing) console.warn(`shell-vs-zkcli skipped: ${missing}`);

/** zxids by order of first appearance ("z1", "z2", …): what is equal stays equal. */
function renumberZxids(text: string): string {
  const seen = new Map<string, string>();
  return text.replace(/^([cmp]Zxid) = (0x[0-9a-f]+)$/gm, (_m, k: string, v: string) => {
    if (!seen.has(v)) seen.set(v, `z${seen.size + 1}`);
    return `${k} = ${seen.get(v)}`;
  });
}

/** zkCli runs its connection event in whenever it lands; compare without it. */
const comparable = (r: ShellRun) => ({ out: mask(withoutConnectEvent(r.out)), err: mask(r.err), code: r.code });

/** Commands run one per process (`zkCli.sh -server … cmd args`), in this order, on one server each. */
const ONE_SHOT: string[][] = [
  ['ls', '/'],
  ['create', '/n', 'data'],
  ['create', '/n'],
  ['create'],
  ['create', '-x', '/b'],
  ['get', '-s', '/n'],
  ['get'],
  ['get', '/n', 'extra'],
  ['ls', '-s', '/'],
  ['ls'],
  ['ls', '-?', '/'],
  ['ls', '/', 'w'],
  ['set', '/n'],
  ['set', '-v', '/n', 'x'],
  ['stat', '/n'],
  ['stat', '/nope'],
  ['delete', '/n', '1'],
  ['delete', '-v', '5', '/n'],
  ['getAcl', '/n'],
  ['setAcl', '/n', 'world:anyone:rwz'],
  ['setAcl', '/n', 'foo'],
  ['frob'],
  ['whoami'],
  ['config'],
  ['config', '-c'],
  ['getEphemerals'],
  ['getAllChildrenNumber'],
  ['getAllChildrenNumber', '/'],
  ['addWatch', '-m', 'FOO', '/n'],
  ['addWatch', '-m', 'persistent', '/n'],
  ['removewatches', '/n'],
  ['sync', '/'],
  ['history'],
  ['redo', '0'],
  ['redo'],
  ['printwatches'],
  ['printwatches', 'off'],
  ['close'],
  ['quit'],
  ['deleteall', '/nope'],
  ['deleteall', '/n', '-b', 'x'],
  ['ls', 'n'],
  ['ls', '/n/'],
  ['setquota', '/n'],
  ['setquota', '-n', '5', '-b', '4', '/n'],
  ['setquota', '-n', '0', '/n'],
  ['setquota', '-n', '5', '/nope'],
  ['listquota', '/n'],
  ['delquota', '/n'],
  ['reconfig'],
  ['reconfig', '-add', 'x'],
  ['addauth'],
  ['create', '-sw', '/x'],
  ['ls', '-sR', '/'],
  ['get', '--', '-s'],
  ['delete', '-v'],
  ['version', 'x'],
  ['create', '/q', '"a b"'],
  ['deleteall', '/n'],
  ['ls', '/'],
];

describeWithJava('zoolab shell against zkCli.sh 3.8, one command per run, both on Apache ZooKeeper', () => {
  const forZkCli = useServer(referenceTarget);
  const forShell = useServer(referenceTarget);
  const zkcli: ShellRun[] = [];
  const ours: ShellRun[] = [];

  beforeAll(async () => {
    for (const args of ONE_SHOT) {
      zkcli.push(await runZkCli(forZkCli().connectString, args));
      ours.push(await runOurShell(['-server', forShell().connectString, ...args]));
    }
  }, 170_000);

  // zkCli leaves its session to expire; the zoolab shell closes it, which takes a zxid.
  // So zxids are compared by which of them are equal, not by value.
  test.each(ONE_SHOT.map((args, i) => [args.join(' '), i] as const))('`%s` prints the same and exits the same', (_name, i) => {
    const relative = (r: ShellRun) => ({ ...comparable(r), out: renumberZxids(comparable(r).out) });
    expect(relative(ours[i])).toEqual(relative(zkcli[i]));
  });
});

describeWithJava('zoolab shell against zkCli.sh 3.8, one session fed on stdin', () => {
  // Fresh servers: the same lines give the same zxids, which are compared as they are.
  const forZkCli = useServer(referenceTarget);
  const forShell = useServer(referenceTarget);
  const zoolab = useServer(zoolabTarget);
  let zkcli: ShellRun;
  let ours: ShellRun;
  let oursOnZoolab: ShellRun;

  beforeAll(async () => {
    const script = (h: ServerHandle) => SESSION_SCRIPT.map((l) => l.replace('@SERVER@', h().connectString));
    [zkcli, ours, oursOnZoolab] = await Promise.all([
      runZkCli(forZkCli().connectString, [], script(forZkCli)),
      runOurShell(['-server', forShell().connectString], script(forShell)),
      runOurShell(['-server', zoolab().connectString], script(zoolab)),
    ]);
  }, 120_000);

  describe('on Apache ZooKeeper', () => {
    test('the session really ran (a sample of what zkCli printed)', () => {
      if (process.env.ZOOLAB_SHELL_TRANSCRIPTS) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fs = require('node:fs') as typeof import('node:fs');
        fs.writeFileSync(`${process.env.ZOOLAB_SHELL_TRANSCRIPTS}.zkcli`, zkcli.merged);
        fs.writeFileSync(`${process.env.ZOOLAB_SHELL_TRANSCRIPTS}.ours`, ours.merged);
        fs.writeFileSync(`${process.env.ZOOLAB_SHELL_TRANSCRIPTS}.zoolab`, oursOnZoolab.merged);
      }
      for (const line of ['Created /s/es-0000000004', 'Output quota for /q count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=-1', 'digest: u', 'Not connected']) {
        expect(zkcli.merged.split('\n')).toContain(line);
      }
      expect(zkcli.merged.split('\n').length).toBeGreaterThan(300);
    });

    test('everything but the watch notifications is printed identically, line for line', () => {
      const theirs = splitWatcherOutput(mask(zkcli.merged)).rest.split('\n');
      const mine = splitWatcherOutput(mask(ours.merged)).rest.split('\n');
      expect(mine).toEqual(theirs);
    });

    test('the same watch notifications arrive, in the same order', () => {
      expect(splitWatcherOutput(ours.merged).events).toEqual(splitWatcherOutput(zkcli.merged).events);
    });

    test('the session exits with the code of its last command', () => {
      expect(ours.code).toBe(zkcli.code);
      expect(ours.code).toBe(1);
    });
  });

  describe('on the zoolab server', () => {
    // A server lists a session's ephemerals in its own hash order.
    const sortLists = (text: string) => text.replace(/^\[(\/[^\]]*)\]$/gm, (_m, body: string) => `[${body.split(', ').sort().join(', ')}]`);

    test('the session prints what zkCli printed against Apache ZooKeeper', () => {
      const theirs = splitWatcherOutput(sortLists(mask(zkcli.merged))).rest.split('\n');
      const mine = splitWatcherOutput(sortLists(mask(oursOnZoolab.merged))).rest.split('\n');
      expect(mine).toEqual(theirs);
    });

    test('and hears the same watch notifications', () => {
      expect(splitWatcherOutput(oursOnZoolab.merged).events).toEqual(splitWatcherOutput(zkcli.merged).events);
      expect(oursOnZoolab.code).toBe(zkcli.code);
    });
  });
});
