import { ACL, Id, Stat } from '../../lib/jute/records/data';
import { idToString, parseAcl, permString } from '../../lib/shell/acl-parser';
import { NumberFormatException } from '../../lib/shell/cli-exceptions';
import { clientConfigString } from '../../lib/shell/client-config';
import { decodeJavaInt, javaDateString, parseJavaInt, parseJavaLong, toCSVString } from '../../lib/shell/java-format';
import { formatStat } from '../../lib/shell/stat-printer';
import { watchedEventString } from '../../lib/shell/zookeeper-main';
import { EventType, KeeperState, Perms } from '../../lib/protocol/zoo-defs';

describe('Java\'s Date.toString, as the Stat printer shows times', () => {
  test('"EEE MMM dd HH:mm:ss zzz yyyy" in UTC', () => {
    expect(javaDateString(0, 'UTC')).toBe('Thu Jan 01 00:00:00 UTC 1970');
    expect(javaDateString(Date.UTC(2026, 10, 27, 6, 50, 39), 'UTC')).toBe('Fri Nov 27 06:50:39 UTC 2026');
    expect(javaDateString(Date.UTC(2024, 1, 29, 23, 5, 1), 'UTC')).toBe('Thu Feb 29 23:05:01 UTC 2024');
  });

  test('in a named zone: its local time and its abbreviation, daylight saving included', () => {
    expect(javaDateString(Date.UTC(2026, 0, 15, 12, 0, 0), 'America/New_York')).toBe('Thu Jan 15 07:00:00 EST 2026');
    expect(javaDateString(Date.UTC(2026, 6, 15, 12, 0, 0), 'America/New_York')).toBe('Wed Jul 15 08:00:00 EDT 2026');
    expect(javaDateString(Date.UTC(2026, 6, 15, 12, 0, 0), 'Europe/Berlin')).toBe('Wed Jul 15 14:00:00 CEST 2026');
  });

  test('the date is the zone\'s own (a UTC evening is the next day further east)', () => {
    expect(javaDateString(Date.UTC(2026, 11, 31, 23, 30, 0), 'Asia/Kolkata')).toMatch(/^Fri Jan 01 05:00:00 \S+ 2027$/);
  });
});

describe('Java number parsing, which decides what the commands accept', () => {
  test('Integer.parseInt: optional sign, decimal digits, 32-bit range', () => {
    expect(parseJavaInt('42')).toBe(42);
    expect(parseJavaInt('-1')).toBe(-1);
    expect(parseJavaInt('+7')).toBe(7);
    expect(parseJavaInt('2147483647')).toBe(2147483647);
    for (const bad of ['', 'abc', '1.5', '0x10', '2147483648', ' 1']) expect(() => parseJavaInt(bad)).toThrow(NumberFormatException);
    expect(() => parseJavaInt('abc')).toThrow('java.lang.NumberFormatException: For input string: "abc"');
  });

  test('Long.parseLong in base 10 and 16', () => {
    expect(parseJavaLong('1099511627775')).toBe(1099511627775n);
    expect(parseJavaLong('100000000', 16)).toBe(0x100000000n);
    expect(() => parseJavaLong('zz', 16)).toThrow(NumberFormatException);
    expect(() => parseJavaLong('9223372036854775808')).toThrow(NumberFormatException);
  });

  test('Integer.decode: decimal, 0x and # hexadecimal, leading-zero octal', () => {
    expect(decodeJavaInt('10')).toBe(10);
    expect(decodeJavaInt('0x10')).toBe(16);
    expect(decodeJavaInt('#F')).toBe(15);
    expect(decodeJavaInt('011')).toBe(9);
    expect(decodeJavaInt('0')).toBe(0);
    expect(decodeJavaInt('-0x1')).toBe(-1);
    for (const bad of ['', 'x', '09', '0x', '--1']) expect(() => decodeJavaInt(bad)).toThrow(NumberFormatException);
  });
});

