class TrieNode {
  readonly children = new Map<string, TrieNode>();
  property = false;
  constructor(
    public parent: TrieNode | null,
    readonly value: string,
  ) {}
}

/** PathTrie.split: segments, leaving out those that are empty after Java's trim(). */
function split(path: string): string[] {
  return path.split('/').filter((t) => javaTrim(t).length > 0);
}

function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.substring(a, b);
}

/**
 * PathTrie: the paths that carry a quota, so that the quota governing any path (its
 * deepest marked prefix) is found in one walk.
 */
export class PathTrie {
  private readonly root = new TrieNode(null, '/');

  addPath(path: string): void {
    if (path.length === 0) throw new RangeError(`Invalid path: ${path}`);
    let parent = this.root;
    for (const part of split(path)) {
      let child = parent.children.get(part);
      if (child === undefined) {
        child = new TrieNode(parent, part);
        parent.children.set(part, child);
      }
      parent = child;
    }
    parent.property = true;
  }

  /** Unmarks the path; the trie node goes only if it has no children. */
  deletePath(path: string): void {
    if (path.length === 0) throw new RangeError(`Invalid path: ${path}`);
    let node = this.root;
    for (const part of split(path)) {
      const child = node.children.get(part);
      if (child === undefined) return;
      node = child;
    }
    const realParent = node.parent;
    if (realParent === null) return; // Java would throw on the root; nothing to delete there
    node.property = false;
    if (node.children.size === 0) {
      node.parent = null;
      realParent.children.delete(node.value);
    }
  }

  existsNode(path: string): boolean {
    if (path.length === 0) throw new RangeError(`Invalid path: ${path}`);
    let node = this.root;
    for (const part of split(path)) {
      const child = node.children.get(part);
      if (child === undefined) return false;
      node = child;
    }
    return true;
  }

  /** The deepest marked prefix of path, or "/" when there is none. */
  findMaxPrefix(path: string): string {
    if (this.root.children.size === 0) return '/';
    let node: TrieNode | undefined = this.root;
    let deepest: TrieNode | null = null;
    for (const part of split(path)) {
      node = node.children.get(part);
      if (node === undefined) break;
      if (node.property) deepest = node;
    }
    if (deepest === null) return '/';
    const parts: string[] = [];
    for (let n: TrieNode = deepest; n !== this.root; n = n.parent!) parts.unshift(n.value);
    return '/' + parts.join('/');
  }

  clear(): void {
    this.root.children.clear();
  }
}
