import { ConfigError } from '../../lib/config/config-error';
import { parseProperties } from '../../lib/config/properties';

const kv = (text: string): Record<string, string> =>
  Object.fromEntries(parseProperties(text).map((e) => [e.key, e.value]));

describe('zoo.cfg properties syntax (java.util.Properties.load)', () => {
  it('reads key=value, key: value and key value, trimming around the separator', () => {
    expect(kv('a=1\nb: 2\nc 3\n  d =  4\ne\t:\t5\nf = = 6')).toEqual({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '= 6' });
  });

  it('skips # and ! comment lines and blank lines', () => {
    expect(kv('# tick\n! also a comment\n\n   \ntickTime=2000\n  # indented comment')).toEqual({ tickTime: '2000' });
  });

  it('keeps a # that is not at the start of a line as part of the value', () => {
    expect(kv('dataDir=/tmp/a#b')).toEqual({ dataDir: '/tmp/a#b' });
  });

  it('joins a line ending in a backslash with the next, dropping the next line\'s leading blanks', () => {
    expect(kv('4lw.commands.whitelist=ruok, \\\n     stat,\\\n\tsrvr\nnext=1')).toEqual({
      '4lw.commands.whitelist': 'ruok, stat,srvr',
      next: '1',
    });
  });

  it('does not continue a line that ends in an even number of backslashes', () => {
    expect(kv('a=x\\\\\nb=2')).toEqual({ a: 'x\\', b: '2' });
  });

  it('does not continue a comment line that ends in a backslash', () => {
    expect(kv('# comment \\\nkey=v')).toEqual({ key: 'v' });
  });

  it('reads escapes: \\t \\n \\uXXXX and escaped separators in keys', () => {
    expect(kv('a\\=b=c\\td\nu=\\u0041\\u00e9\nx\\:y:z\nplain=a\\qb')).toEqual({
      'a=b': 'c\td',
      u: 'Aé',
      'x:y': 'z',
      plain: 'aqb',
    });
  });

  it('rejects a malformed \\u escape with its line number', () => {
    expect(() => parseProperties('a=1\nb=\\u12G4', 'zoo.cfg')).toThrow(ConfigError);
    expect(() => parseProperties('a=1\nb=\\u12G4', 'zoo.cfg')).toThrow(/zoo\.cfg: line 2: malformed \\uxxxx/);
  });

  it('keeps the last value of a key given twice, at its first position', () => {
    const entries = parseProperties('a=1\nb=2\na=3');
    expect(entries.map((e) => [e.key, e.value, e.line])).toEqual([
      ['a', '3', 3],
      ['b', '2', 2],
    ]);
  });

  it('accepts CRLF and CR line ends and a key with no value', () => {
    expect(kv('a=1\r\nb=2\rc')).toEqual({ a: '1', b: '2', c: '' });
  });
});
