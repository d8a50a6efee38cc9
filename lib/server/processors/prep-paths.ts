import { InvalidPathError, validatePath } from '../../data/path-utils';
import type { DataTree } from '../../data/data-tree';
import { Code, KeeperException } from '../../protocol/keeper-exception';

/** PrepRequestProcessor.validatePath: PathUtils.validatePath, failing as BadArguments. */
export function validatePathOrBadArguments(path: string | null): void {
  try {
    validatePath(path);
  } catch (e) {
    if (e instanceof InvalidPathError) throw new KeeperException(Code.BADARGUMENTS, path ?? undefined);
    throw e;
  }
}

/**
 * getParentPathAndValidate for delete: a '/' somewhere, no NUL, and not one of the
 * special nodes ("/", "/zookeeper", its quota and config nodes). Returns the parent
 * ("" for children of the root, which DataTree keeps as the root's alias).
 */
export function getParentPathAndValidate(tree: DataTree, path: string): string {
  const lastSlash = path.lastIndexOf('/');
  if (lastSlash === -1 || path.includes('\0') || tree.isSpecialPath(path)) {
    throw new KeeperException(Code.BADARGUMENTS, path);
  }
  return path.substring(0, lastSlash);
}
