import { parseStat, runZkCli, type ZkCliRun } from '../support/zkcli';
import { targets, useServer } from '../support/targets';
import { COMMANDS } from './zkcli-commands';

/**
 * Apache ZooKeeper's own shell, zkCli.sh 3.8 (Debian), against each target: one session
 * runs the commands in zkcli-commands.ts on a fresh server, and each test reads one
 * section of what it printed. The expected text is what zkCli printed against Apache
 * ZooKeeper 3.8, with times and session ids masked (zxids are kept: on a fresh server
 * they are the same on both).
 */
const mask = (lines: string[]): string[] =>
  lines.map((l) =>
    l
      .replace(/^([cm]time) = .*$/, '$1 = <time>')
      .replace(/^ephemeralOwner = 0x[0-9a-f]+$/, (m) => (m === 'ephemeralOwner = 0x0' ? m : 'ephemeralOwner = <session>')),
  );

const statLines = (s: {
  cZxid: string;
  mZxid: string;
  pZxid: string;
  cversion: number;
  dataVersion: number;
  aclVersion: number;
  ephemeralOwner?: string;
  dataLength: number;
  numChildren: number;
}) => [
  `cZxid = ${s.cZxid}`,
  'ctime = <time>',
  `mZxid = ${s.mZxid}`,
  'mtime = <time>',
  `pZxid = ${s.pZxid}`,
  `cversion = ${s.cversion}`,
  `dataVersion = ${s.dataVersion}`,
  `aclVersion = ${s.aclVersion}`,
  `ephemeralOwner = ${s.ephemeralOwner ?? '0x0'}`,
  `dataLength = ${s.dataLength}`,
  `numChildren = ${s.numChildren}`,
];

const watcherLines = (lines: string[]) => lines.filter((l) => l.startsWith('WatchedEvent '));
const withoutWatcher = (lines: string[]) => lines.filter((l) => l !== 'WATCHER::' && !l.startsWith('WatchedEvent '));

