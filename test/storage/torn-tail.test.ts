import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TxnLogCorruptError, TxnLogFormatError } from '../../plugins/storage-file/errors';
import { FileTxnLog } from '../../plugins/storage-file/file-txn-log';
import { readTxnLog } from '../../plugins/storage-file/file-txn-iterator';
import { nodeFileIO } from '../../plugins/storage-file/node-file-io';
import { collect, entries } from './txn-fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zoolab-torn-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const opts = () => ({ dir, preAllocSize: 0, forceSync: false });
const zxidsOf = async (log: FileTxnLog) => (await collect(log.read(0n))).map((e) => Number(e.hdr.zxid));

/** Writes txns [from..to] into one file and returns the byte offset where each entry starts. */
async function writeLog(from: number, to: number, roll = false): Promise<number[]> {
  const log = await FileTxnLog.open(opts());
  if (roll) log.rollLog();
  for (const e of entries(from, to)) log.append(e);
  await log.commit();
  await log.close();
  const bytes = readFileSync(join(dir, `log.${from.toString(16)}`));
  const starts: number[] = [];
  for (let pos = 16; pos < bytes.length; pos += 12 + bytes.readInt32BE(pos + 8) + 1) starts.push(pos);
  return starts;
}

describe('a torn last write', () => {
  it('cut at every byte offset of the last entry is truncated cleanly on reopen, losing nothing before it', async () => {
    const starts = await writeLog(1, 6);
    const file = join(dir, 'log.1');
    const whole = readFileSync(file);
    const last = starts[5];
    let checked = 0;
    for (let cut = last; cut < whole.length; cut++) {
      // EOF inside the entry, and the same with the preallocated zeros still after it.
      for (const image of [whole.subarray(0, cut), Buffer.concat([whole.subarray(0, cut), Buffer.alloc(whole.length - cut + 4096)])]) {
        writeFileSync(file, image);
        const log = await FileTxnLog.open(opts());
        expect(log.lastLoggedZxid()).toBe(5n);
        expect(await zxidsOf(log)).toEqual([1, 2, 3, 4, 5]);
        const torn = image.subarray(last).some((b) => b !== 0);
        if (torn) {
          expect(log.repairs).toEqual([expect.objectContaining({ file, offset: last, removedFile: false, bytesDropped: image.length - last })]);
          expect(statSync(file).size).toBe(last);
        } else {
          expect(log.repairs).toEqual([]);
          expect(statSync(file).size).toBe(image.length);
        }
        await log.close();
        checked++;
      }
    }
    expect(checked).toBe(2 * (whole.length - last));
  });

  it('with garbage after the cut (no whole entry in it) is still a torn tail', async () => {
    const starts = await writeLog(1, 6);
    const file = join(dir, 'log.1');
    const whole = readFileSync(file);
    const cut = starts[5] + 20;
    const garbage = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff));
    writeFileSync(file, Buffer.concat([whole.subarray(0, cut), garbage]));
    const log = await FileTxnLog.open(opts());
    expect(log.repairs).toEqual([expect.objectContaining({ offset: starts[5] })]);
    expect(await zxidsOf(log)).toEqual([1, 2, 3, 4, 5]);
    await log.close();
  });

  it('that left a new file without a whole header is removed, and its name can be used again', async () => {
    await writeLog(1, 3);
    writeFileSync(join(dir, 'log.4'), Buffer.from([0x5a, 0x4b, 0x4c]));
    const log = await FileTxnLog.open(opts());
    expect(log.lastLoggedZxid()).toBe(3n);
    expect(log.repairs).toEqual([expect.objectContaining({ file: join(dir, 'log.4'), removedFile: true })]);
    for (const e of entries(4, 5)) log.append(e);
    await log.commit();
    expect(await zxidsOf(log)).toEqual([1, 2, 3, 4, 5]);
    await log.close();
  });

  it('in an older file (as a Java server leaves it: it never cuts) ends that file, and reading goes on', async () => {
    const starts = await writeLog(1, 4);
    await writeLog(5, 6, true);
    const older = join(dir, 'log.1');
    const whole = readFileSync(older);
    writeFileSync(older, Buffer.concat([whole.subarray(0, starts[3] + 7), Buffer.alloc(1000)]));
    const log = await FileTxnLog.open(opts());
    expect(log.repairs).toEqual([]);
    expect(await zxidsOf(log)).toEqual([1, 2, 3, 5, 6]);
    expect(await log.truncateTornTail()).toEqual([expect.objectContaining({ file: older, offset: starts[3] })]);
    expect(statSync(older).size).toBe(starts[3]);
    await log.close();
  });

  it('zero padding after the last entry is a clean end, not a torn tail', async () => {
    const log = await FileTxnLog.open({ dir, preAllocSize: 1 << 20, forceSync: false });
    for (const e of entries(1, 3)) log.append(e);
    await log.commit();
    await log.close();
    const again = await FileTxnLog.open(opts());
    expect(again.repairs).toEqual([]);
    expect(statSync(join(dir, 'log.1')).size).toBe(16 + (1 << 20));
    expect(await zxidsOf(again)).toEqual([1, 2, 3]);
    await again.close();
  });
});

