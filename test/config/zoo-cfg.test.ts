import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../lib/config/config-error';
import { isDistributed, loadZooCfg, parseZooCfg, type ZooCfgOptions } from '../../lib/config/zoo-cfg';

const base = 'dataDir=/var/zk\n';
const parse = (text: string, opts: ZooCfgOptions = {}) => parseZooCfg(text, { loadMyId: () => null, ...opts });
const cfgOf = (text: string, opts: ZooCfgOptions = {}) => parse(base + text, opts).config;

/** The ConfigError thrown, so a test can check its key as well as its message. */
function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('zoo.cfg keys into ServerConfig', () => {
  it('reads the standalone keys', () => {
    const c = cfgOf(
      [
        'tickTime=1000', 'dataLogDir=/var/zklog', 'clientPort=2281', 'clientPortAddress=0.0.0.0',
        'maxClientCnxns=0', 'minSessionTimeout=3000', 'maxSessionTimeout=90000', 'clientPortListenBacklog=50',
        '4lw.commands.whitelist=ruok, stat , mntr', 'extendedTypesEnabled=true', 'jute.maxbuffer=0x200000',
        'globalOutstandingLimit=500', 'snapCount=5000', 'preAllocSize=1024', 'forceSync=no',
        'autopurge.snapRetainCount=5', 'autopurge.purgeInterval=24',
        'DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=',
        'znode.container.checkIntervalMs=1000', 'znode.container.maxPerMinute=100', 'cnxTimeout=3000',
        'standaloneEnabled=true', 'reconfigEnabled=true', 'electionAlg=3', 'peerType=participant',
        'initLimit=20', 'syncLimit=7', 'digest.enabled=false', 'skipACL=yes', 'enforceQuota=true',
        'closeSessionTxn.enabled=false',
      ].join('\n'),
    );
    expect(c).toMatchObject({
      tickTime: 1000, dataDir: '/var/zk', dataLogDir: '/var/zklog', clientPort: 2281, clientPortAddress: '0.0.0.0',
      maxClientCnxns: 0, minSessionTimeout: 3000, maxSessionTimeout: 90000, clientPortListenBacklog: 50,
      fourLetterWordWhitelist: ['ruok', 'stat', 'mntr'], extendedTypesEnabled: true, juteMaxBuffer: 0x200000,
      globalOutstandingLimit: 500, snapCount: 5000, preAllocSize: 1024, forceSync: false,
      autopurgeSnapRetainCount: 5, autopurgePurgeInterval: 24, superDigest: 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=',
      containerCheckIntervalMs: 1000, containerMaxPerMinute: 100, cnxTimeout: 3000, standaloneEnabled: true,
      reconfigEnabled: true, electionAlg: 3, peerType: 'participant', initLimit: 20, syncLimit: 7, serverId: 0,
      digestEnabled: false, skipACL: true, enforceQuota: true, closeSessionTxnEnabled: false,
    });
  });

  it('keeps ZooKeeper defaults for keys not given, and dataLogDir defaults to dataDir', () => {
    const c = cfgOf('');
    expect(c).toMatchObject({ tickTime: 2000, clientPort: 2181, dataLogDir: '/var/zk', maxClientCnxns: 60, minSessionTimeout: -1, fourLetterWordWhitelist: ['srvr'], forceSync: true, digestEnabled: true, skipACL: false, enforceQuota: false, closeSessionTxnEnabled: true, servers: [] });
  });

  it('accepts the system-property keys with their zookeeper. prefix too', () => {
    const c = cfgOf('zookeeper.snapCount=42\nzookeeper.4lw.commands.whitelist=*\nzookeeper.DigestAuthenticationProvider.superDigest=super:x\nzookeeper.digest.enabled=false');
    expect(c).toMatchObject({ snapCount: 42, fourLetterWordWhitelist: ['*'], superDigest: 'super:x', digestEnabled: false });
  });

  it('raises autopurge.snapRetainCount below 3 to 3, and snapCount below 2 to 2, with warnings', () => {
    const r = parse(base + 'autopurge.snapRetainCount=1\nsnapCount=1');
    expect(r.config.autopurgeSnapRetainCount).toBe(3);
    expect(r.config.snapCount).toBe(2);
    expect(r.warnings.join('\n')).toMatch(/autopurge\.snapRetainCount: 1 is below the minimum; using 3/);
  });

  it('treats a negative purge interval as disabled', () => {
    expect(cfgOf('autopurge.purgeInterval=-5').autopurgePurgeInterval).toBe(0);
  });

  it('keeps every key in raw and warns about keys it does not interpret', () => {
    const r = parse(base + 'someFutureKey=42\nadmin.enableServer=false\ntickTime=2000');
    expect(r.config.raw.get('someFutureKey')).toBe('42');
    expect(r.config.raw.get('tickTime')).toBe('2000');
    expect(r.warnings).toContain('unknown key someFutureKey=42: kept as is (ZooKeeper would set system property zookeeper.someFutureKey)');
    expect(r.warnings).toContain('admin.enableServer is a ZooKeeper setting zoolab does not use; ignored');
  });

  it('keeps the system properties zoolab reads later in raw without a warning, with or without the zookeeper. prefix', () => {
    const r = parse(base + 'snapshot.trust.empty=true\nzookeeper.db.autocreate=false\nsnapshot.compression.method=gz\ncnxTimeout=2000');
    expect(r.warnings).toEqual([]);
    expect(r.config.raw.get('snapshot.trust.empty')).toBe('true');
    expect(r.config.raw.get('zookeeper.db.autocreate')).toBe('false');
    expect(r.config.raw.get('snapshot.compression.method')).toBe('gz');
  });

  it('trims keys and values, and strips brackets from an IPv6 clientPortAddress', () => {
    const c = cfgOf('clientPort = 2182   \nclientPortAddress=[::1]');
    expect(c.clientPort).toBe(2182);
    expect(c.clientPortAddress).toBe('::1');
  });

  it('parses the 4lw whitelist as ZooKeeper does: * wins, blanks dropped, duplicates once', () => {
    expect(cfgOf('4lw.commands.whitelist=stat, *').fourLetterWordWhitelist).toEqual(['*']);
    expect(cfgOf('4lw.commands.whitelist= ruok,,ruok , ').fourLetterWordWhitelist).toEqual(['ruok']);
  });

  it('takes jute.maxbuffer in decimal, hex or octal as Integer.decode does', () => {
    expect(cfgOf('jute.maxbuffer=4194304').juteMaxBuffer).toBe(4194304);
    expect(cfgOf('jute.maxbuffer=#10').juteMaxBuffer).toBe(16);
    expect(cfgOf('jute.maxbuffer=010').juteMaxBuffer).toBe(8);
  });
});

