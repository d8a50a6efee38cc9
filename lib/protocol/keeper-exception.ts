/** KeeperException.Code: the error codes of replies and multi results. */
export const Code = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;

export type Code = (typeof Code)[keyof typeof Code];

/** KeeperException.getCodeMessage, word for word (tools match on these strings). */
const MESSAGES: Record<number, string> = {
  [Code.OK]: 'ok',
  [Code.SYSTEMERROR]: 'SystemError',
  [Code.RUNTIMEINCONSISTENCY]: 'RuntimeInconsistency',
  [Code.DATAINCONSISTENCY]: 'DataInconsistency',
  [Code.CONNECTIONLOSS]: 'ConnectionLoss',
  [Code.MARSHALLINGERROR]: 'MarshallingError',
  [Code.NEWCONFIGNOQUORUM]: 'NewConfigNoQuorum',
  [Code.RECONFIGINPROGRESS]: 'ReconfigInProgress',
  [Code.UNIMPLEMENTED]: 'Unimplemented',
  [Code.OPERATIONTIMEOUT]: 'OperationTimeout',
  [Code.BADARGUMENTS]: 'BadArguments',
  [Code.UNKNOWNSESSION]: 'UnknownSession',
  [Code.APIERROR]: 'APIError',
  [Code.NONODE]: 'NoNode',
  [Code.NOAUTH]: 'NoAuth',
  [Code.BADVERSION]: 'BadVersion',
  [Code.NOCHILDRENFOREPHEMERALS]: 'NoChildrenForEphemerals',
  [Code.NODEEXISTS]: 'NodeExists',
  [Code.INVALIDACL]: 'InvalidACL',
  [Code.AUTHFAILED]: 'AuthFailed',
  [Code.NOTEMPTY]: 'Directory not empty',
  [Code.SESSIONEXPIRED]: 'Session expired',
  [Code.INVALIDCALLBACK]: 'Invalid callback',
  [Code.SESSIONMOVED]: 'Session moved',
  [Code.NOTREADONLY]: 'Not a read-only call',
  [Code.EPHEMERALONLOCALSESSION]: 'Ephemeral node on local session',
  [Code.NOWATCHER]: 'No such watcher',
  [Code.REQUESTTIMEOUT]: 'Request timeout',
  [Code.RECONFIGDISABLED]: 'Reconfig is disabled',
  [Code.SESSIONCLOSEDREQUIRESASLAUTH]: 'Session closed because client failed to authenticate',
  [Code.QUOTAEXCEEDED]: 'Quota has exceeded',
  [Code.THROTTLEDOP]: 'Op throttled due to high load',
};

export function codeMessage(code: number): string {
  return MESSAGES[code] ?? `Unknown error ${code}`;
}

const NAMES = new Map<number, string>(Object.entries(Code).map(([k, v]) => [v, k]));

export function codeName(code: number): string {
  return NAMES.get(code) ?? `UNKNOWN(${code})`;
}

/**
 * KeeperException: an error with ZooKeeper's code. The server throws it from request
 * handling and turns it into the reply header's err; the client rejects with it.
 *
 * The server's carry no stack trace. There it is a request's answer (NodeExists, NoNode,
 * BadVersion are what lock and election recipes expect), thrown inside the processor
 * chain, whose frames are stream and RxJS plumbing. Capturing them cost ~16 µs per error
 * reply in a server profile, about as much as the whole request. The client's subclasses
 * (lib/client/errors) keep theirs: a call the client rejects at once points at user code.
 */
export class KeeperException extends Error {
  override name = 'KeeperException';
  constructor(
    readonly code: number,
    readonly path?: string,
  ) {
    const limit = Error.stackTraceLimit;
    if (new.target === KeeperException) Error.stackTraceLimit = 0;
    try {
      super(`KeeperErrorCode = ${codeMessage(code)}${path !== undefined ? ` for ${path}` : ''}`);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
