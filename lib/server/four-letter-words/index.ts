export { FourLetterWords, DEFAULT_TRACE_MASK, type FourLetterWordsOptions } from './four-letter-words';
export { contextFromServer } from './server-context';
export { KNOWN_WORDS, ZK_NOT_SERVING, enabledWords, isKnownWord, notWhitelistedAnswer } from './four-letter-commands';
export { fullVersion, ZOOKEEPER_VERSION } from './version';
export type * from './context';
