import { AuthPacket } from '../../../lib/jute/records/proto';
import { Code } from '../../../lib/protocol';
import {
  DigestAuthenticationProvider,
  IPAuthenticationProvider,
  ProviderRegistry,
  generateDigest,
  javaHostAddress,
  javaSplit,
} from '../../../lib/server/auth';
import type { AuthenticationProvider } from '../../../lib/server/auth';
import { FakeCnxn } from './harness';

describe('digest authentication', () => {
  test('generateDigest matches DigestAuthenticationProvider.main of ZooKeeper 3.8', () => {
    // Values printed by `java … DigestAuthenticationProvider user:pass super:test …`.
    expect(generateDigest('user:pass')).toBe('user:smGaoVKd/cQkjm7b88GyorAUz20=');
    expect(generateDigest('super:test')).toBe('super:D/InIHSb7yEEbrWz8b9l71RjZJU=');
    expect(generateDigest('ü:ñ')).toBe('ü:NILaspvZVs53gHxy9P2ykNsXaEA=');
    expect(generateDigest('nocolon')).toBe('nocolon:Ra+cHr2ZoHvBjtNArFGNGlVie4g=');
    expect(generateDigest('a:b:c')).toBe('a:cLzgnoJ6mP5qz3w+mwvPE2vDgu0=');
  });

  test('an auth packet adds the digest id to the connection', () => {
    const p = new DigestAuthenticationProvider();
    const c = new FakeCnxn(1n);
    expect(p.handleAuthentication(c, Buffer.from('user:pass'))).toBe(Code.OK);
    expect(c.authInfo.map((i) => `${i.scheme}:${i.id}`)).toContain('digest:user:smGaoVKd/cQkjm7b88GyorAUz20=');
    expect(c.authInfo.some((i) => i.scheme === 'super')).toBe(false);
  });

  test('the password of superDigest also makes the connection super', () => {
    const p = new DigestAuthenticationProvider('super:D/InIHSb7yEEbrWz8b9l71RjZJU=');
    const c = new FakeCnxn(1n);
    p.handleAuthentication(c, Buffer.from('super:test'));
    expect(c.authInfo.map((i) => `${i.scheme}:${i.id}`)).toEqual(
      expect.arrayContaining(['super:', 'digest:super:D/InIHSb7yEEbrWz8b9l71RjZJU=']),
    );
    const other = new FakeCnxn(2n);
    p.handleAuthentication(other, Buffer.from('super:wrong'));
    expect(other.authInfo.some((i) => i.scheme === 'super')).toBe(false);
  });

  test('a digest id is valid only as exactly two colon-separated parts (Java split)', () => {
    const p = new DigestAuthenticationProvider();
    expect(p.isValid('user:hash')).toBe(true);
    expect(p.isValid(':hash')).toBe(true);
    expect(p.isValid('user')).toBe(false);
    expect(p.isValid('a:b:c')).toBe(false);
    expect(p.isValid('user:')).toBe(false); // trailing empty part is dropped
    expect(p.isValid('user::')).toBe(false);
    expect(p.getUserName('bob:xyz')).toBe('bob');
    expect(javaSplit(':', ':')).toEqual([]);
    expect(javaSplit('', ':')).toEqual(['']);
  });
});