describe('zoo.cfg bad values stop start-up with the key and the value named', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['tickTime=abc', 'tickTime', /tickTime: "abc" is not a number/],
    ['tickTime=0', 'tickTime', /tickTime: "0" must be greater than 0/],
    ['tickTime=1.5', 'tickTime', /tickTime: "1.5" is not a number/],
    ['tickTime=99999999999', 'tickTime', /out of range for a 32-bit integer/],
    ['clientPort=70000', 'clientPort', /clientPort: "70000" is out of range \(0-65535\)/],
    ['clientPort=-1', 'clientPort', /clientPort: "-1" is out of range/],
    ['clientPortAddress=', 'clientPortAddress', /clientPortAddress: "" is empty/],
    ['clientPortAddress=[::1', 'clientPortAddress', /unbalanced brackets/],
    ['maxClientCnxns=-1', 'maxClientCnxns', /maxClientCnxns: "-1" must not be negative/],
    ['minSessionTimeout=-7', 'minSessionTimeout', /must be -1/],
    ['maxSessionTimeout=x', 'maxSessionTimeout', /maxSessionTimeout: "x" is not a number/],
    ['initLimit=0', 'initLimit', /initLimit: "0" must be greater than 0/],
    ['syncLimit=five', 'syncLimit', /syncLimit: "five" is not a number/],
    ['electionAlg=1', 'electionAlg', /electionAlg: "1" is not supported: only 3/],
    ['electionAlg=z', 'electionAlg', /electionAlg: "z" is not a number/],
    ['peerType=leader', 'peerType', /peerType: "leader" is not a peer type/],
    ['standaloneEnabled=yes', 'standaloneEnabled', /standaloneEnabled: "yes" is not a boolean/],
    ['reconfigEnabled=1', 'reconfigEnabled', /reconfigEnabled: "1" is not a boolean/],
    ['extendedTypesEnabled=on', 'extendedTypesEnabled', /extendedTypesEnabled: "on" is not a boolean/],
    ['digest.enabled=off', 'digest.enabled', /digest\.enabled: "off" is not a boolean/],
    ['zookeeper.skipACL=YES', 'zookeeper.skipACL', /skipACL: "YES" is not 'yes' or 'no'/],
    ['enforceQuota=1', 'enforceQuota', /enforceQuota: "1" is not a boolean/],
    ['closeSessionTxn.enabled=no', 'closeSessionTxn.enabled', /closeSessionTxn\.enabled: "no" is not a boolean/],
    ['autopurge.snapRetainCount=x', 'autopurge.snapRetainCount', /"x" is not a number/],
    ['autopurge.purgeInterval=1h', 'autopurge.purgeInterval', /"1h" is not a number/],
    ['jute.maxbuffer=1MB', 'jute.maxbuffer', /jute\.maxbuffer: "1MB" is not a number/],
    ['jute.maxbuffer=0', 'jute.maxbuffer', /must be greater than 0/],
    ['globalOutstandingLimit=0', 'globalOutstandingLimit', /must be greater than 0/],
    ['snapCount=lots', 'snapCount', /snapCount: "lots" is not a number/],
    ['preAllocSize=-1', 'preAllocSize', /preAllocSize: "-1" must be greater than 0/],
    ['forceSync=maybe', 'forceSync', /forceSync: "maybe" is not 'yes' or 'no'/],
    ['DigestAuthenticationProvider.superDigest=nocolon', 'DigestAuthenticationProvider.superDigest', /is not of the form user:/],
    ['znode.container.checkIntervalMs=0', 'znode.container.checkIntervalMs', /must be greater than 0/],
    ['znode.container.maxPerMinute=x', 'znode.container.maxPerMinute', /is not a number/],
    ['cnxTimeout=-3', 'cnxTimeout', /cnxTimeout: "-3" must be greater than 0/],
    ['dataLogDir=', 'dataLogDir', /dataLogDir: "" is empty/],
    ['dynamicConfigFile=', 'dynamicConfigFile', /dynamicConfigFile: "" is empty/],
  ];
  it.each(cases)('%s', (line, key, message) => {
    const err = errorOf(() => parse(base + line, { file: 'zoo.cfg' }));
    expect(err.key).toBe(key);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith('zoo.cfg: ')).toBe(true);
  });

  it('requires dataDir, as ZooKeeper does, unless told not to', () => {
    expect(errorOf(() => parse('tickTime=2000')).message).toMatch(/dataDir is not set/);
    expect(parse('tickTime=2000', { requireDataDir: false }).config.dataDir).toBeNull();
  });

  it('refuses minSessionTimeout above maxSessionTimeout, counting the tickTime defaults', () => {
    const e1 = errorOf(() => parse(base + 'minSessionTimeout=50000\nmaxSessionTimeout=40000'));
    expect(e1.message).toMatch(/minSessionTimeout \(50000\) must not be larger than maxSessionTimeout \(40000\)/);
    expect(e1.key).toBe('minSessionTimeout');
    // max defaults to 20 × tickTime = 40000
    expect(errorOf(() => parse(base + 'minSessionTimeout=41000')).message).toMatch(/\(41000\).*\(40000\)/);
    const e2 = errorOf(() => parse(base + 'maxSessionTimeout=3000'));
    expect(e2.key).toBe('maxSessionTimeout');
  });
});

