import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACL, Id } from '../../lib/jute/records/data';
import { CreateTxn, DeleteTxn, SetACLTxn, TxnHeader } from '../../lib/jute/records/txn';
import { OpCode } from '../../lib/protocol/op-code';
import { FileTxnLog } from '../../plugins/storage-file/file-txn-log';
import { juteToString } from '../../lib/jute/to-string-output-archive';
import { dumpTxnLog } from '../../plugins/storage-file/log-dump';
import { formatJavaDateTime, formatTxnEntry, javaHex, javaOpName } from '../../plugins/storage-file/log-formatter';
import { entries } from './txn-fixtures';

const acl = (perms: number, id: string) => new ACL({ perms, id: new Id({ scheme: 'world', id }) });

describe('the txn formatter (TxnLogToolkit -d lines)', () => {
  it('prints a jute record as ToStringOutputArchive does', () => {
    expect(juteToString(new DeleteTxn({ path: '/a/b' }))).toBe("'/a/b\n");
    expect(juteToString(new SetACLTxn({ path: '/a', acl: [acl(1, 'anyone')], version: 1 }))).toBe("'/a,v{s{1,s{'world,'anyone}}},1\n");
    expect(juteToString(new SetACLTxn({ path: null, acl: null, version: 0 }))).toBe(',v{},0\n');
    expect(juteToString(new DeleteTxn({ path: 'a,b}c%d\ne' }))).toBe("'a%2Cb%7Dc%25d%0Ae\n");
  });

  it('prints buffers as # and Integer.toHexString of each signed byte', () => {
    const t = new CreateTxn({ path: '/x', data: Buffer.from([0x00, 0x0f, 0x7f, 0x80, 0xff]), acl: [], ephemeral: true, parentCVersion: 2 });
    expect(juteToString(t)).toBe("'/x,#0f7fffffff80ffffffff,v{},T,2\n");
  });

  it('names ops as Request.op2String does', () => {
    expect(javaOpName(OpCode.createTTL)).toBe('createTtl');
    expect(javaOpName(OpCode.createSession)).toBe('createSession');
    expect(javaOpName(OpCode.addWatch)).toBe('unknown 106');
  });

  it('prints hex as Long.toHexString', () => {
    expect(javaHex(-1)).toBe('ffffffffffffffff');
    expect(javaHex(0x100000b1d790000n)).toBe('100000b1d790000');
  });

  it('prints the time as Java 17 en_US SHORT date, LONG time', () => {
    expect(formatJavaDateTime(Date.UTC(2026, 10, 27, 6, 33, 7), { timeZone: 'UTC' })).toBe('11/27/26, 6:33:07 AM UTC');
    expect(formatJavaDateTime(Date.UTC(2024, 0, 2, 15, 4, 5), { timeZone: 'UTC' })).toBe('1/2/24, 3:04:05 PM UTC');
    expect(formatJavaDateTime(Date.UTC(2024, 0, 2, 0, 4, 5), { timeZone: 'UTC' })).toBe('1/2/24, 12:04:05 AM UTC');
  });

  it('prints a create with its ACL list the way Java does, newline inside the brackets included', () => {
    const hdr = new TxnHeader({ clientId: 0x100000b1d790000n, cxid: 1, zxid: 2n, time: BigInt(Date.UTC(2026, 10, 27, 6, 33, 7)), type: OpCode.create });
    const txn = new CreateTxn({ path: '/a', data: Buffer.from('hello'), acl: [acl(31, 'anyone')], ephemeral: false, parentCVersion: 1 });
    expect(formatTxnEntry({ hdr, txn }, { timeZone: 'UTC' })).toBe(
      "11/27/26, 6:33:07 AM UTC session 0x100000b1d790000 cxid 0x1 zxid 0x2 create /a,hello,[31,s{'world,'anyone}\n],false,1\n",
    );
  });

  it('leaves the trailing space of a txn without a body, as Java does', () => {
    const hdr = new TxnHeader({ clientId: 1n, cxid: -1, zxid: 3n, time: 0n, type: OpCode.closeSession });
    expect(formatTxnEntry({ hdr, txn: null }, { timeZone: 'UTC' })).toBe('1/1/70, 12:00:00 AM UTC session 0x1 cxid 0xffffffffffffffff zxid 0x3 closeSession \n');
  });
});

describe('dumpTxnLog', () => {
  it('dumps every file of a dataLogDir (through version-2) and reports a torn tail instead of failing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'zoolab-dump-'));
    try {
      const dir = join(root, 'version-2');
      const log = await FileTxnLog.open({ dir, preAllocSize: 0, forceSync: false });
      for (const e of entries(1, 2)) log.append(e);
      log.rollLog();
      for (const e of entries(3, 4)) log.append(e);
      await log.commit();
      await log.close();
      const f = join(dir, 'log.3');
      const bytes = readFileSync(f);
      writeFileSync(f, bytes.subarray(0, bytes.length - 5));
      let out = '';
      const res = await dumpTxnLog(root, { out: (s) => (out += s), timeZone: 'UTC' });
      expect(res.txns).toBe(3);
      expect(res.files).toEqual([join(dir, 'log.1'), join(dir, 'log.3')]);
      expect(res.tornTails).toEqual([expect.objectContaining({ file: f })]);
      const lines = out.split('\n');
      expect(lines[0]).toBe(`${join(dir, 'log.1')}:`);
      expect(lines[1]).toBe('ZooKeeper Transactional Log File with dbid 0 txnlog format version 2');
      expect(out).toContain("zxid 0x1 create /n1,data-1,[31,s{'world,'anyone}\n],false,1\n");
      expect(out).toMatch(/Torn tail at byte offset \d+: entry of length \d+ runs past the end of the file/);
      expect(out.match(/EOF reached after (\d) txns\./g)).toEqual(['EOF reached after 2 txns.', 'EOF reached after 1 txns.']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
