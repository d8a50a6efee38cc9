import type { TxnLog } from '../../lib/persistence/txn-log';
import { collect, entries, makeEntry, show } from './txn-fixtures';

/** A TxnLog implementation under test: `open` opens (or, after close, reopens) the same storage. */
export interface TxnLogHarness {
  open(): Promise<TxnLog>;
  cleanup(): Promise<void>;
}

const zxids = async (log: TxnLog, after = 0n) => (await collect(log.read(after))).map((e) => e.hdr.zxid);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => BigInt(a + i));

/**
 * What every TxnLog must do, whatever holds the bytes: the sync processor, restore and a
 * learner's DIFF/TRUNC rely on exactly this.
 */
export function runTxnLogConformance(name: string, factory: () => Promise<TxnLogHarness>): void {
  describe(`TxnLog conformance: ${name}`, () => {
    let h: TxnLogHarness;
    let log: TxnLog;
    beforeEach(async () => {
      h = await factory();
      log = await h.open();
    });
    afterEach(async () => {
      await log.close();
      await h.cleanup();
    });
    const restart = async () => {
      await log.close();
      log = await h.open();
    };
    const add = async (a: number, b: number, opts: { digest?: boolean } = {}) => {
      for (const e of entries(a, b, opts)) log.append(e);
      await log.commit();
    };

    it('an empty log has last zxid 0 and reads nothing', async () => {
      expect(log.lastLoggedZxid()).toBe(0n);
      expect(await zxids(log)).toEqual([]);
    });

    it('reads back committed txns of every type in order, with digests or without', async () => {
      const written = [...entries(1, 10), ...entries(11, 20, { digest: false })];
      for (const e of written) log.append(e);
      await log.commit();
      expect((await collect(log.read(0n))).map(show)).toEqual(written.map(show));
    });

    it('lastLoggedZxid follows appends before they are committed', async () => {
      log.append(makeEntry(5n));
      expect(log.lastLoggedZxid()).toBe(5n);
      await log.commit();
      expect(log.lastLoggedZxid()).toBe(5n);
    });

    it('refuses an append whose zxid is not after the last one', async () => {
      await add(1, 3);
      expect(() => log.append(makeEntry(3n))).toThrow(RangeError);
      expect(() => log.append(makeEntry(2n))).toThrow(RangeError);
      log.append(makeEntry(4n));
    });

    it('read(after) yields exactly the txns with zxid > after', async () => {
      await add(1, 10);
      expect(await zxids(log, 0n)).toEqual(range(1, 10));
      expect(await zxids(log, 4n)).toEqual(range(5, 10));
      expect(await zxids(log, 9n)).toEqual([10n]);
      expect(await zxids(log, 10n)).toEqual([]);
      expect(await zxids(log, 99n)).toEqual([]);
    });

    it('read(after) between sparse zxids (an epoch change) starts at the next txn', async () => {
      for (const z of [1n, 2n, 3n, 0x100000001n, 0x100000002n]) log.append(makeEntry(z));
      await log.commit();
      expect(await zxids(log, 3n)).toEqual([0x100000001n, 0x100000002n]);
      expect(await zxids(log, 0x100000000n)).toEqual([0x100000001n, 0x100000002n]);
    });

    it('many appends made durable by one commit all come back after a restart', async () => {
      for (const e of entries(1, 500)) log.append(e);
      await log.commit();
      await restart();
      expect(await zxids(log)).toEqual(range(1, 500));
      expect(log.lastLoggedZxid()).toBe(500n);
    });

    it('rolling the log keeps every txn readable in order, also across the roll point', async () => {
      await add(1, 5);
      log.rollLog();
      await add(6, 10);
      log.rollLog();
      log.rollLog();
      await add(11, 12);
      expect(await zxids(log)).toEqual(range(1, 12));
      expect(await zxids(log, 5n)).toEqual(range(6, 12));
      expect(await zxids(log, 6n)).toEqual(range(7, 12));
      await restart();
      expect(await zxids(log)).toEqual(range(1, 12));
    });

    it('a restart keeps what was committed and appends continue after it', async () => {
      await add(1, 7);
      await restart();
      expect(log.lastLoggedZxid()).toBe(7n);
      expect((await collect(log.read(0n))).map(show)).toEqual(entries(1, 7).map(show));
      await add(8, 9);
      await restart();
      expect(await zxids(log)).toEqual(range(1, 9));
    });

    it('txns appended but never committed do not survive a restart', async () => {
      await add(1, 3);
      log.append(makeEntry(4n));
      await restart();
      expect(log.lastLoggedZxid()).toBe(3n);
      expect(await zxids(log)).toEqual(range(1, 3));
    });

    it('truncate(zxid) removes the txns after it, also across rolled files', async () => {
      await add(1, 4);
      log.rollLog();
      await add(5, 8);
      log.rollLog();
      await add(9, 12);
      await log.truncate(6n);
      expect(log.lastLoggedZxid()).toBe(6n);
      expect(await zxids(log)).toEqual(range(1, 6));
      await add(7, 9);
      expect(await zxids(log)).toEqual(range(1, 9));
      await restart();
      expect(await zxids(log)).toEqual(range(1, 9));
      expect(log.lastLoggedZxid()).toBe(9n);
    });

    it('truncate to a zxid that is not in the log keeps exactly the txns below it', async () => {
      for (const z of [1n, 2n, 0x100000001n, 0x100000002n]) log.append(makeEntry(z));
      await log.commit();
      await log.truncate(0x100000000n);
      expect(await zxids(log)).toEqual([1n, 2n]);
      expect(log.lastLoggedZxid()).toBe(2n);
    });

    it('truncate(0) empties the log; truncate past the end changes nothing', async () => {
      await add(1, 5);
      await log.truncate(10n);
      expect(await zxids(log)).toEqual(range(1, 5));
      await log.truncate(0n);
      expect(await zxids(log)).toEqual([]);
      expect(log.lastLoggedZxid()).toBe(0n);
      await add(1, 2);
      await restart();
      expect(await zxids(log)).toEqual(range(1, 2));
    });

    it('truncate drops uncommitted txns after the zxid and keeps those before it', async () => {
      await add(1, 3);
      for (const e of entries(4, 6)) log.append(e);
      await log.truncate(4n);
      expect(log.lastLoggedZxid()).toBe(4n);
      await log.commit();
      expect(await zxids(log)).toEqual(range(1, 4));
    });
  });
}