describe('damage in the middle of the log', () => {
  async function expectCorrupt(mutate: (b: Buffer, starts: number[]) => void, offsetOf: (starts: number[]) => number, reason: RegExp) {
    const starts = await writeLog(1, 6);
    await writeLog(7, 8, true);
    const file = join(dir, 'log.1');
    const bytes = readFileSync(file);
    mutate(bytes, starts);
    writeFileSync(file, bytes);
    // Opening scans only the newest file; reading everything meets the damage.
    const log = await FileTxnLog.open(opts());
    const err = await collect(log.read(0n)).catch((e) => e);
    expect(err).toBeInstanceOf(TxnLogCorruptError);
    expect(err).toMatchObject({ file, offset: offsetOf(starts) });
    expect(err.message).toContain(file);
    expect(err.message).toContain(`byte offset ${offsetOf(starts)}`);
    expect(err.reason).toMatch(reason);
    await log.close();
  }

  it('a checksum mismatch followed by valid entries is a typed error naming the file and offset', () =>
    expectCorrupt((b, s) => (b[s[2] + 40] ^= 0x01), (s) => s[2], /checksum mismatch/));

  it('a bad end-of-record byte followed by valid entries is a typed error', () =>
    expectCorrupt((b, s) => (b[s[3] - 1] = 0x43), (s) => s[2], /end-of-record/));

  it('a zeroed sector in the middle is corruption, not an end of log (Java would stop there silently)', () =>
    expectCorrupt((b, s) => b.fill(0, s[1], s[1] + 64), (s) => s[1], /zero length/));

  it('is found when the damaged file is the newest too: opening fails rather than dropping data', async () => {
    const starts = await writeLog(1, 6);
    const file = join(dir, 'log.1');
    const bytes = readFileSync(file);
    bytes[starts[1] + 30] ^= 0xff;
    writeFileSync(file, bytes);
    await expect(FileTxnLog.open(opts())).rejects.toMatchObject({ name: 'TxnLogCorruptError', file, offset: starts[1] });
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });
});

describe('files that are not txn logs', () => {
  it('a bad magic number is a TxnLogFormatError naming the file', async () => {
    await writeLog(1, 2);
    const file = join(dir, 'log.1');
    const bytes = readFileSync(file);
    bytes.write('ZKSN', 0);
    writeFileSync(file, bytes);
    const err = await collect(readTxnLog(nodeFileIO, dir, 0n)).catch((e) => e);
    expect(err).toBeInstanceOf(TxnLogFormatError);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/invalid magic number 0x5a4b534e/);
  });

  it('an unknown format version is a TxnLogFormatError', async () => {
    await writeLog(1, 2);
    const file = join(dir, 'log.1');
    const bytes = readFileSync(file);
    bytes.writeInt32BE(3, 4);
    writeFileSync(file, bytes);
    await expect(FileTxnLog.open(opts())).rejects.toThrow(/unsupported txnlog format version 3/);
  });

  it('other files in the directory (snapshots, TxnLogToolkit output) are ignored', async () => {
    await writeLog(1, 2);
    writeFileSync(join(dir, 'log.1.fixed'), 'junk');
    writeFileSync(join(dir, 'snapshot.0'), 'junk');
    const log = await FileTxnLog.open(opts());
    expect(await zxidsOf(log)).toEqual([1, 2]);
    await log.close();
    expect(readdirSync(dir).sort()).toEqual(['log.1', 'log.1.fixed', 'snapshot.0']);
  });
});
