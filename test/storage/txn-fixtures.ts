import { ACL, Id } from '../../lib/jute/records/data';
import {
  CloseSessionTxn,
  CreateContainerTxn,
  CreateSessionTxn,
  CreateTTLTxn,
  CreateTxn,
  DeleteTxn,
  ErrorTxn,
  MultiTxn,
  SetACLTxn,
  SetDataTxn,
  Txn,
  TxnDigest,
  TxnHeader,
} from '../../lib/jute/records/txn';
import { encode } from '../../lib/jute/codec';
import type { JuteRecord } from '../../lib/jute/types';
import { OpCode } from '../../lib/protocol/op-code';
import type { TxnEntry } from '../../lib/persistence/txn-log';

export const SESSION = 0x100000b1d790000n;
export const T0 = 1_764_225_187_000; // a fixed wall-clock time (ms)

const open = () => [new ACL({ perms: 31, id: new Id({ scheme: 'world', id: 'anyone' }) })];

/** One txn of every kind the log holds, cycling by zxid; `digest` adds a TxnDigest as 3.8 does. */
export function makeEntry(zxid: bigint, opts: { digest?: boolean; kind?: number } = {}): TxnEntry {
  const kinds = TXN_KINDS;
  const k = kinds[(opts.kind ?? Number(zxid)) % kinds.length];
  const [type, txn] = k(zxid);
  const hdr = new TxnHeader({ clientId: SESSION, cxid: Number(zxid % 1000n), zxid, time: BigInt(T0) + zxid, type });
  const digest = opts.digest === false ? null : new TxnDigest({ version: 2, treeDigest: 1000n + zxid });
  return { hdr, txn, digest };
}

type Kind = (zxid: bigint) => [number, JuteRecord | null];

export const TXN_KINDS: Kind[] = [
  () => [OpCode.createSession, new CreateSessionTxn({ timeOut: 30000 })],
  (z) => [OpCode.create, new CreateTxn({ path: `/n${z}`, data: Buffer.from(`data-${z}`), acl: open(), ephemeral: false, parentCVersion: Number(z) })],
  (z) => [OpCode.setData, new SetDataTxn({ path: `/n${z}`, data: Buffer.from([0xff, 0x00, 0x41]), version: 3 })],
  (z) => [OpCode.delete, new DeleteTxn({ path: `/n${z}` })],
  (z) => [OpCode.setACL, new SetACLTxn({ path: `/n${z}`, acl: open(), version: 1 })],
  (z) => [OpCode.createContainer, new CreateContainerTxn({ path: `/c${z}`, data: null, acl: open(), parentCVersion: 2 })],
  (z) => [OpCode.createTTL, new CreateTTLTxn({ path: `/t${z}`, data: Buffer.from('t'), acl: open(), parentCVersion: 4, ttl: 5000n })],
  (z) => [
    OpCode.multi,
    new MultiTxn({
      txns: [
        new Txn({ type: OpCode.create, data: encode(new CreateTxn({ path: `/m${z}`, data: Buffer.from('x'), acl: open(), ephemeral: false, parentCVersion: 1 })) }),
        new Txn({ type: OpCode.error, data: encode(new ErrorTxn({ err: -101 })) }),
      ],
    }),
  ],
  () => [OpCode.error, new ErrorTxn({ err: -110 })],
  () => [OpCode.closeSession, new CloseSessionTxn({ paths2Delete: ['/eph'] })],
];

export function entries(from: number, to: number, opts: { digest?: boolean } = {}): TxnEntry[] {
  const out: TxnEntry[] = [];
  for (let z = from; z <= to; z++) out.push(makeEntry(BigInt(z), opts));
  return out;
}

/** A stable text form for equality checks (records → JSON, bigints → strings). */
export function show(e: TxnEntry): string {
  return JSON.stringify({ hdr: e.hdr.toJSON(), txn: e.txn?.toJSON() ?? null, digest: e.digest?.toJSON() ?? null });
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
