import { Code, KeeperException } from '../protocol/keeper-exception';

/**
 * A path that ZooKeeper's PathUtils.validatePath rejects. The message is Java's word for
 * word (clients show it); `code` is what the server answers with: BadArguments.
 */
export class InvalidPathError extends Error {
  override name = 'InvalidPathError';
  readonly code = Code.BADARGUMENTS;
  constructor(
    message: string,
    readonly path: string | null,
  ) {
    super(message);
  }

  /** The KeeperException the request processors reply with. */
  toKeeperException(): KeeperException {
    return new KeeperException(Code.BADARGUMENTS, this.path ?? undefined);
  }
}

/**
 * PathUtils.validatePath. A sequential create is validated with a "1" appended, because
 * the server appends the counter: "/a/" is a fine prefix for a sequential node.
 */
export function validatePath(path: string | null | undefined, isSequential = false): void {
  if (path == null) throw new InvalidPathError('Path cannot be null', null);
  validateFullPath(isSequential ? path + '1' : path);
}

function validateFullPath(path: string): void {
  if (path.length === 0) throw new InvalidPathError('Path length must be > 0', path);
  if (path.charCodeAt(0) !== 0x2f) throw new InvalidPathError('Path must start with / character', path);
  if (path.length === 1) return;
  if (path.charCodeAt(path.length - 1) === 0x2f) {
    throw new InvalidPathError('Path must not end with / character', path);
  }
  const reason = invalidReason(path);
  if (reason !== null) {
    throw new InvalidPathError(`Invalid path string "${path}" caused by ${reason}`, path);
  }
}

// JavaScript strings are UTF-16 like Java's char[], so the ranges below match Java's.
function invalidReason(path: string): string | null {
  let lastc = 0x2f;
  for (let i = 1; i < path.length; lastc = path.charCodeAt(i), i++) {
    const c = path.charCodeAt(i);
    const nextIsEnd = i + 1 === path.length || path.charCodeAt(i + 1) === 0x2f;
    if (c === 0) return `null character not allowed @${i}`;
    if (c === 0x2f && lastc === 0x2f) return `empty node name specified @${i}`;
    if (c === 0x2e && lastc === 0x2e) {
      if (path.charCodeAt(i - 2) === 0x2f && nextIsEnd) return `relative paths not allowed @${i}`;
    } else if (c === 0x2e) {
      if (path.charCodeAt(i - 1) === 0x2f && nextIsEnd) return `relative paths not allowed @${i}`;
    } else if (
      (c > 0x0000 && c <= 0x001f) ||
      (c >= 0x007f && c <= 0x009f) ||
      (c >= 0xd800 && c <= 0xf8ff) ||
      (c >= 0xfff0 && c <= 0xffff)
    ) {
      return `invalid character @${i}`;
    }
  }
  return null;
}

/** True when validatePath accepts the path. */
export function isValidPath(path: string, isSequential = false): boolean {
  try {
    validatePath(path, isSequential);
    return true;
  } catch {
    return false;
  }
}

/**
 * The parent as DataTree computes it: everything before the last '/'. For a child of the
 * root that is "" — DataTree keeps "" as an alias of the root for exactly this reason.
 */
export function parentName(path: string): string {
  return path.substring(0, path.lastIndexOf('/'));
}

/** The parent path as clients name it ("/" for children of the root). */
export function parentPath(path: string): string {
  const p = parentName(path);
  return p === '' ? '/' : p;
}

/** The last path segment (the child name); "" for the root. */
export function lastSegment(path: string): string {
  return path.substring(path.lastIndexOf('/') + 1);
}

/** PathUtils.getTopNamespace: the first segment ("a" for "/a/b"), null for "/" or "". */
export function getTopNamespace(path: string | null): string | null {
  if (path == null) return null;
  // Java's String.split drops trailing empty strings, so "/" gives no second part.
  const parts = path.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.length > 1 ? parts[1] : null;
}
