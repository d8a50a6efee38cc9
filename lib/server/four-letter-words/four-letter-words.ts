import type { FourLetterWordConnection, FourLetterWordHandler } from '../four-letter-word-hook';
import type { ZooKeeperServer } from '../zookeeper-server';
import type { FourLetterWordContext } from './context';
import { dump, hash } from './dump-commands';
import { envi } from './envi-command';
import { enabledWords, isKnownWord, notWhitelistedAnswer } from './four-letter-commands';
import { mntr } from './mntr-command';
import { contextFromServer } from './server-context';
import { conf, cons, crst, dirs, isro, ruok, srst, stat } from './stat-commands';
import { wchc, wchp, wchs } from './watch-commands';

export interface FourLetterWordsOptions {
  /** 4lw.commands.whitelist as parsed: names, or ['*']. srvr is always enabled. */
  whitelist: readonly string[];
  /** readonlymode.enabled: adds isro to the enabled words, as in ZooKeeper. */
  readOnlyModeEnabled?: boolean;
  /** Builds the context for a server; defaults to contextFromServer. */
  contextFor?: (server: ZooKeeperServer) => FourLetterWordContext;
}

/** ZooTrace's default text trace mask (client request, server packet, session, warning). */
export const DEFAULT_TRACE_MASK = 306n;

/**
 * The four-letter words (CommandExecutor): checks the whitelist, then runs the word's
 * command against the server's context and returns the text the connection writes before
 * it closes. Answers are never truncated (ZooKeeper does not truncate them either).
 */
export class FourLetterWords implements FourLetterWordHandler {
  private readonly enabled: Set<string>;
  private readonly contextFor: (server: ZooKeeperServer) => FourLetterWordContext;
  /** gtmk / stmk: ZooTrace's mask. zoolab logs through pino, so it only round-trips. */
  traceMask = DEFAULT_TRACE_MASK;

  constructor(opts: FourLetterWordsOptions) {
    this.enabled = enabledWords(opts.whitelist, opts.readOnlyModeEnabled);
    this.contextFor = opts.contextFor ?? ((s) => contextFromServer(s));
  }

  isFourLetterWord(word: string): boolean {
    return isKnownWord(word);
  }

  isEnabled(word: string): boolean {
    return this.enabled.has(word);
  }

  async handle(word: string, server: ZooKeeperServer, cnxn: FourLetterWordConnection): Promise<string> {
    if (!this.isEnabled(word)) return notWhitelistedAnswer(word);
    if (word === 'stmk') {
      // SetTraceMaskCommand reads a long after the word and prints it back.
      this.traceMask = (await cnxn.readBytes(8)).readBigInt64BE(0);
      return String(this.traceMask);
    }
    return this.run(word, this.contextFor(server));
  }

  /** Runs an enabled word against a context (no whitelist check; tests call this). */
  run(word: string, ctx: FourLetterWordContext): string {
    switch (word) {
      case 'ruok':
        return ruok();
      case 'srvr':
        return stat(ctx, false);
      case 'stat':
        return stat(ctx, true);
      case 'conf':
        return conf(ctx);
      case 'cons':
        return cons(ctx);
      case 'crst':
        return crst(ctx);
      case 'srst':
        return srst(ctx);
      case 'dirs':
        return dirs(ctx);
      case 'isro':
        return isro(ctx);
      case 'mntr':
        return mntr(ctx);
      case 'wchs':
        return wchs(ctx);
      case 'wchc':
        return wchc(ctx);
      case 'wchp':
        return wchp(ctx);
      case 'dump':
        return dump(ctx);
      case 'envi':
        return envi(ctx.version());
      case 'hash':
        return hash(ctx);
      case 'gtmk':
        return String(this.traceMask);
      default:
        throw new RangeError(`not a four-letter word zoolab runs here: ${JSON.stringify(word)}`);
    }
  }
}
