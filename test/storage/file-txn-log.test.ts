import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeTxn } from '../../lib/persistence/txn-serde';
import { adler32 } from '../../lib/persistence/adler32';
import { calculateFileSizeWithPadding } from '../../plugins/storage-file/file-padding';
import { FileTxnLog } from '../../plugins/storage-file/file-txn-log';
import { makeLogName, zxidFromLogName } from '../../plugins/storage-file/txn-log-format';
import { CreateTxn, TxnHeader } from '../../lib/jute/records/txn';
import { OpCode } from '../../lib/protocol/op-code';
import { collect, entries, makeEntry, show } from './txn-fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zoolab-filelog-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const logs = () => readdirSync(dir).filter((n) => n.startsWith('log.')).sort();

describe('Adler-32', () => {
  it('matches the RFC 1950 reference values', () => {
    expect(adler32(Buffer.alloc(0))).toBe(1);
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.from('abc'))).toBe(0x024d0127);
  });
  it('stays exact over long inputs of 0xff (the modulo deferral bound)', () => {
    const buf = Buffer.alloc(100_000, 0xff);
    let a = 1;
    let b = 0;
    for (const x of buf) {
      a = (a + x) % 65521;
      b = (b + a) % 65521;
    }
    expect(adler32(buf)).toBe(((b << 16) | a) >>> 0);
  });
});

describe('file names', () => {
  it('are log.<zxid of the first txn> in lowercase hex without padding, as Long.toHexString', () => {
    expect(makeLogName(1n)).toBe('log.1');
    expect(makeLogName(0x100000001n)).toBe('log.100000001');
    expect(makeLogName(0xabcn)).toBe('log.abc');
    expect(makeLogName(-1n)).toBe('log.ffffffffffffffff');
    expect(zxidFromLogName('log.1a')).toBe(0x1an);
    expect(zxidFromLogName('log.1a.fixed')).toBeNull();
    expect(zxidFromLogName('snapshot.1')).toBeNull();
  });
});