describe('ACLs as zkCli reads and prints them', () => {
  test('scheme:id:perms, ids may hold colons, several entries comma-separated', () => {
    const err: string[] = [];
    const acl = parseAcl('world:anyone:r,digest:u:Jq7w=:cdrwa,ip:10.0.0.1:rw', (l) => err.push(l));
    expect(acl.map((a) => [a.id.scheme, a.id.id, a.perms])).toEqual([
      ['world', 'anyone', Perms.READ],
      ['digest', 'u:Jq7w=', Perms.ALL],
      ['ip', '10.0.0.1', Perms.READ | Perms.WRITE],
    ]);
    expect(err).toEqual([]);
  });

  test('a malformed entry is reported and skipped, an unknown letter reported and ignored', () => {
    const err: string[] = [];
    const acl = parseAcl('foo,world:anyone:rwz', (l) => err.push(l));
    expect(err).toEqual(['foo does not have the form scheme:id:perm', 'Unknown perm type: z']);
    expect(acl.map((a) => a.perms)).toEqual([Perms.READ | Perms.WRITE]);
  });

  test('getAcl\'s two-line form: the Id as a jute CSV record, then ": " and the letters in cdrwa order', () => {
    const a = new ACL({ perms: Perms.ALL, id: new Id({ scheme: 'world', id: 'anyone' }) });
    expect(`${idToString(a.id)}: ${permString(a.perms)}`).toBe("'world,'anyone\n: cdrwa");
    expect(permString(Perms.READ | Perms.ADMIN)).toBe('ra');
    expect(toCSVString('a,b%}\n')).toBe("'a%2Cb%25%7D%0A");
  });
});

describe('what zkCli prints for a Stat and an event', () => {
  test('eleven lines, zxids and owner in hex, negative owner as its unsigned bits', () => {
    const stat = new Stat({
      czxid: 0x10n, mzxid: 0x2an, ctime: 0n, mtime: 1000n, version: 3, cversion: -2, aversion: 1,
      ephemeralOwner: -1n, dataLength: 5, numChildren: 2, pzxid: 0x1ffffffffn,
    });
    expect(formatStat(stat, 'UTC')).toBe(
      [
        'cZxid = 0x10',
        'ctime = Thu Jan 01 00:00:00 UTC 1970',
        'mZxid = 0x2a',
        'mtime = Thu Jan 01 00:00:01 UTC 1970',
        'pZxid = 0x1ffffffff',
        'cversion = -2',
        'dataVersion = 3',
        'aclVersion = 1',
        'ephemeralOwner = 0xffffffffffffffff',
        'dataLength = 5',
        'numChildren = 2',
        '',
      ].join('\n'),
    );
  });

  test('WatchedEvent.toString names the state and type as Java\'s enums do', () => {
    expect(watchedEventString({ state: KeeperState.SyncConnected, type: EventType.NodeDataChanged, path: '/a', zxid: 5n })).toBe(
      'WatchedEvent state:SyncConnected type:NodeDataChanged path:/a',
    );
    expect(watchedEventString({ state: KeeperState.Closed, type: EventType.None, path: null, zxid: -1n })).toBe(
      'WatchedEvent state:Closed type:None path:null',
    );
  });
});

describe('config -c: the client connection string of a dynamic config', () => {
  test('version, a blank, then each server\'s client address in Java\'s Properties order', () => {
    const cfg = [
      'server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181',
      'server.2=127.0.0.2:2888:3888:participant;127.0.0.2:2182',
      'server.3=127.0.0.3:2888:3888:observer;2183',
      'version=100000000',
    ].join('\n');
    // Both answers were printed by Java 17 running ConfigUtils.getClientConfigStr.
    expect(clientConfigString(cfg)).toBe('100000000 127.0.0.2:2182,0.0.0.0:2181,0.0.0.0:2183');
    let nine = '';
    for (let i = 1; i <= 9; i++) nine += `server.${i}=10.0.0.${i}:2888:3888;${2180 + i}\n`;
    expect(clientConfigString(`${nine}version=1\n`)).toBe(
      '1 0.0.0.0:2182,0.0.0.0:2181,0.0.0.0:2186,0.0.0.0:2185,0.0.0.0:2184,0.0.0.0:2183,0.0.0.0:2189,0.0.0.0:2188,0.0.0.0:2187',
    );
  });

  test('an empty config (standalone) is a lone blank', () => {
    expect(clientConfigString('')).toBe(' ');
  });
});