describe('zoo.cfg ensemble keys', () => {
  const ensemble = 'initLimit=10\nsyncLimit=5\nserver.1=zk1:2888:3888\nserver.2=zk2:2888:3888\nserver.3=10.0.0.3:2888:3888:participant;2181\n';

  it('parses server.N lines with types, client ports and IPv6 in brackets', () => {
    const c = cfgOf(
      'initLimit=10\nsyncLimit=5\nserver.1=[2001:db8::1]:2888:3888\nserver.2=zk2:2888:3888:observer;[::1]:2182\nserver.3=zk3:2888:3888;2183\nserver.4=zk4:2888:3888',
      { loadMyId: () => 1 },
    );
    expect(c.servers).toEqual([
      { id: 1, host: '2001:db8::1', quorumPort: 2888, electionPort: 3888, type: 'participant' },
      { id: 2, host: 'zk2', quorumPort: 2888, electionPort: 3888, type: 'observer', clientHost: '::1', clientPort: 2182 },
      { id: 3, host: 'zk3', quorumPort: 2888, electionPort: 3888, type: 'participant', clientHost: '0.0.0.0', clientPort: 2183 },
      { id: 4, host: 'zk4', quorumPort: 2888, electionPort: 3888, type: 'participant' },
    ]);
    expect(c.serverId).toBe(1);
    expect(isDistributed(c)).toBe(true);
  });

  it('takes this server\'s client address from its server.N line', () => {
    const c = cfgOf(ensemble, { loadMyId: () => 3 });
    expect(c.clientPort).toBe(2181);
    expect(c.clientPortAddress).toBe('0.0.0.0');
  });

  it('refuses a static clientPort that contradicts this server\'s server.N line', () => {
    const err = errorOf(() => cfgOf('clientPort=2190\n' + ensemble, { loadMyId: () => 3 }));
    expect(err.key).toBe('clientPort');
    expect(err.message).toMatch(/client address for this server \(id = 3\).*2190.*0\.0\.0\.0:2181 in server\.3/);
  });

  it('reads weight.N and group.N, defaulting weights to 1', () => {
    const c = cfgOf(ensemble + 'group.1=1:2\ngroup.2=3\nweight.1=2', { loadMyId: () => 1 });
    expect(c.groups).toEqual(new Map([[1, [1, 2]], [2, [3]]]));
    expect(c.weights).toEqual(new Map([[1, 2], [2, 1], [3, 1]]));
  });

  it('lets the servers list decide the peer type, with a warning', () => {
    const r = parse(base + ensemble.replace('server.3=10.0.0.3:2888:3888:participant', 'server.3=10.0.0.3:2888:3888:observer') + 'peerType=participant', { loadMyId: () => 3 });
    expect(r.config.peerType).toBe('observer');
    expect(r.warnings.join()).toMatch(/peerType participant does not match server\.3 \(observer\)/);
  });

  it('runs a single listed server standalone with a warning, as ZooKeeper does', () => {
    // myid is read (a bad one is still an error) but a standalone server keeps id 0.
    const r = parse(base + 'server.1=zk1:2888:3888', { loadMyId: () => 1 });
    expect(isDistributed(r.config)).toBe(false);
    expect(r.config.serverId).toBe(0);
    expect(r.warnings.join()).toMatch(/only one server specified/);
  });

  const bad: Array<[string, string, RegExp, number | null]> = [
    ['server.1=zk1:2888', 'server.1', /server\.1: "zk1:2888" does not have the form/, 1],
    ['server.1=zk1:2888:3888:leader', 'server.1', /server\.1: "leader" is not a peer type/, 1],
    ['server.1=zk1:2888:2888', 'server.1', /same port for quorum and election/, 1],
    ['server.1=zk1:28x8:3888', 'server.1 quorum port', /server\.1 quorum port: "28x8" is not a number/, 1],
    ['server.1=zk1:2888:99999', 'server.1 election port', /out of range \(1-65535\)/, 1],
    ['server.1=zk1:2888:3888;a:b:c', 'server.1', /does not have the form/, 1],
    ['server.1=zk1:2888:3888;x;y', 'server.1', /does not have the form/, 1],
    ['server.1=zk1:2888:3888|zk1b:2888:3888', 'server.1', /several addresses/, 1],
    ['server.1=[::1:2888:3888', 'server.1', /no matching '\]'/, 1],
    ['server.one=zk1:2888:3888', 'server.one', /"one" is not a valid server id/, 1],
    ['group.1=1:x', 'group.1', /group\.1: "x" is not a number/, 1],
    ['group.1=1\ngroup.2=1:2:3', 'group.2', /puts server 1 in a second group/, 1],
    ['group.1=1:2', 'server.3', /server\.3 is not in any group\.N/, 1],
    ['weight.1=heavy', 'weight.1', /weight\.1: "heavy" is not a number/, 1],
  ];
  it.each(bad)('rejects %s', (line, key, message, myid) => {
    const text = base + 'initLimit=10\nsyncLimit=5\nserver.2=zk2:2888:3888\nserver.3=zk3:2888:3888\n' + line;
    const err = errorOf(() => parse(text, { loadMyId: () => myid }));
    expect(err.key).toBe(key);
    expect(err.message).toMatch(message);
  });

  it('requires initLimit and syncLimit in an ensemble', () => {
    const servers = 'server.1=zk1:2888:3888\nserver.2=zk2:2888:3888\nserver.3=zk3:2888:3888\n';
    expect(errorOf(() => cfgOf(servers + 'syncLimit=5', { loadMyId: () => 1 })).key).toBe('initLimit');
    expect(errorOf(() => cfgOf(servers + 'initLimit=5', { loadMyId: () => 1 })).message).toMatch(/syncLimit is not set/);
  });

  it('requires myid in an ensemble, and one of the listed ids', () => {
    const missing = errorOf(() => cfgOf(ensemble, { loadMyId: () => null }));
    expect(missing.key).toBe('myid');
    expect(missing.message).toMatch(/myid file is missing: \/var\/zk\/myid/);
    const stranger = errorOf(() => cfgOf(ensemble, { loadMyId: () => 7 }));
    expect(stranger.message).toMatch(/myid: 7 is not among the servers listed \(server\.1, server\.2, server\.3\)/);
  });

  it('checks the shape of the quorum as parseDynamicConfig does', () => {
    expect(errorOf(() => cfgOf('server.1=zk1:2888:3888:observer')).message).toMatch(/observers without participants/);
    expect(errorOf(() => cfgOf('server.1=zk1:2888:3888\nserver.2=zk2:2888:3888:observer')).message).toMatch(/observers without a quorum/);
    expect(errorOf(() => cfgOf('standaloneEnabled=false')).key).toBe('standaloneEnabled');
    const two = parse(base + 'initLimit=1\nsyncLimit=1\nserver.1=a:1:2\nserver.2=b:1:2', { loadMyId: () => 1 });
    expect(two.warnings.join()).toMatch(/no server failure will be tolerated/);
    const four = parse(base + 'initLimit=1\nsyncLimit=1\nserver.1=a:1:2\nserver.2=b:1:2\nserver.3=c:1:2\nserver.4=d:1:2', { loadMyId: () => 1 });
    expect(four.warnings.join()).toMatch(/consider an odd number/);
  });

  it('makes a one-server ensemble when standaloneEnabled=false', () => {
    const c = cfgOf('standaloneEnabled=false\ninitLimit=5\nsyncLimit=2\nserver.1=localhost:2888:3888', { loadMyId: () => 1 });
    expect(isDistributed(c)).toBe(true);
    expect(c.serverId).toBe(1);
  });
});

