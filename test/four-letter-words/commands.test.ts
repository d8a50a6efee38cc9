import { FourLetterWords } from '../../lib/server/four-letter-words';
import { enabledWords, KNOWN_WORDS, ZK_NOT_SERVING } from '../../lib/server/four-letter-words/four-letter-commands';
import type { FourLetterWordConnection } from '../../lib/server/four-letter-word-hook';
import type { ZooKeeperServer } from '../../lib/server/zookeeper-server';
import { fakeContext } from './fake-context';
import { javaAnswer, keyValueKeys, mntrEntries, shape, shapeLines, valueForm } from './java-fixtures';

const all = new FourLetterWords({ whitelist: ['*'] });
const run = (word: string, ctx = fakeContext()) => all.run(word, ctx);
const noServer = {} as ZooKeeperServer;
const noCnxn: FourLetterWordConnection = { remoteAddress: '127.0.0.1', remotePort: 1, readBytes: () => Promise.reject(new Error('no bytes')) };

describe('four-letter words: the whitelist', () => {
  it('answers a known word that is not whitelisted exactly as ZooKeeper does', async () => {
    const defaults = new FourLetterWords({ whitelist: [] });
    const answer = (await defaults.handle('mntr', noServer, noCnxn)) + (await defaults.handle('ruok', noServer, noCnxn));
    expect(answer).toBe(javaAnswer('not-whitelisted'));
  });

  it('always enables srvr, adds isro in read-only mode, and * enables every known word', () => {
    expect([...enabledWords([])]).toEqual(['srvr']);
    expect(enabledWords(['ruok', ' stat '], true)).toEqual(new Set(['ruok', 'stat', 'isro', 'srvr']));
    expect(enabledWords(['ruok', '*'])).toEqual(new Set(KNOWN_WORDS));
  });

  it('recognises every word ZooKeeper knows, whitelisted or not, and nothing else', () => {
    const h = new FourLetterWords({ whitelist: [] });
    for (const w of KNOWN_WORDS) expect(h.isFourLetterWord(w)).toBe(true);
    expect(h.isFourLetterWord('abcd')).toBe(false);
    expect(h.isFourLetterWord('RUOK')).toBe(false);
  });
});

