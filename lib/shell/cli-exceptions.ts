import { InvalidPathError } from '../data/path-utils';
import { Code, KeeperException } from '../protocol/keeper-exception';
import { IllegalArgumentError } from '../client/errors';

/**
 * org.apache.zookeeper.cli.CliException and its subclasses: what a shell command throws
 * to have ZooKeeperMain print `message` on stderr and exit with `exitCode`.
 */
export class CliException extends Error {
  override name = 'CliException';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Bad arguments: usage text, or commons-cli's exception as Java prints it (class name: message). */
export class CliParseException extends CliException {
  override name = 'CliParseException';
}

export class MalformedCommandException extends CliException {
  override name = 'MalformedCommandException';
}

/** A path the client refused before sending (PathUtils.validatePath's message). */
export class MalformedPathException extends CliException {
  override name = 'MalformedPathException';
}

/** Exit code 127, as a shell's "command not found". */
export class CommandNotFoundException extends CliException {
  override name = 'CommandNotFoundException';
  constructor(command: string) {
    super(`Command not found: ${command}`, 127);
  }
}

/**
 * What Java's Integer.parseInt / Long.parseLong throw on bad digits. zkCli lets it escape
 * and dies with a stack trace (exit 1); the zoolab shell reports it like a CliException
 * and, when interactive, keeps going.
 */
export class NumberFormatException extends CliException {
  override name = 'NumberFormatException';
  constructor(input: string) {
    super(`java.lang.NumberFormatException: For input string: "${input}"`);
  }
}

function pathOf(e: KeeperException): string {
  // Java prints a null path as "null" (an ACL refused before anything was sent).
  return e.path === undefined ? 'null' : e.path;
}

/** CliWrapperException.getMessage: zkCli's wording for the KeeperExceptions users meet. */
export function wrapperMessage(cause: unknown): string {
  if (cause instanceof KeeperException) {
    switch (cause.code) {
      case Code.NONODE:
        return `Node does not exist: ${pathOf(cause)}`;
      case Code.NOCHILDRENFOREPHEMERALS:
        return `Ephemerals cannot have children: ${pathOf(cause)}`;
      case Code.NODEEXISTS:
        return `Node already exists: ${pathOf(cause)}`;
      case Code.NOTEMPTY:
        return `Node not empty: ${pathOf(cause)}`;
      case Code.NOTREADONLY:
        return `Not a read-only call: ${pathOf(cause)}`;
      case Code.INVALIDACL:
        return `Acl is not valid : ${pathOf(cause)}`;
      case Code.NOAUTH:
        return `Insufficient permission : ${pathOf(cause)}`;
      case Code.BADARGUMENTS:
        return `Arguments are not valid : ${pathOf(cause)}`;
      case Code.BADVERSION:
        return `version No is not valid : ${pathOf(cause)}`;
      case Code.RECONFIGINPROGRESS:
        return 'Another reconfiguration is in progress -- concurrent reconfigs not supported (yet)';
      case Code.NEWCONFIGNOQUORUM:
        return (
          'No quorum of new config is connected and up-to-date with the leader of last commmitted config - try ' +
          'invoking reconfiguration after new servers are connected and synced'
        );
      case Code.QUOTAEXCEEDED:
        return `Quota has exceeded : ${pathOf(cause)}`;
    }
  }
  return cause instanceof Error ? cause.message : String(cause);
}

/** CliWrapperException: a failure of the ZooKeeper call itself, worded by {@link wrapperMessage}. */
export class CliWrapperException extends CliException {
  override name = 'CliWrapperException';
  constructor(readonly causeError: unknown) {
    super(wrapperMessage(causeError));
  }
}

/** True for what Java's client throws as IllegalArgumentException (bad path, bad argument). */
export function isIllegalArgument(e: unknown): e is Error {
  return e instanceof InvalidPathError || e instanceof IllegalArgumentError;
}

/**
 * The catch block every command shares: IllegalArgumentException → MalformedPathException,
 * KeeperException → CliWrapperException; a CliException passes through.
 */
export function toCliException(e: unknown): CliException {
  if (e instanceof CliException) return e;
  if (isIllegalArgument(e)) return new MalformedPathException(e.message);
  return new CliWrapperException(e);
}
