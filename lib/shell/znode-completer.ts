import { after, type Clock } from '../core/clock';
import type { ZooKeeper } from '../client/zookeeper';

/** How long a tab waits for the server's list of children before offering nothing. */
const CHILDREN_TIMEOUT_MS = 2000;

export type Completion = [candidates: string[], replaced: string];

/**
 * JLineZNodeCompleter: completes the last word of the line, as a znode path when it
 * starts with "/" (the children of its parent that start with what follows the last "/",
 * asked of the server) and as a command name otherwise. The answer is what node:readline
 * wants: the candidates and the text they replace.
 */
export class ZNodeCompleter {
  constructor(
    private readonly commands: () => string[],
    private readonly zk: () => ZooKeeper | null,
    private readonly clock: Clock,
  ) {}

  async complete(line: string): Promise<Completion> {
    const words = line.split(' ');
    const token = line.endsWith(' ') ? '' : (words[words.length - 1] ?? '');
    if (token.startsWith('/')) return this.completeZNode(token);
    return [this.commands().filter((c) => c.startsWith(token)), token];
  }

  private async completeZNode(token: string): Promise<Completion> {
    const idx = token.lastIndexOf('/') + 1;
    const prefix = token.substring(idx);
    // Only the root may end in "/": strip it from every other parent.
    const dir = idx === 1 ? '/' : token.substring(0, idx - 1);
    const zk = this.zk();
    if (!zk) return [[], prefix];
    let timer: { unsubscribe(): void } | undefined;
    try {
      const timeout = new Promise<string[]>((resolve) => {
        timer = after(this.clock, CHILDREN_TIMEOUT_MS, () => resolve([]));
      });
      const children = await Promise.race([zk.getChildren(dir), timeout]);
      return [children.filter((c) => c.startsWith(prefix)).sort(), prefix];
    } catch {
      return [[], prefix];
    } finally {
      timer?.unsubscribe();
    }
  }
}
