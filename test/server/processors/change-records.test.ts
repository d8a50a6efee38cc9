import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StatPersisted } from '../../../lib/jute/records/data';
import { OpCode } from '../../../lib/protocol';
import { ChangeRecord, OutstandingChanges } from '../../../lib/server/processors/change-record';
import { createModeFromFlag, sequenceSuffix } from '../../../lib/server/processors/prep-create';
import { isValidRequestType } from '../../../lib/server/processors/prep-request-processor';

const rec = (zxid: bigint, path: string) => new ChangeRecord(zxid, path, new StatPersisted(), 0, []);

describe('OutstandingChanges', () => {
  test('removeApplied drops records up to the zxid, keeping newer per-path records', () => {
    const oc = new OutstandingChanges();
    const a1 = rec(1n, '/a');
    const a2 = rec(2n, '/a');
    oc.add(a1);
    oc.add(rec(1n, ''));
    oc.add(a2);
    expect(oc.removeApplied(1n)).toEqual([]);
    expect(oc.forPath('/a')).toBe(a2);
    expect(oc.forPath('')).toBeUndefined();
    expect(oc.size).toBe(1);
  });

  test('removeApplied reports records older than the applied zxid', () => {
    const oc = new OutstandingChanges();
    oc.add(rec(1n, '/a'));
    oc.add(rec(3n, '/b'));
    expect(oc.removeApplied(3n).map((c) => c.zxid)).toEqual([1n]);
    expect(oc.isEmpty()).toBe(true);
  });

  test('rollback removes the multi records and restores prior ones still outstanding', () => {
    const oc = new OutstandingChanges();
    const older = rec(3n, '/p');
    const before = rec(5n, '/p');
    const other = rec(5n, '/q');
    oc.add(older);
    oc.add(rec(4n, '/old'));
    oc.add(before);
    oc.add(other);
    // The multi touches /p twice, a child and its parent, and leaves /q alone.
    oc.add(rec(6n, '/p'));
    oc.add(rec(6n, '/p/x'));
    oc.add(rec(6n, '/p'));
    oc.rollback(6n);
    expect(oc.size).toBe(4);
    expect(oc.forPath('/p')).toBe(before);
    expect(oc.forPath('/q')).toBe(other);
    expect(oc.forPath('/p/x')).toBeUndefined();
    expect([...oc].map((c) => c.zxid)).toEqual([3n, 4n, 5n, 5n]);
  });

  test('rollback restores nothing once everything older is applied', () => {
    const oc = new OutstandingChanges();
    oc.add(rec(5n, '/p'));
    expect(oc.removeApplied(5n)).toEqual([]);
    oc.add(rec(6n, '/p'));
    oc.rollback(6n);
    expect(oc.isEmpty()).toBe(true);
    expect(oc.forPath('/p')).toBeUndefined();
  });

  test('rollback after a partly applied queue finds the records still outstanding', () => {
    const oc = new OutstandingChanges();
    oc.add(rec(4n, '/p'));
    const kept = rec(5n, '/p');
    oc.add(kept);
    oc.removeApplied(4n);
    oc.add(rec(6n, '/p'));
    oc.rollback(6n);
    expect(oc.forPath('/p')).toBe(kept);
    expect(oc.size).toBe(1);
  });

  test('duplicate copies the stat and tags the new zxid', () => {
    const r = rec(1n, '/a');
    r.stat!.version = 4;
    const d = r.duplicate(9n);
    d.stat!.version = 5;
    expect([r.stat!.version, d.zxid, d.path]).toEqual([4, 9n, '/a']);
  });

  test('keeps no applied record alive while newer ones are still outstanding', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const oc = new OutstandingChanges();
    // Filled in a function of its own: no register of this async test keeps a record.
    const applied = ((): Array<WeakRef<ChangeRecord>> => {
      const refs: Array<WeakRef<ChangeRecord>> = [];
      for (let i = 1n; i <= 100n; i++) {
        const r = rec(i, `/a${i}`);
        refs.push(new WeakRef(r));
        oc.add(r);
      }
      oc.add(rec(101n, '/z'));
      oc.removeApplied(100n);
      return refs;
    })();
    // A WeakRef holds its target until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(applied.filter((w) => w.deref() !== undefined)).toHaveLength(0);
    expect([...oc].map((c) => c.zxid)).toEqual([101n]);
  });

  test('stays correct across many adds and removals (head compaction)', () => {
    const oc = new OutstandingChanges();
    for (let i = 1n; i <= 5000n; i++) {
      oc.add(rec(i, `/n${i % 7n}`));
      if (i % 2n === 0n) oc.removeApplied(i - 1n);
    }
    expect([...oc].map((c) => c.zxid)).toEqual([5000n]);
    expect(oc.forPath(`/n${5000n % 7n}`)!.zxid).toBe(5000n);
    expect(oc.forPath(`/n${4999n % 7n}`)).toBeUndefined();
  });

  test('starts its per-path map over, with the same records, as the queue compacts', () => {
    const oc = new OutstandingChanges();
    const byPath = (): Map<string, ChangeRecord> => (oc as unknown as { byPath: Map<string, ChangeRecord> }).byPath;
    const first = byPath();
    let maps = 1;
    let last = first;
    for (let i = 1n; i <= 3000n; i++) {
      oc.add(rec(i, `/k${i % 300n}`));
      if (i > 100n) oc.removeApplied(i - 100n);
      if (byPath() !== last) {
        maps++;
        last = byPath();
      }
    }
    // A long pipelined run never empties the queue; the map is still replaced now and then.
    expect(maps).toBeGreaterThanOrEqual(2);
    expect(byPath().size).toBe(100);
    for (let i = 2901n; i <= 3000n; i++) expect(oc.forPath(`/k${i % 300n}`)!.zxid).toBe(i);
    expect(oc.forPath(`/k${2900n % 300n}`)).toBeUndefined();
  });
});

describe('prep helpers', () => {
  test('sequence suffixes are %010d, negative counters included', () => {
    expect(sequenceSuffix(0)).toBe('0000000000');
    expect(sequenceSuffix(2147483647)).toBe('2147483647');
    expect(sequenceSuffix(-5)).toBe('-000000005');
  });

  test('create flags beyond the seven modes are BadArguments', () => {
    expect(createModeFromFlag(6)).toBe(6);
    expect(() => createModeFromFlag(7)).toThrow(expect.objectContaining({ code: -8 }));
    expect(() => createModeFromFlag(-1)).toThrow(expect.objectContaining({ code: -8 }));
  });

  test('isValidRequestType follows Request.isValid', () => {
    for (const t of [OpCode.create, OpCode.multiRead, OpCode.whoAmI, OpCode.ping, OpCode.deleteContainer, OpCode.closeSession]) {
      expect([t, isValidRequestType(t)]).toEqual([t, true]);
    }
    for (const t of [OpCode.notification, OpCode.auth, OpCode.sasl, 99, 10]) expect([t, isValidRequestType(t)]).toEqual([t, false]);
  });
});