describe('zoo.cfg files: dynamic config and myid on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-cfg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('reads myid and merges the dynamic file, taking its version from the file name', () => {
    write('myid', '2\n');
    const dyn = write('zoo.cfg.dynamic.100000000', 'server.1=zk1:2888:3888\nserver.2=zk2:2888:3888;2182\nserver.3=zk3:2888:3888\n');
    const cfg = write('zoo.cfg', `dataDir=${dir}\ninitLimit=5\nsyncLimit=2\ndynamicConfigFile=${dyn}\n`);
    const { config } = loadZooCfg(cfg);
    expect(config.serverId).toBe(2);
    expect(config.servers.map((s) => s.id)).toEqual([1, 2, 3]);
    expect(config.quorumConfigVersion).toBe(0x100000000n);
    expect(config.clientPort).toBe(2182);
    expect(config.dynamicConfigFile).toBe(dyn);
    expect(config.raw.get('server.3')).toBe('zk3:2888:3888');
    expect(config.configFile).toBe(cfg);
  });

  it('refuses quorum keys in the static file beside dynamicConfigFile', () => {
    const dyn = write('zoo.cfg.dynamic', 'server.1=zk1:2888:3888\n');
    const cfg = write('zoo.cfg', `dataDir=${dir}\ndynamicConfigFile=${dyn}\nserver.2=zk2:2888:3888\n`);
    const err = errorOf(() => loadZooCfg(cfg));
    expect(err.key).toBe('server.2');
    expect(err.message).toMatch(/must be in the dynamic config file/);
  });

  it('refuses version and other keys inside the dynamic file', () => {
    const dyn1 = write('d1', 'server.1=zk1:2888:3888\nversion=100\n');
    expect(errorOf(() => loadZooCfg(write('a.cfg', `dataDir=${dir}\ndynamicConfigFile=${dyn1}\n`))).message).toMatch(/must not hold 'version'/);
    const dyn2 = write('d2', 'server.1=zk1:2888:3888\ntickTime=100\n');
    const err = errorOf(() => loadZooCfg(write('b.cfg', `dataDir=${dir}\ndynamicConfigFile=${dyn2}\n`)));
    expect(err.key).toBe('tickTime');
    expect(err.message).toMatch(/does not belong in a dynamic config file/);
  });

  it('names the file it cannot read', () => {
    expect(errorOf(() => loadZooCfg(join(dir, 'nope.cfg'))).message).toMatch(/cannot read the configuration file .*nope\.cfg/);
    const cfg = write('zoo.cfg', `dataDir=${dir}\ndynamicConfigFile=${join(dir, 'gone')}\n`);
    expect(errorOf(() => loadZooCfg(cfg)).message).toMatch(/cannot read the dynamic config file.*gone/);
  });

  it('reports a myid that is not a number, naming the file', () => {
    write('myid', 'two\n');
    const cfg = write('zoo.cfg', `dataDir=${dir}\ninitLimit=5\nsyncLimit=2\nserver.1=a:1:2\nserver.2=b:1:2\n`);
    const err = errorOf(() => loadZooCfg(cfg));
    expect(err.key).toBe('myid');
    expect(err.message).toMatch(/myid: "two" is not a server id/);
    expect(err.message).toContain(join(dir, 'myid'));
  });

  it('refuses a myid that cannot be a session id\'s top byte', () => {
    write('myid', '300');
    const cfg = write('zoo.cfg', `dataDir=${dir}\ninitLimit=5\nsyncLimit=2\nserver.300=a:1:2\nserver.2=b:1:2\n`);
    expect(errorOf(() => loadZooCfg(cfg)).message).toMatch(/myid: 300 is out of range/);
  });

  it('lets overrides (command-line flags) replace file values before validation', () => {
    const cfg = write('zoo.cfg', `dataDir=${dir}\nclientPort=2181\ntickTime=2000\n`);
    const { config } = loadZooCfg(cfg, [{ key: 'clientPort', value: '3181', line: 0 }]);
    expect(config.clientPort).toBe(3181);
    expect(config.tickTime).toBe(2000);
  });
});
