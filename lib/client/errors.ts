import { Code, KeeperException, codeMessage } from '../protocol/keeper-exception';
import type { OpResult } from './op-result';

/**
 * The client's KeeperException subclasses, one per code as in Java's KeeperException.create,
 * so callers can `catch (e) { if (e instanceof NoNodeError) … }`. Each keeps ZooKeeper's
 * code and message ("KeeperErrorCode = NoNode for /a"); a failed multi also carries the
 * per-op results (Java's getResults()).
 */
export class ClientKeeperException extends KeeperException {
  override name = 'KeeperException';
  /** Per-op results when a multi failed (ErrorResult for every op); otherwise undefined. */
  results?: OpResult[];
}

type Ctor = new (path?: string) => ClientKeeperException;

function define(code: number, name: string): Ctor {
  const C = class extends ClientKeeperException {
    constructor(path?: string) {
      super(code, path);
      this.name = name;
    }
  };
  Object.defineProperty(C, 'name', { value: name });
  return C;
}

export const SystemErrorError = define(Code.SYSTEMERROR, 'SystemErrorError');
export const RuntimeInconsistencyError = define(Code.RUNTIMEINCONSISTENCY, 'RuntimeInconsistencyError');
export const DataInconsistencyError = define(Code.DATAINCONSISTENCY, 'DataInconsistencyError');
export const ConnectionLossError = define(Code.CONNECTIONLOSS, 'ConnectionLossError');
export const MarshallingErrorError = define(Code.MARSHALLINGERROR, 'MarshallingErrorError');
export const UnimplementedError = define(Code.UNIMPLEMENTED, 'UnimplementedError');
export const OperationTimeoutError = define(Code.OPERATIONTIMEOUT, 'OperationTimeoutError');
export const BadArgumentsError = define(Code.BADARGUMENTS, 'BadArgumentsError');
export const UnknownSessionError = define(Code.UNKNOWNSESSION, 'UnknownSessionError');
export const NewConfigNoQuorumError = define(Code.NEWCONFIGNOQUORUM, 'NewConfigNoQuorumError');
export const ReconfigInProgressError = define(Code.RECONFIGINPROGRESS, 'ReconfigInProgressError');
export const APIErrorError = define(Code.APIERROR, 'APIErrorError');
export const NoNodeError = define(Code.NONODE, 'NoNodeError');
export const NoAuthError = define(Code.NOAUTH, 'NoAuthError');
export const BadVersionError = define(Code.BADVERSION, 'BadVersionError');
export const NoChildrenForEphemeralsError = define(Code.NOCHILDRENFOREPHEMERALS, 'NoChildrenForEphemeralsError');
export const NodeExistsError = define(Code.NODEEXISTS, 'NodeExistsError');
export const NotEmptyError = define(Code.NOTEMPTY, 'NotEmptyError');
export const SessionExpiredError = define(Code.SESSIONEXPIRED, 'SessionExpiredError');
export const InvalidCallbackError = define(Code.INVALIDCALLBACK, 'InvalidCallbackError');
export const InvalidACLError = define(Code.INVALIDACL, 'InvalidACLError');
export const AuthFailedError = define(Code.AUTHFAILED, 'AuthFailedError');
export const SessionMovedError = define(Code.SESSIONMOVED, 'SessionMovedError');
export const NotReadOnlyError = define(Code.NOTREADONLY, 'NotReadOnlyError');
export const EphemeralOnLocalSessionError = define(Code.EPHEMERALONLOCALSESSION, 'EphemeralOnLocalSessionError');
export const NoWatcherError = define(Code.NOWATCHER, 'NoWatcherError');
export const RequestTimeoutError = define(Code.REQUESTTIMEOUT, 'RequestTimeoutError');
export const ReconfigDisabledError = define(Code.RECONFIGDISABLED, 'ReconfigDisabledError');
export const SessionClosedRequireAuthError = define(Code.SESSIONCLOSEDREQUIRESASLAUTH, 'SessionClosedRequireAuthError');
export const QuotaExceededError = define(Code.QUOTAEXCEEDED, 'QuotaExceededError');
export const ThrottledOpError = define(Code.THROTTLEDOP, 'ThrottledOpError');

