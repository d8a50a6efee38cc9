import { Stat } from '../../lib/jute';
import { diffLines } from '../support/transcript-diff';
import { Recorder } from '../support/transcript';
import { generateDigest, javaZooKeeperMissing } from '../support/java-zookeeper';

/** The differential test's own machinery, so a passing comparison means something. */
describe('transcript tools', () => {
  test('equal transcripts have no diff', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe('');
  });

  test('a diff shows the changed, missing and extra lines with context', () => {
    const want = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const got = ['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10'];
    const d = diffLines(want, got, 1);
    expect(d.split('\n')).toEqual([
      '--- zookeeper (expected)',
      '+++ zoolab (actual)',
      '  4',
      '+ five',
      '- 5',
      '  6',
      '@@ …',
      '  9',
      '+ 10',
      '(3 differing lines)',
    ]);
  });

  test('normalizing a Stat keeps every field but times, with zxids as deltas and owners as labels', () => {
    const r = new Recorder({ host: '127.0.0.1', port: 1 });
    expect(r.zxid(100n)).toBe(0);
    const stat = new Stat({
      czxid: 101n,
      mzxid: 0n,
      ctime: 123456n,
      mtime: 654321n,
      version: 2,
      cversion: 3,
      aversion: 4,
      ephemeralOwner: 0x1234n,
      dataLength: 5,
      numChildren: 6,
      pzxid: -1n,
    });
    expect(r.norm(stat)).toEqual({
      czxid: 1,
      mzxid: 'zero',
      pzxid: 'none',
      version: 2,
      cversion: 3,
      aversion: 4,
      ephemeralOwner: '0x1234',
      dataLength: 5,
      numChildren: 6,
    });
  });

  test('large buffers are summarized by length and hash', () => {
    const r = new Recorder({ host: '127.0.0.1', port: 1 });
    expect(r.norm(Buffer.alloc(1000, 1))).toEqual({ bytes: 1000, sha1: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(r.norm(Buffer.from('text'))).toBe('text');
    expect(r.norm(Buffer.from([0, 1]))).toBe('0x0001');
  });

  test("the super digest is ZooKeeper's user:base64(sha1(user:password))", () => {
    // The value kazoo's make_digest_acl computes for the same credentials.
    expect(generateDigest('alice:secret')).toBe('alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=');
  });

  test('a missing Java or ZooKeeper install is reported with the package to install', () => {
    expect(javaZooKeeperMissing('/nonexistent/bin/java')).toMatch(/^Java is not installed .*apt-get install -y default-jre-headless zookeeper$/);
    expect(javaZooKeeperMissing(process.execPath, '/nonexistent/share/java')).toMatch(
      /^Apache ZooKeeper is not installed \(\/nonexistent\/share\/java\/zookeeper\.jar missing\): apt-get install -y zookeeper$/,
    );
  });
});
