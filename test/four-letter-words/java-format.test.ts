import { javaDate, javaDouble, javaIPv6, javaLongHex, javaSocketAddress, summaryAvg } from '../../lib/server/four-letter-words/java-format';

describe('Java formatting of four-letter-word values', () => {
  it('prints longs as Long.toHexString does', () => {
    expect(javaLongHex(0n)).toBe('0');
    expect(javaLongHex(-1n)).toBe('ffffffffffffffff');
    expect(javaLongHex(0x100000904ec0000n)).toBe('100000904ec0000');
    expect(javaLongHex(-(1n << 63n))).toBe('8000000000000000');
  });

  it('prints doubles as Double.toString does', () => {
    expect(javaDouble(0)).toBe('0.0');
    expect(javaDouble(3.625)).toBe('3.625');
    expect(javaDouble(12)).toBe('12.0');
    expect(javaDouble(1.0e7)).toBe('1.0E7');
    expect(javaDouble(0.0001)).toBe('1.0E-4');
  });

  it('rounds summary averages HALF_UP to 4 decimals as AvgMinMaxCounter does', () => {
    expect(summaryAvg(0, 0)).toBe(0);
    expect(summaryAvg(2, 3)).toBe(0.6667);
    expect(summaryAvg(29, 8)).toBe(3.625);
  });

  it('prints socket addresses as InetSocketAddress.toString does', () => {
    expect(javaSocketAddress('127.0.0.1', 37766)).toBe('/127.0.0.1:37766');
    expect(javaSocketAddress('::ffff:127.0.0.1', 5)).toBe('/127.0.0.1:5');
    expect(javaSocketAddress('::1', 5)).toBe('/0:0:0:0:0:0:0:1:5');
  });

  it('expands IPv6 addresses without "::" and leading zeros, as Inet6Address does', () => {
    expect(javaIPv6('2001:db8::1')).toBe('2001:db8:0:0:0:0:0:1');
    expect(javaIPv6('fe80::0a:1%eth0')).toBe('fe80:0:0:0:0:0:a:1%eth0');
    expect(javaIPv6('::')).toBe('0:0:0:0:0:0:0:0');
    expect(javaIPv6('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    expect(javaIPv6('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0:0:0:c000:221');
  });

  it('prints dates as java.util.Date.toString does', () => {
    expect(javaDate(Date.UTC(2026, 10, 27, 6, 30, 53))).toMatch(/^(Fri|Thu|Sat) Nov 2[678] \d\d:\d\d:53 \S+ 2026$/);
    if (new Date(0).getTimezoneOffset() === 0) expect(javaDate(Date.UTC(2026, 10, 27, 6, 30, 53))).toBe('Fri Nov 27 06:30:53 UTC 2026');
  });
});