describe('ip authentication', () => {
  const ip = new IPAuthenticationProvider();

  test('IPv4 ids match exactly or under a mask', () => {
    expect(ip.matches('10.1.2.3', '10.1.2.3')).toBe(true);
    expect(ip.matches('10.1.2.4', '10.1.2.3')).toBe(false);
    expect(ip.matches('10.1.2.4', '10.1.2.0/24')).toBe(true);
    expect(ip.matches('10.1.3.4', '10.1.2.0/24')).toBe(false);
    expect(ip.matches('10.1.3.4', '10.1.0.0/16')).toBe(true);
    expect(ip.matches('10.1.2.130', '10.1.2.128/25')).toBe(true);
    expect(ip.matches('10.1.2.127', '10.1.2.128/25')).toBe(false);
    expect(ip.matches('192.168.0.1', '0.0.0.0/0')).toBe(true);
  });

  test('IPv6 ids match with zero compression and masks', () => {
    expect(ip.matches('0:0:0:0:0:0:0:1', '::1')).toBe(true);
    expect(ip.matches('2001:db8:0:0:0:0:0:5', '2001:db8::/32')).toBe(true);
    expect(ip.matches('2001:db9:0:0:0:0:0:5', '2001:db8::/32')).toBe(false);
    expect(ip.matches('fe80:0:0:0:0:0:0:1', 'fe80::/10')).toBe(true);
  });

  test('an IPv4 id never matches an IPv6 expression and back', () => {
    expect(ip.matches('127.0.0.1', '::1/0')).toBe(false);
    expect(ip.matches('0:0:0:0:0:0:0:1', '127.0.0.1/0')).toBe(false);
  });

  test('malformed expressions are invalid and match nothing', () => {
    for (const bad of ['10.1.2', '10.1.2.256', '10.1.2.x', '10.1.2.3/33', '10.1.2.3/-1', '10.1.2.3/', 'host', '1:2:3', '1::2::3', '12345::1', '::1/129']) {
      expect([bad, ip.isValid(bad)]).toEqual([bad, false]);
      expect([bad, ip.matches('10.1.2.3', bad)]).toEqual([bad, false]);
    }
    for (const good of ['10.1.2.3', '10.1.2.3/8', '::1', '::/0', '2001:db8::1/64', '1:2:3:4:5:6:7:8']) {
      expect([good, ip.isValid(good)]).toEqual([good, true]);
    }
  });

  test('ip ids are not creator ids: "auth" never expands to them', () => {
    expect(ip.isAuthenticated()).toBe(false);
    expect(new DigestAuthenticationProvider().isAuthenticated()).toBe(true);
  });

  test('handleAuthentication adds the remote address as Java prints it', () => {
    const c = new FakeCnxn(1n, '::ffff:192.168.1.5');
    c.authInfo.length = 0;
    expect(ip.handleAuthentication(c, Buffer.alloc(0))).toBe(Code.OK);
    expect(c.authInfo[0].id).toBe('192.168.1.5');
    expect(javaHostAddress('::1')).toBe('0:0:0:0:0:0:0:1');
    expect(javaHostAddress('fe80::1%eth0')).toBe('fe80:0:0:0:0:0:0:1%eth0');
    expect(javaHostAddress('10.0.0.1')).toBe('10.0.0.1');
  });
});

describe('ProviderRegistry', () => {
  test('has ip and digest; digest can be turned off; extra providers register', () => {
    expect(new ProviderRegistry().schemes().sort()).toEqual(['digest', 'ip']);
    expect(new ProviderRegistry({ digestEnabled: false }).schemes()).toEqual(['ip']);
    const custom: AuthenticationProvider = {
      scheme: 'token',
      handleAuthentication: () => Code.OK,
      matches: (a, b) => a === b,
      isAuthenticated: () => true,
      isValid: () => true,
      getUserName: (id) => id,
    };
    expect(new ProviderRegistry({ extra: [custom] }).get('token')).toBe(custom);
  });

  test('an auth packet for an unknown scheme or a throwing provider fails', () => {
    const reg = new ProviderRegistry({
      extra: [
        {
          scheme: 'boom',
          handleAuthentication: () => {
            throw new Error('bad');
          },
          matches: () => false,
          isAuthenticated: () => false,
          isValid: () => false,
          getUserName: (id) => id,
        },
      ],
    });
    const c = new FakeCnxn(1n);
    expect(reg.authenticate(c, new AuthPacket({ type: 0, scheme: 'nope', auth: Buffer.alloc(0) }))).toBe(Code.AUTHFAILED);
    expect(reg.authenticate(c, new AuthPacket({ type: 0, scheme: 'boom', auth: Buffer.alloc(0) }))).toBe(Code.AUTHFAILED);
    expect(reg.authenticate(c, new AuthPacket({ type: 0, scheme: 'digest', auth: Buffer.from('u:p') }))).toBe(Code.OK);
  });
});
