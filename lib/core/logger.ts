import pino, { type Logger } from 'pino';
import { token } from './token';

export type { Logger };
export const LOGGER = token<Logger>('Logger');

export interface LoggerOptions {
  level?: string;
  /** A name shown on every line, e.g. "server.1". */
  name?: string;
  /** Where lines go; defaults to stderr so stdout stays free for command output. */
  destination?: pino.DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    { level: opts.level ?? process.env.ZOOLAB_LOG_LEVEL ?? 'info', name: opts.name },
    opts.destination ?? pino.destination(2),
  );
}

/** A logger that drops everything: the default in tests and simulations. */
export const silentLogger: Logger = pino({ level: 'silent' });
