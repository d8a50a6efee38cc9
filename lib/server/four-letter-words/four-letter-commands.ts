/**
 * ZooKeeper's FourLetterCommands: the words a server knows, and which of them the
 * configuration lets run (4lw.commands.whitelist, ZOOKEEPER-2693).
 */

/** Every word ZooKeeper 3.8 recognises on the client port (cmd2String). */
export const KNOWN_WORDS = [
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk', 'srst',
  'srvr', 'stat', 'wchc', 'wchp', 'wchs', 'mntr', 'isro', 'hash',
] as const;

export type FourLetterWord = (typeof KNOWN_WORDS)[number];

const KNOWN = new Set<string>(KNOWN_WORDS);

export function isKnownWord(word: string): word is FourLetterWord {
  return KNOWN.has(word);
}

/** AbstractFourLetterCommand.ZK_NOT_SERVING. */
export const ZK_NOT_SERVING = 'This ZooKeeper instance is not currently serving requests';

/** NopCommand's answer to a word that is known but not whitelisted. */
export function notWhitelistedAnswer(word: string): string {
  return `${word} is not executed because it is not in the whitelist.\n`;
}

/**
 * FourLetterCommands.isEnabled's set: the whitelist's names (`*` for all), plus srvr
 * always (zkServer.sh status needs it) and isro when read-only mode is enabled.
 */
export function enabledWords(whitelist: readonly string[], readOnlyModeEnabled = false): Set<string> {
  const enabled = new Set<string>();
  for (const raw of whitelist) {
    const name = raw.trim();
    if (name === '*') {
      for (const w of KNOWN_WORDS) enabled.add(w);
      break;
    }
    if (name !== '') enabled.add(name);
  }
  if (readOnlyModeEnabled) enabled.add('isro');
  enabled.add('srvr');
  return enabled;
}