describe('FileTxnLog writing', () => {
  it('writes the FileHeader and each entry as checksum, length, TxnHeader+txn+digest, EOR', async () => {
    const log = await FileTxnLog.open({ dir, preAllocSize: 0, forceSync: false });
    const e = makeEntry(0x100000001n);
    log.append(e);
    await log.commit();
    await log.close();
    expect(logs()).toEqual(['log.100000001']);
    const bytes = readFileSync(join(dir, 'log.100000001'));
    expect(bytes.subarray(0, 16).toString('hex')).toBe('5a4b4c47' + '00000002' + '0000000000000000');
    const payload = serializeTxn(e);
    expect(bytes.readBigInt64BE(16)).toBe(BigInt(adler32(payload)));
    expect(bytes.readInt32BE(24)).toBe(payload.length);
    expect(bytes.subarray(28, 28 + payload.length).equals(payload)).toBe(true);
    expect(bytes[28 + payload.length]).toBe(0x42);
    expect(bytes.length).toBe(28 + payload.length + 1);
  });

  it('preallocates 64 MiB after the header by default, as the Java server does (67108880 bytes)', async () => {
    const log = await FileTxnLog.open({ dir, forceSync: false });
    log.append(makeEntry(1n));
    await log.commit();
    await log.close();
    expect(statSync(join(dir, 'log.1')).size).toBe(16 + 64 * 1024 * 1024);
  });

  it('extends the preallocation by a block once writing comes within 4 KiB of its end', async () => {
    const pre = 16 * 1024;
    const log = await FileTxnLog.open({ dir, preAllocSize: pre, forceSync: false });
    let z = 1;
    const size = () => statSync(join(dir, 'log.1')).size;
    log.append(makeEntry(BigInt(z++)));
    await log.commit();
    expect(size()).toBe(16 + pre);
    while (size() === 16 + pre) {
      log.append(makeEntry(BigInt(z++)));
      await log.commit();
    }
    expect(size()).toBe(16 + 2 * pre);
    await log.close();
    // the data written so far ended within 4 KiB of the old end
    expect(calculateFileSizeWithPadding(16 + pre - 4096, 16 + pre, pre)).toBe(16 + 2 * pre);
    expect(calculateFileSizeWithPadding(16 + pre - 4097, 16 + pre, pre)).toBe(16 + pre);
    expect(calculateFileSizeWithPadding(100_000, 16 + pre, pre)).toBe(100_000 + pre - ((100_000 + pre) % pre));
    expect(calculateFileSizeWithPadding(10, 16, 0)).toBe(16);
  });

  it('commits many appended txns with one write and one fsync', async () => {
    const log = await FileTxnLog.open({ dir, preAllocSize: 0 });
    for (const e of entries(1, 200)) log.append(e);
    await log.commit();
    expect(log.stats).toMatchObject({ commits: 1, writes: 1, fsyncs: 1, filesCreated: 1 });
    for (const e of entries(201, 300)) log.append(e);
    await log.commit();
    expect(log.stats).toMatchObject({ commits: 2, writes: 2, fsyncs: 2 });
    await log.close();
  });

  it('skips fsync when forceSync is false', async () => {
    const log = await FileTxnLog.open({ dir, forceSync: false });
    log.append(makeEntry(1n));
    await log.commit();
    expect(log.stats.fsyncs).toBe(0);
    await log.close();
  });

  it('concurrent commits are written in order and each resolves once its txns are on disk', async () => {
    const log = await FileTxnLog.open({ dir, preAllocSize: 0, forceSync: false });
    const commits: Promise<void>[] = [];
    for (let z = 1; z <= 20; z++) {
      log.append(makeEntry(BigInt(z)));
      commits.push(log.commit());
    }
    await Promise.all(commits);
    expect((await collect(log.read(0n))).map((e) => e.hdr.zxid)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));
    await log.close();
  });

  it('rollLog starts a new file named for its first txn; a restart does too', async () => {
    const log = await FileTxnLog.open({ dir, preAllocSize: 0, forceSync: false });
    for (const e of entries(1, 3)) log.append(e);
    log.rollLog();
    for (const e of entries(4, 5)) log.append(e);
    await log.commit();
    expect(logs()).toEqual(['log.1', 'log.4']);
    await log.close();
    const again = await FileTxnLog.open({ dir, preAllocSize: 0, forceSync: false });
    again.append(makeEntry(6n));
    await again.commit();
    expect(logs()).toEqual(['log.1', 'log.4', 'log.6']);
    await again.close();
  });

  it('truncate cuts the file holding the zxid just after it and deletes later files', async () => {
    const log = await FileTxnLog.open({ dir, preAllocSize: 0, forceSync: false });
    for (const e of entries(1, 3)) log.append(e);
    log.rollLog();
    for (const e of entries(4, 6)) log.append(e);
    log.rollLog();
    for (const e of entries(7, 9)) log.append(e);
    await log.commit();
    const sizeOf4 = statSync(join(dir, 'log.4')).size;
    await log.truncate(5n);
    expect(logs()).toEqual(['log.1', 'log.4']);
    expect(statSync(join(dir, 'log.4')).size).toBeLessThan(sizeOf4);
    await log.truncate(3n);
    expect(logs()).toEqual(['log.1']);
    await log.close();
  });

  it('is closed after close(): appends are refused with a typed error', async () => {
    const log = await FileTxnLog.open({ dir, forceSync: false });
    await log.close();
    expect(() => log.append(makeEntry(1n))).toThrow(/closed/);
    await expect(log.commit()).rejects.toThrow(/closed/);
  });

  it("reads a create's value back as a view of the file's read, not a copy per entry", async () => {
    const log = await FileTxnLog.open({ dir, forceSync: false });
    const written = Array.from({ length: 30 }, (_, i) => {
      const zxid = BigInt(i + 1);
      const hdr = new TxnHeader({ clientId: 7n, cxid: i, zxid, time: 1000n + zxid, type: OpCode.create });
      const data = Buffer.alloc(1024, i);
      const txn = new CreateTxn({ path: `/v${i}`, data, acl: [], ephemeral: false, parentCVersion: i });
      return { hdr, txn, digest: null };
    });
    for (const e of written) log.append(e);
    await log.commit();
    const read = await collect(log.read(0n));
    expect(read.map(show)).toEqual(written.map(show));
    for (const e of read) {
      // The ~1 MiB window the scanner read; a copy would be a slice of an 8 KiB pool.
      expect((e.txn as CreateTxn).data!.buffer.byteLength).toBeGreaterThan(64 * 1024);
    }
    await log.close();
  });

  it('refuses a txn larger than a reader accepts', async () => {
    const log = await FileTxnLog.open({ dir, forceSync: false, maxEntrySize: 100 });
    expect(() => log.append(makeEntry(1n, { kind: 1 }))).not.toThrow();
    expect(() => log.append(makeEntry(2n, { kind: 7 }))).toThrow(/over the 100/);
    await log.close();
  });
});
