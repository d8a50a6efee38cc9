/** Why a log file cannot be read at all: not a txn log, or a version we do not know. */
export class TxnLogFormatError extends Error {
  override name = 'TxnLogFormatError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: not a ZooKeeper txn log: ${reason}`);
  }
}

/**
 * A damaged entry with whole, valid entries after it in the same file: the log lost data
 * that was once written completely, so it is not a torn tail and nothing may be dropped.
 */
export class TxnLogCorruptError extends Error {
  override name = 'TxnLogCorruptError';
  constructor(
    readonly file: string,
    /** Byte offset of the damaged entry (its checksum field). */
    readonly offset: number,
    readonly reason: string,
    /** Offset of the first whole entry found after the damage, if that is why. */
    readonly nextValidOffset?: number,
  ) {
    super(
      `${file}: corrupt txn log entry at byte offset ${offset}: ${reason}` +
        (nextValidOffset !== undefined ? ` (a valid entry follows at offset ${nextValidOffset})` : ''),
    );
  }
}

/** An append that would break the log: a zxid not after the last, or an entry too large to read back. */
export class TxnLogAppendError extends RangeError {
  override name = 'TxnLogAppendError';
}

/** An operation on a log that was closed, or that failed a write and can no longer be trusted. */
export class TxnLogClosedError extends Error {
  override name = 'TxnLogClosedError';
}
