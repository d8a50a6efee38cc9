import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTxnLog } from '../../plugins/storage-file/file-txn-log';
import { nodeFileIO } from '../../plugins/storage-file/node-file-io';
import { serializeTxn } from '../../lib/persistence/txn-serde';
import { FaultyFileIO, SimulatedCrash } from './faulty-file-io';
import { collect, entries, makeEntry } from './txn-fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zoolab-faulty-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the file IO seam', () => {
  it('a group commit torn mid-write fails the log; reopening keeps every acknowledged txn and the whole entries of the torn batch', async () => {
    const sizes = entries(6, 10).map((e) => 12 + serializeTxn(e).length + 1);
    const tears = [0, 1, 5, sizes[0] - 1, sizes[0], sizes[0] + 13, sizes[0] + sizes[1] + sizes[2], sizes.reduce((a, b) => a + b) - 1];
    for (const keep of tears) {
      rmSync(dir, { recursive: true, force: true });
      const io = new FaultyFileIO(nodeFileIO);
      const log = await FileTxnLog.open({ dir, io, preAllocSize: 64 * 1024 });
      for (const e of entries(1, 5)) log.append(e);
      await log.commit(); // acknowledged
      for (const e of entries(6, 10)) log.append(e);
      io.tearNextWrite(keep);
      await expect(log.commit()).rejects.toBeInstanceOf(SimulatedCrash);
      // A log whose write failed is not trusted any further.
      expect(() => log.append(makeEntry(11n))).toThrow(/failed earlier/);
      await log.close();

      let whole = 0;
      for (let left = keep; whole < sizes.length && left >= sizes[whole]; whole++) left -= sizes[whole];
      const reopened = await FileTxnLog.open({ dir, preAllocSize: 64 * 1024 });
      const expected = Array.from({ length: 5 + whole }, (_, i) => BigInt(i + 1));
      expect((await collect(reopened.read(0n))).map((e) => e.hdr.zxid)).toEqual(expected);
      expect(reopened.lastLoggedZxid()).toBe(BigInt(5 + whole));
      const partial = keep - sizes.slice(0, whole).reduce((a, b) => a + b, 0);
      // a torn prefix of zeros only (the checksum's high bytes) looks like preallocation
      expect(reopened.repairs.length).toBe(partial > 4 ? 1 : 0);
      reopened.append(makeEntry(BigInt(6 + whole)));
      await reopened.commit();
      await reopened.close();
    }
  });

  it('a torn write of a new file’s first batch leaves a file that is cut or removed on reopen', async () => {
    const io = new FaultyFileIO(nodeFileIO);
    const log = await FileTxnLog.open({ dir, io, preAllocSize: 0 });
    for (const e of entries(1, 3)) log.append(e);
    await log.commit();
    log.rollLog();
    log.append(makeEntry(4n));
    io.tearNextWrite(10, (p) => p.endsWith('log.4'));
    await expect(log.commit()).rejects.toBeInstanceOf(SimulatedCrash);
    await log.close();
    expect(statSync(join(dir, 'log.4')).size).toBe(10);
    const reopened = await FileTxnLog.open({ dir, preAllocSize: 0 });
    expect(reopened.repairs).toEqual([expect.objectContaining({ file: join(dir, 'log.4'), removedFile: true })]);
    reopened.append(makeEntry(4n));
    await reopened.commit();
    expect((await collect(reopened.read(0n))).map((e) => e.hdr.zxid)).toEqual([1n, 2n, 3n, 4n]);
    await reopened.close();
  });
});
