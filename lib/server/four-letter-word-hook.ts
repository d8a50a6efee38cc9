import type { ZooKeeperServer } from './zookeeper-server';

/**
 * The connection a four-letter word arrived on, as its handler sees it. The connection
 * writes the handler's answer and then closes, as ZooKeeper does.
 */
export interface FourLetterWordConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /**
   * Waits for `n` more bytes after the word (stmk sends an 8-byte trace mask). Rejects if
   * the client closes first.
   */
  readBytes(n: number): Promise<Buffer>;
}

/**
 * Four-letter words (ruok, srvr, stat, mntr, …) arrive on the client port instead of a
 * ConnectRequest: the first four bytes of a connection, read as a frame length, spell a
 * known word (NIOServerCnxn.checkFourLetterWord). The server only recognises and hands
 * them over; lib/server/four-letter-words implements them.
 */
export interface FourLetterWordHandler {
  /** True for every word ZooKeeper knows, whitelisted or not (handle() answers "not in the whitelist"). */
  isFourLetterWord(word: string): boolean;
  handle(word: string, server: ZooKeeperServer, cnxn: FourLetterWordConnection): Promise<string> | string;
}

/** The four bytes of a connection's first length prefix as ASCII, if they can be a word. */
export function fourLetterWordOf(first4: Buffer): string | null {
  if (first4.length < 4) return null;
  for (let i = 0; i < 4; i++) {
    const c = first4[i];
    if (c < 0x61 || c > 0x7a) return null; // the words are lower-case ASCII letters
  }
  return first4.toString('latin1', 0, 4);
}
