import { Container } from 'inversify';
import { ACL, Id } from '../../lib/jute/records/data';
import { CreateSessionTxn, CreateTxn, CloseSessionTxn, TxnDigest, TxnHeader, DeleteTxn } from '../../lib/jute/records/txn';
import { deserializeTxn, serializeTxn, UnsupportedTxnError } from '../../lib/persistence/txn-serde';
import { TXN_LOG, type TxnEntry } from '../../lib/persistence/txn-log';
import { OpCode } from '../../lib/protocol';
import { MemoryTxnLog, storageMemoryModule } from '../../plugins/storage-memory';

const hdr = (zxid: bigint, type: number) => new TxnHeader({ clientId: 0x100n, cxid: 1, zxid, time: 1234n, type });
const create = (path: string) =>
  new CreateTxn({ path, data: Buffer.from('x'), acl: [new ACL({ perms: 31, id: new Id({ scheme: 'world', id: 'anyone' }) })], ephemeral: false, parentCVersion: 1 });

async function all(log: MemoryTxnLog, after = 0n): Promise<TxnEntry[]> {
  const out: TxnEntry[] = [];
  for await (const e of log.read(after)) out.push(e);
  return out;
}

describe('txn serde', () => {
  it('round-trips a txn with its digest', () => {
    const e = { hdr: hdr(5n, OpCode.create), txn: create('/a'), digest: new TxnDigest({ version: 2, treeDigest: 77n }) };
    const back = deserializeTxn(serializeTxn(e));
    expect(back.hdr.toJSON()).toEqual(e.hdr.toJSON());
    expect((back.txn as CreateTxn).path).toBe('/a');
    expect(back.digest?.treeDigest).toBe(77n);
  });

  it('keeps the bytes it read as the entry (TxnEntry.bytes) only when they are the current format, which serializes back to them', () => {
    const e = { hdr: hdr(5n, OpCode.create), txn: create('/a'), digest: new TxnDigest({ version: 2, treeDigest: 77n }) };
    const bytes = serializeTxn(e);
    const back = deserializeTxn(bytes);
    expect(back.bytes).toBe(bytes);
    // Written from its bytes or from its records, the entry is the same.
    expect(serializeTxn({ hdr: back.hdr, txn: back.txn, digest: back.digest })).toEqual(bytes);
    expect(serializeTxn(back)).toEqual(bytes);
    expect(serializeTxn(back)).not.toBe(bytes);
    // A pre-3.3 create is re-encoded in the current format, not copied.
    expect(deserializeTxn(bytes.subarray(0, bytes.length - 4 - 12)).bytes).toBeUndefined();
  });

  it('reads a pre-3.3 create (no parentCVersion) with parentCVersion -1', () => {
    const bytes = serializeTxn({ hdr: hdr(5n, OpCode.create), txn: create('/old') });
    const v0 = bytes.subarray(0, bytes.length - 4); // drop parentCVersion
    const back = deserializeTxn(v0);
    expect((back.txn as CreateTxn).parentCVersion).toBe(-1);
    expect((back.txn as CreateTxn).path).toBe('/old');
  });

  it('reads a closeSession from before CloseSessionTxn as no txn', () => {
    const bytes = serializeTxn({ hdr: hdr(6n, OpCode.closeSession), txn: null });
    expect(deserializeTxn(bytes).txn).toBeNull();
  });

  it('reads a closeSession with or without its CloseSessionTxn, with or without a digest (closeSessionTxn.enabled either way)', () => {
    const digest = new TxnDigest({ version: 2, treeDigest: -5_000_000_000n });
    const close = (paths: string[] | null, d: TxnDigest | null) =>
      deserializeTxn(serializeTxn({ hdr: hdr(6n, OpCode.closeSession), txn: paths === null ? null : new CloseSessionTxn({ paths2Delete: paths }), digest: d }));
    for (const d of [null, digest]) {
      for (const paths of [null, [], ['/e'], ['/abcd'], ['/a', '/b/c']]) {
        const back = close(paths, d);
        expect(back.txn === null ? null : (back.txn as CloseSessionTxn).paths2Delete).toEqual(paths);
        expect(back.digest?.treeDigest ?? null).toBe(d?.treeDigest ?? null);
        expect(back.bytes).toBeDefined();
      }
    }
  });

  it('refuses a txn type it does not know', () => {
    expect(() => deserializeTxn(serializeTxn({ hdr: hdr(6n, 99), txn: null }))).toThrow(UnsupportedTxnError);
  });
});

describe('storage-memory plugin', () => {
  it('binds TXN_LOG', () => {
    const c = new Container();
    c.load(storageMemoryModule());
    expect(c.get(TXN_LOG)).toBeInstanceOf(MemoryTxnLog);
  });

  it('returns only committed entries, copies of what was appended', async () => {
    const log = new MemoryTxnLog();
    const t = create('/a');
    log.append({ hdr: hdr(1n, OpCode.createSession), txn: new CreateSessionTxn({ timeOut: 4000 }) });
    log.append({ hdr: hdr(2n, OpCode.create), txn: t });
    expect(await all(log)).toEqual([]);
    await log.commit();
    log.append({ hdr: hdr(3n, OpCode.delete), txn: new DeleteTxn({ path: '/a' }) });
    const got = await all(log);
    expect(got.map((e) => e.hdr.zxid)).toEqual([1n, 2n]);
    expect(got[1].txn).not.toBe(t);
    expect((await all(log, 1n)).map((e) => e.hdr.zxid)).toEqual([2n]);
    expect(log.lastLoggedZxid()).toBe(3n);
  });

  it('loses uncommitted entries in a crash and truncates on request', async () => {
    const log = new MemoryTxnLog();
    for (let z = 1n; z <= 5n; z++) log.append({ hdr: hdr(z, OpCode.closeSession), txn: new CloseSessionTxn({ paths2Delete: [] }) });
    await log.commit();
    log.append({ hdr: hdr(6n, OpCode.closeSession), txn: new CloseSessionTxn({ paths2Delete: [] }) });
    await log.close();
    log.reopen();
    expect(log.lastLoggedZxid()).toBe(5n);
    await log.truncate(3n);
    expect((await all(log)).map((e) => e.hdr.zxid)).toEqual([1n, 2n, 3n]);
  });

  it('refuses a zxid that does not follow the last one', () => {
    const log = new MemoryTxnLog();
    log.append({ hdr: hdr(2n, OpCode.closeSession), txn: null });
    expect(() => log.append({ hdr: hdr(2n, OpCode.closeSession), txn: null })).toThrow(RangeError);
  });
});