// Instance types, so a variable can be annotated `let e: NoNodeError`.
export type SystemErrorError = ClientKeeperException;
export type RuntimeInconsistencyError = ClientKeeperException;
export type DataInconsistencyError = ClientKeeperException;
export type ConnectionLossError = ClientKeeperException;
export type MarshallingErrorError = ClientKeeperException;
export type UnimplementedError = ClientKeeperException;
export type OperationTimeoutError = ClientKeeperException;
export type BadArgumentsError = ClientKeeperException;
export type UnknownSessionError = ClientKeeperException;
export type NewConfigNoQuorumError = ClientKeeperException;
export type ReconfigInProgressError = ClientKeeperException;
export type APIErrorError = ClientKeeperException;
export type NoNodeError = ClientKeeperException;
export type NoAuthError = ClientKeeperException;
export type BadVersionError = ClientKeeperException;
export type NoChildrenForEphemeralsError = ClientKeeperException;
export type NodeExistsError = ClientKeeperException;
export type NotEmptyError = ClientKeeperException;
export type SessionExpiredError = ClientKeeperException;
export type InvalidCallbackError = ClientKeeperException;
export type InvalidACLError = ClientKeeperException;
export type AuthFailedError = ClientKeeperException;
export type SessionMovedError = ClientKeeperException;
export type NotReadOnlyError = ClientKeeperException;
export type EphemeralOnLocalSessionError = ClientKeeperException;
export type NoWatcherError = ClientKeeperException;
export type RequestTimeoutError = ClientKeeperException;
export type ReconfigDisabledError = ClientKeeperException;
export type SessionClosedRequireAuthError = ClientKeeperException;
export type QuotaExceededError = ClientKeeperException;
export type ThrottledOpError = ClientKeeperException;

const BY_CODE = new Map<number, Ctor>([
  [Code.SYSTEMERROR, SystemErrorError],
  [Code.RUNTIMEINCONSISTENCY, RuntimeInconsistencyError],
  [Code.DATAINCONSISTENCY, DataInconsistencyError],
  [Code.CONNECTIONLOSS, ConnectionLossError],
  [Code.MARSHALLINGERROR, MarshallingErrorError],
  [Code.UNIMPLEMENTED, UnimplementedError],
  [Code.OPERATIONTIMEOUT, OperationTimeoutError],
  [Code.BADARGUMENTS, BadArgumentsError],
  [Code.UNKNOWNSESSION, UnknownSessionError],
  [Code.NEWCONFIGNOQUORUM, NewConfigNoQuorumError],
  [Code.RECONFIGINPROGRESS, ReconfigInProgressError],
  [Code.APIERROR, APIErrorError],
  [Code.NONODE, NoNodeError],
  [Code.NOAUTH, NoAuthError],
  [Code.BADVERSION, BadVersionError],
  [Code.NOCHILDRENFOREPHEMERALS, NoChildrenForEphemeralsError],
  [Code.NODEEXISTS, NodeExistsError],
  [Code.NOTEMPTY, NotEmptyError],
  [Code.SESSIONEXPIRED, SessionExpiredError],
  [Code.INVALIDCALLBACK, InvalidCallbackError],
  [Code.INVALIDACL, InvalidACLError],
  [Code.AUTHFAILED, AuthFailedError],
  [Code.SESSIONMOVED, SessionMovedError],
  [Code.NOTREADONLY, NotReadOnlyError],
  [Code.EPHEMERALONLOCALSESSION, EphemeralOnLocalSessionError],
  [Code.NOWATCHER, NoWatcherError],
  [Code.REQUESTTIMEOUT, RequestTimeoutError],
  [Code.RECONFIGDISABLED, ReconfigDisabledError],
  [Code.SESSIONCLOSEDREQUIRESASLAUTH, SessionClosedRequireAuthError],
  [Code.QUOTAEXCEEDED, QuotaExceededError],
  [Code.THROTTLEDOP, ThrottledOpError],
]);

/**
 * KeeperException.create: the subclass for a reply's error code. A code this client does
 * not know still becomes a ClientKeeperException carrying it ("Unknown error -999").
 */
export function createKeeperException(code: number, path?: string): ClientKeeperException {
  if (code === Code.OK) throw new RangeError('createKeeperException: code OK is not an error');
  const C = BY_CODE.get(code);
  return C ? new C(path) : new ClientKeeperException(code, path);
}

/** The constructor for a code, e.g. `errorClassFor(Code.NONODE) === NoNodeError`. */
export function errorClassFor(code: number): Ctor | undefined {
  return BY_CODE.get(code);
}

/**
 * Misuse of the client API that Java reports with IllegalArgumentException (a null watcher,
 * read and write ops mixed in one multi, a TTL for a non-TTL mode …). Invalid paths are
 * lib/data's InvalidPathError, as the server uses it too.
 */
export class IllegalArgumentError extends Error {
  override name = 'IllegalArgumentError';
}

/** A connect string ZooKeeper's ConnectStringParser would refuse. */
export class InvalidConnectStringError extends IllegalArgumentError {
  override name = 'InvalidConnectStringError';
}

export { codeMessage };
