import { encode } from '../../lib/jute/codec';
import { ACL, Id } from '../../lib/jute/records/data';
import { CreateTxn, Txn, TxnHeader } from '../../lib/jute/records/txn';
import type { JuteRecord } from '../../lib/jute/types';
import { Ids, Perms } from '../../lib/protocol';
import type { DataTree, ProcessTxnResult } from '../../lib/data/data-tree';

export const OPEN = (): ACL[] => Ids.OPEN_ACL_UNSAFE();
export const digestAcl = (user = 'user:abc'): ACL[] => [
  new ACL({ perms: Perms.ALL, id: new Id({ scheme: 'digest', id: user }) }),
];

/** Applies a txn as session `client` at `zxid` (time 1000 + zxid). */
export function apply(tree: DataTree, zxid: bigint, type: number, txn: JuteRecord | null, client = 0x11n): ProcessTxnResult {
  return tree.processTxn(new TxnHeader({ clientId: client, cxid: 1, zxid, time: 1000n + zxid, type }), txn);
}

export function createTxn(path: string, data: string | null = null, opts: Partial<CreateTxn> = {}): CreateTxn {
  return new CreateTxn({
    path,
    data: data === null ? null : Buffer.from(data),
    acl: OPEN(),
    ephemeral: false,
    parentCVersion: -1,
    ...opts,
  });
}

export function subTxn(type: number, r: JuteRecord): Txn {
  return new Txn({ type, data: encode(r) });
}