describe.each(targets)('zkCli.sh 3.8 against $name', (target) => {
  const server = useServer(target);
  let run: ZkCliRun;
  // zkCli's event thread prints notifications whenever they arrive; only the watch test
  // looks at them.
  const section = (name: string) => withoutWatcher(run.section(name));

  beforeAll(async () => {
    run = await runZkCli(server().connectString, COMMANDS);
  }, 60000);

  test('connects and reports SyncConnected', () => {
    expect(watcherLines(run.lines)[0]).toBe('WatchedEvent state:SyncConnected type:None path:null');
  });

  test('create -s -e -c -t prints the created paths, and errors as zkCli words them', () => {
    expect(section('create')).toEqual([
      'Created /zc',
      'Created /zc/seq-0000000000',
      'Created /zc/eph',
      'Created /zc/cont',
      'Created /zc/ttl',
      'Created /zc/es-0000000004',
      'Node already exists: /zc',
      'Node does not exist: /zc/missing/x',
      'Path must start with / character',
      'ttl must be positive and cannot be larger than: 1099511627775',
    ]);
  });

  test('ls, ls -s, ls -R, get, get -s and stat print children, data and every Stat field', () => {
    const zc = statLines({ cZxid: '0x2', mZxid: '0x2', pZxid: '0x7', cversion: 5, dataVersion: 0, aclVersion: 0, dataLength: 4, numChildren: 5 });
    const children = '[cont, eph, es-0000000004, seq-0000000000, ttl]';
    expect(mask(section('read'))).toEqual([
      children,
      children,
      ...zc,
      '/zc',
      '/zc/cont',
      '/zc/eph',
      '/zc/es-0000000004',
      '/zc/seq-0000000000',
      '/zc/ttl',
      'Node does not exist: /none',
      'data',
      'data',
      ...zc,
      'Node does not exist: /none',
      ...statLines({
        cZxid: '0x4',
        mZxid: '0x4',
        pZxid: '0x4',
        cversion: 0,
        dataVersion: 0,
        aclVersion: 0,
        ephemeralOwner: '<session>',
        dataLength: 1,
        numChildren: 0,
      }),
      'Node does not exist: /none',
    ]);
  });

  test('set -v, delete -v and deleteall report version conflicts and non-empty nodes', () => {
    expect(mask(section('update'))).toEqual([
      'version No is not valid : /zc',
      ...statLines({ cZxid: '0x2', mZxid: '0xc', pZxid: '0x7', cversion: 5, dataVersion: 2, aclVersion: 0, dataLength: 2, numChildren: 5 }),
      'version No is not valid : /zc/eph',
      'Node not empty: /zc',
      'Created /zc/sub',
      'Created /zc/sub/a',
      'Created /zc/sub/a/b',
      '[cont, eph, es-0000000004, seq-0000000000, ttl]',
      'Node does not exist: /zc/ttl',
    ]);
  });

  test('getAcl, setAcl and addauth: a digest ACL locks the node until the session authenticates', () => {
    expect(mask(section('acl'))).toEqual([
      "'world,'anyone",
      ': cdrwa',
      'Created /zc/locked',
      'Insufficient permission : /zc/locked',
      'Insufficient permission : /zc/locked',
      'version No is not valid : /zc/cont',
      'Acl is not valid : /zc/cont',
      'secret',
      "'digest,'u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ=",
      ': cdrwa',
      ...statLines({ cZxid: '0x15', mZxid: '0x15', pZxid: '0x15', cversion: 0, dataVersion: 0, aclVersion: 1, dataLength: 6, numChildren: 0 }),
      'Auth scheme: User',
      'ip: 127.0.0.1',
      'digest: u',
    ]);
  });

  test('sync, getEphemerals, getAllChildrenNumber, config, unknown commands and reconfig', () => {
    const misc = section('misc');
    // getEphemerals lists a session's ephemerals in Java HashSet order; compared as a set.
    const asSet = (l: string) => l.replace(/^\[|\]$/g, '').split(', ').sort();
    expect(asSet(misc[1])).toEqual(['/zc/eph', '/zc/es-0000000004']);
    expect([misc[0], ...misc.slice(2, 5)]).toEqual(['Sync is OK', '[/zc/es-0000000004]', '5', 'Node does not exist: /none']);
    // config prints the (empty, standalone) /zookeeper/config node: nothing at all.
    expect(misc[5]).toBe('ZooKeeper -server host:port -client-configuration properties-file cmd args');
    expect(misc.slice(-2)).toEqual(['Command not found: Command not found frobnicate', 'KeeperErrorCode = Reconfig is disabled']);
  });

  test('setquota / listquota / delquota keep quota nodes the server counts', () => {
    expect(section('quota')).toEqual([
      'Created /zq',
      'Created /zq/a',
      'absolute path is /zookeeper/quota/zq/zookeeper_limits',
      'Output quota for /zq count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=-1',
      'Output stat for /zq count=2,bytes=2',
      'absolute path is /zookeeper/quota/zq/zookeeper_limits',
      'quota for /zq does not exist.',
    ]);
  });

  test('addWatch -m, get -w, stat -w and removewatches print the notifications zkCli receives', () => {
    const watch = run.section('watch');
    expect(withoutWatcher(watch)).toEqual([
      'Created /zw',
      'Created /zw/deep',
      'Created /zw/unwatched',
      'Created /zw/p',
      'p2',
      'KeeperErrorCode = No such watcher for /zw/nothing',
      'Node does not exist: /zw/later',
      'Created /zw/later',
    ]);
    // Notifications are printed by zkCli's event thread, so only their own order is fixed,
    // and the last may come after the next marker.
    const marker = run.lines.indexOf('Node does not exist: /__zkcli_mark__/watch');
    const events = watcherLines(run.lines.slice(marker)).filter((l) => !l.includes('state:Closed'));
    expect(events).toEqual([
      'WatchedEvent state:SyncConnected type:NodeCreated path:/zw/deep',
      'WatchedEvent state:SyncConnected type:NodeDataChanged path:/zw/deep',
      'WatchedEvent state:SyncConnected type:PersistentWatchRemoved path:/zw',
      'WatchedEvent state:SyncConnected type:NodeCreated path:/zw/p',
      'WatchedEvent state:SyncConnected type:NodeDataChanged path:/zw/p',
      'WatchedEvent state:SyncConnected type:PersistentWatchRemoved path:/zw/p',
      'WatchedEvent state:SyncConnected type:NodeDataChanged path:/zw/p',
      'WatchedEvent state:SyncConnected type:NodeCreated path:/zw/later',
    ]);
  });

  test('quit closes the session', () => {
    expect(run.lines.slice(-1)).toEqual(['WatchedEvent state:Closed type:None path:null']);
  });

  test('the stat printed by ls -s matches stat', () => {
    const read = section('read');
    expect(parseStat(read.slice(2, 13))).toMatchObject({ numChildren: '5', cversion: '5' });
  });
});
