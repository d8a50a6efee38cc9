import { Code } from '../../lib/protocol';
import {
  getTopNamespace,
  InvalidPathError,
  isValidPath,
  lastSegment,
  parentName,
  parentPath,
  validatePath,
} from '../../lib/data/path-utils';

function messageOf(path: string | null, seq = false): string {
  try {
    validatePath(path, seq);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidPathError);
    expect((e as InvalidPathError).code).toBe(Code.BADARGUMENTS);
    return (e as Error).message;
  }
  return 'ok';
}

describe('validatePath', () => {
  it('accepts ordinary paths, the root and dots inside names', () => {
    for (const p of ['/', '/a', '/a/b', '/a.b', '/...', '/a/..b', '/.a', '/a b', '/zookeeper/quota', '/ü/日本']) {
      expect(messageOf(p)).toBe('ok');
    }
  });

  it("rejects with Java's exact messages", () => {
    expect(messageOf(null)).toBe('Path cannot be null');
    expect(messageOf('')).toBe('Path length must be > 0');
    expect(messageOf('a')).toBe('Path must start with / character');
    expect(messageOf('/a/')).toBe('Path must not end with / character');
    expect(messageOf('/a//b')).toBe('Invalid path string "/a//b" caused by empty node name specified @3');
    expect(messageOf('/a/./b')).toBe('Invalid path string "/a/./b" caused by relative paths not allowed @3');
    expect(messageOf('/a/..')).toBe('Invalid path string "/a/.." caused by relative paths not allowed @4');
    expect(messageOf('/.')).toBe('Invalid path string "/." caused by relative paths not allowed @1');
    expect(messageOf('/a\u0000b')).toBe('Invalid path string "/a\u0000b" caused by null character not allowed @2');
    expect(messageOf('/a\u0001')).toBe('Invalid path string "/a\u0001" caused by invalid character @2');
    expect(messageOf('/\u007f')).toBe('Invalid path string "/\u007f" caused by invalid character @1');
    expect(messageOf('/\ud83d\ude00')).toBe('Invalid path string "/\ud83d\ude00" caused by invalid character @1');
    expect(messageOf('/\ufff0')).toBe('Invalid path string "/\ufff0" caused by invalid character @1');
  });

  it('validates a sequential prefix with the counter appended', () => {
    expect(messageOf('/a/', true)).toBe('ok');
    expect(messageOf('/a/', false)).toBe('Path must not end with / character');
    expect(messageOf('/a//', true)).toBe('Invalid path string "/a//1" caused by empty node name specified @3');
    expect(isValidPath('/', true)).toBe(true);
  });

  it('turns into a BadArguments KeeperException for the reply', () => {
    try {
      validatePath('x');
    } catch (e) {
      const ke = (e as InvalidPathError).toKeeperException();
      expect(ke.code).toBe(Code.BADARGUMENTS);
    }
  });
});

describe('path helpers', () => {
  it('splits parent and child as DataTree does', () => {
    expect(parentName('/a')).toBe('');
    expect(parentPath('/a')).toBe('/');
    expect(parentName('/a/b/c')).toBe('/a/b');
    expect(lastSegment('/a/b/c')).toBe('c');
    expect(lastSegment('/')).toBe('');
  });

  it('finds the top namespace', () => {
    expect(getTopNamespace('/a/b')).toBe('a');
    expect(getTopNamespace('/a')).toBe('a');
    expect(getTopNamespace('/')).toBeNull();
    expect(getTopNamespace(null)).toBeNull();
  });
});
