import type { TxnHeader } from '../jute/records/txn';

/**
 * What a peer reports as it goes, for checkers and traces: each txn applied to its tree
 * (in the order applied), each time its tree was replaced or rolled back (a SNAP, a TRUNC,
 * a restore), and each epoch it started to lead.
 */
export type PeerEvent =
  | { kind: 'applied'; zxid: bigint; type: number; sessionId: bigint; cxid: number; via: 'commit' | 'sync' | 'fastForward' }
  | { kind: 'reset'; reason: 'restore' | 'snap' | 'trunc'; zxid: bigint }
  | { kind: 'leading'; epoch: bigint };

export function appliedEvent(hdr: TxnHeader, via: 'commit' | 'sync' | 'fastForward'): PeerEvent {
  return { kind: 'applied', zxid: hdr.zxid, type: hdr.type, sessionId: hdr.clientId, cxid: hdr.cxid, via };
}
