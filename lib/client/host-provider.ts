import type { Random } from '../core/random';
import type { HostAddress } from './connect-string-parser';
import { IllegalArgumentError } from './errors';

/** HostProvider: the servers a client cycles through, one at a time. */
export interface HostProvider {
  readonly size: number;
  /**
   * The next server, and how long to wait before trying it. Java's next(spinDelay) sleeps
   * inside; here the caller waits on its Clock, so a simulation stays in virtual time.
   */
  next(spinDelay: number): { address: HostAddress; delay: number };
  /** The connection to the last server returned succeeded. */
  onConnected(): void;
}

/**
 * StaticHostProvider: the connect string's servers shuffled once (Collections.shuffle with
 * the injected Random), then tried round-robin. After a full cycle without connecting,
 * the next attempt waits spinDelay (never on the very first attempt).
 */
export class StaticHostProvider implements HostProvider {
  private readonly servers: HostAddress[];
  private currentIndex = -1;
  private lastIndex = -1;

  constructor(servers: readonly HostAddress[], random: Random) {
    if (servers.length === 0) throw new IllegalArgumentError('A HostProvider may not be empty!');
    this.servers = shuffle([...servers], random);
  }

  get size(): number {
    return this.servers.length;
  }

  /** The servers in the order they will be tried. */
  get addresses(): readonly HostAddress[] {
    return this.servers;
  }

  next(spinDelay: number): { address: HostAddress; delay: number } {
    ++this.currentIndex;
    if (this.currentIndex === this.servers.length) this.currentIndex = 0;
    const address = this.servers[this.currentIndex];
    const needToSleep = this.currentIndex === this.lastIndex && spinDelay > 0;
    // We don't want to sleep on the first ever connect attempt.
    if (this.lastIndex === -1) this.lastIndex = 0;
    return { address, delay: needToSleep ? spinDelay : 0 };
  }

  onConnected(): void {
    this.lastIndex = this.currentIndex;
  }
}

/** java.util.Collections.shuffle: Fisher–Yates from the end. */
export function shuffle<T>(list: T[], random: Random): T[] {
  for (let i = list.length; i > 1; i--) {
    const j = random.int(i);
    const t = list[i - 1];
    list[i - 1] = list[j];
    list[j] = t;
  }
  return list;
}
