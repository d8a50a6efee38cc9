import type { Id } from '../jute/records/data';
import type { TxnDigest, TxnHeader } from '../jute/records/txn';
import type { JuteRecord } from '../jute/types';
import type { ServerCnxn } from './server-cnxn';

/**
 * ZooKeeper's Request: what flows through the processor chain. Created by the connection
 * (or by the server itself for session expiry), filled in by prep (hdr / txn, or err),
 * made durable by sync and answered by final.
 */
export class Request {
  /** Set by prep for a request that changes state (including error txns). */
  hdr: TxnHeader | null = null;
  txn: JuteRecord | null = null;
  digest: TxnDigest | null = null;
  /** hdr, txn and digest serialized, when a proposal brought or made them (TxnEntry.bytes). */
  txnBytes: Buffer | undefined = undefined;
  /** The zxid assigned to this request's txn, or the last processed zxid for reads. */
  zxid = -1n;
  /** A KeeperException code decided before final (e.g. by prep); 0 when none. */
  err = 0;
  /** Wall-clock time the request entered the server, for latency stats. */
  readonly createTime: number;

  constructor(
    /** null for requests the server makes itself (session expiry, container deletes). */
    readonly cnxn: ServerCnxn | null,
    readonly sessionId: bigint,
    readonly cxid: number,
    readonly type: number,
    /** The request record's bytes (after the RequestHeader); empty for ping / closeSession. */
    readonly body: Buffer,
    readonly authInfo: readonly Id[],
    now: number,
  ) {
    this.createTime = now;
  }

  isTxn(): boolean {
    return this.hdr !== null;
  }
}
