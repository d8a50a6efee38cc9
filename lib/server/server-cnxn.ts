import type { ClientInfo, Id } from '../jute/records/data';
import type { ReplyHeader } from '../jute/records/proto';
import type { JuteRecord } from '../jute/types';
import type { Watcher } from '../data/watcher';

/**
 * ZooKeeper's ServerCnxn as request processing sees it: the session it carries, its
 * authentication ids, where it comes from, and the way back to the client. It is the
 * Watcher for every watch its requests register.
 */
export interface ServerCnxn extends Watcher {
  readonly sessionId: bigint;
  /** Ids this connection authenticated as (ip, digest …); addAuth appends. */
  readonly authInfo: Id[];
  readonly remoteAddress: string;
  /** For whoAmI: the auth ids as ClientInfo records. */
  clientInfo(): ClientInfo[];
  addAuthInfo(id: Id): void;
  sendResponse(header: ReplyHeader, body: JuteRecord | null): void;
  /** Closes the connection with a reason for the log. */
  close(reason: string): void;
}