describe('four-letter words: answers in ZooKeeper 3.8 formats', () => {
  it('ruok says imok and isro says rw, without newlines', () => {
    expect(run('ruok')).toBe(javaAnswer('ruok'));
    expect(run('isro')).toBe(javaAnswer('isro'));
  });

  it('srvr prints the version, ServerStats and the node count', () => {
    const out = run('srvr');
    expect(shape(out)).toBe(shape(javaAnswer('srvr')));
    // AvgMinMaxCounter rounds to 4 decimals; Java prints doubles with a ".0" when whole.
    expect(out).toContain('Latency min/avg/max: 1/3.625/14\n');
    expect(out).toContain('Zxid: 0x4\nMode: standalone\nNode count: 7\n');
  });

  it('stat adds the brief connection list, connections in the order the server holds them', () => {
    const out = run('stat');
    expect(out).toContain('Clients:\n /127.0.0.1:37736[1](queued=0,recved=5,sent=5)\n /127.0.0.1:37740[1](queued=0,recved=3,sent=0)\n /127.0.0.1:37766[0](queued=0,recved=1,sent=0)\n\n');
    expect(shapeLines(out)).toEqual(shapeLines(javaAnswer('stat')));
  });

  it('cons prints each connection in full, lcxid only once a real cxid was seen', () => {
    const ctx = fakeContext();
    const out = run('cons', ctx);
    expect(out.split('\n')[0]).toBe(
      ' /127.0.0.1:37736[1](queued=0,recved=5,sent=5,sid=0x100000904ec0000,lop=GETC,est=1795761043403,to=10000,lcxid=0x4,lzxid=0x4,lresp=201,llat=1,minlat=1,avglat=7,maxlat=14)',
    );
    expect(shapeLines(run('cons', ctx))).toEqual(shapeLines(javaAnswer('cons')));
    expect(run('crst', ctx)).toBe(javaAnswer('crst'));
    expect(shapeLines(run('cons', ctx))).toEqual(shapeLines(javaAnswer('cons-after-crst')));
    expect(run('cons', ctx)).toContain(',lop=NA,est=1795761043403,to=10000,lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)');
  });

  it('srst resets the server stats', () => {
    const ctx = fakeContext();
    expect(run('srst', ctx)).toBe(javaAnswer('srst'));
    expect(run('srvr', ctx)).toContain('Latency min/avg/max: 0/0.0/0\nReceived: 0\nSent: 0\n');
  });

  it('conf prints dumpConf\'s keys in order', () => {
    const out = run('conf');
    expect(keyValueKeys(out)).toEqual(keyValueKeys(javaAnswer('conf')));
    expect(out).toContain('dataDir=/var/zk/version-2\ndataDirSize=67109337\n');
    expect(out.endsWith('serverId=0\n')).toBe(true);
  });

  it('conf adds QuorumZooKeeperServer\'s lines and the membership for a peer', () => {
    const base = fakeContext();
    const ctx = fakeContext({
      conf: () => ({
        ...base.conf(),
        serverId: 2,
        quorum: {
          initLimit: 10, syncLimit: 5, electionAlg: 3, electionPort: 3888, quorumPort: 2888, peerType: 'participant', version: 0x100000000n,
          servers: [
            { id: 1, host: 'zk1', quorumPort: 2888, electionPort: 3888, type: 'participant' },
            { id: 2, host: '::1', quorumPort: 2888, electionPort: 3888, type: 'observer', clientHost: '0.0.0.0', clientPort: 2181 },
          ],
        },
      }),
    });
    expect(run('conf', ctx)).toMatch(
      /serverId=2\ninitLimit=10\nsyncLimit=5\nelectionAlg=3\nelectionPort=3888\nquorumPort=2888\npeerType=0\nmembership: \nserver\.1=zk1:2888:3888:participant\nserver\.2=\[::1\]:2888:3888:observer;0\.0\.0\.0:2181\nversion=100000000$/,
    );
  });

  it('dirs prints both directory sizes', () => {
    expect(shape(run('dirs'))).toBe(shape(javaAnswer('dirs')));
  });

  it('wchs, wchc and wchp report the data watches as ZooKeeper does', () => {
    expect(run('wchs')).toBe(javaAnswer('wchs'));
    expect(shapeLines(run('wchc'))).toEqual(shapeLines(javaAnswer('wchc')));
    expect(shapeLines(run('wchp'))).toEqual(shapeLines(javaAnswer('wchp')));
    expect(run('wchc')).toBe('0x100000904ec0000\n\t/app\n0x100000904ec0001\n\t/missing\n\t/app\n\n');
    expect(run('wchp')).toBe('/missing\n\t0x100000904ec0001\n/app\n\t0x100000904ec0000\n\t0x100000904ec0001\n\n');
  });

  it('dump prints sessions by expiry bucket, ephemerals, and connections by expiry bucket', () => {
    const out = run('dump');
    expect(shapeLines(out)).toEqual(shapeLines(javaAnswer('dump')));
    expect(out).toMatch(/^SessionTracker dump:\nSession Sets \(1\)\/\(2\):\n2 expire at \w{3} Nov 27 \d\d:30:53 \S+ 2026:\n\t0x100000904ec0001\n/);
  });

  it('dump leaves the connections section empty when the factory keeps no expiry buckets', () => {
    expect(run('dump', fakeContext({ connectionExpiryMap: () => null })).endsWith('Connections dump:\n')).toBe(true);
  });

  it('envi prints Environment.list\'s keys in order', () => {
    const out = run('envi');
    expect(keyValueKeys(out)).toEqual(keyValueKeys(javaAnswer('envi')));
    expect(out).toMatch(/^Environment:\nzookeeper\.version=3\.8\.0-zoolab-0\.1\.0, built on /);
    expect(out).toMatch(/\nos\.memory\.total=\d+MB\n$/);
  });

  it('mntr prints every key ZooKeeper 3.8 prints standalone, in its order, tab-separated', () => {
    const ours = mntrEntries(run('mntr'));
    const java = mntrEntries(javaAnswer('mntr'));
    expect(ours.map(([k]) => k)).toEqual(java.map(([k]) => k));
    // Same value forms: integers stay integers, doubles keep their decimal point.
    expect(ours.map(([k, v]) => [k, valueForm(v)])).toEqual(java.map(([k, v]) => [k, valueForm(v)]));
    const m = new Map(ours);
    expect(m.get('zk_server_state')).toBe('standalone');
    expect(m.get('zk_avg_latency')).toBe('3.625');
    expect(m.get('zk_watch_count')).toBe('4');
    expect(m.get('zk_ephemerals_count')).toBe('1');
    expect(m.get('zk_global_sessions')).toBe('2');
    expect(m.get('zk_avg_app_write_per_namespace')).toBe('7.5');
  });

  it('hash prints the digest log as zxid-hex: digest', () => {
    expect(run('hash')).toBe('80: 123456789\n');
  });

  it('gtmk prints ZooTrace\'s default mask and stmk sets it from the 8 bytes after the word', async () => {
    const h = new FourLetterWords({ whitelist: ['*'] });
    expect(h.run('gtmk', fakeContext())).toBe('306');
    const mask = Buffer.alloc(8);
    mask.writeBigInt64BE(0x1ffn);
    const cnxn = { ...noCnxn, readBytes: (n: number) => Promise.resolve(mask.subarray(0, n)) };
    expect(await h.handle('stmk', noServer, cnxn)).toBe('511');
    expect(h.run('gtmk', fakeContext())).toBe('511');
  });

  it('answers "not currently serving" when the server is not running, as each Java command does', () => {
    const down = fakeContext({ isRunning: () => false });
    for (const w of ['srvr', 'stat', 'conf', 'cons', 'crst', 'srst', 'dirs', 'mntr', 'wchs', 'wchc', 'wchp', 'dump']) {
      expect([w, run(w, down)]).toEqual([w, `${ZK_NOT_SERVING}\n`]);
    }
    expect(run('hash', down)).toBe(ZK_NOT_SERVING);
    expect(run('isro', down)).toBe('null');
    expect(run('ruok', down)).toBe('imok');
    expect(run('envi', down)).toMatch(/^Environment:\n/);
  });

  it('marks a read-only server in srvr and isro', () => {
    const ro = fakeContext({ isReadOnly: () => true });
    expect(run('isro', ro)).toBe('ro');
    expect(run('srvr', ro)).toMatch(/^Zookeeper version: .*\nREAD-ONLY mode; serving only read-only clients\nLatency/);
  });

  it('adds the proposal sizes line for a leader', () => {
    expect(run('srvr', fakeContext({ proposalStats: () => '36/36/36' }))).toMatch(/Node count: 7\nProposal sizes last\/min\/max: 36\/36\/36\n$/);
  });

  it('prints a negative session id as Java prints a long in hex (two\'s complement)', () => {
    const ctx = fakeContext();
    ctx.cnxns[0] = { ...ctx.cnxns[0], sessionId: -2n };
    expect(run('cons', ctx)).toContain('sid=0xfffffffffffffffe,');
  });
});
