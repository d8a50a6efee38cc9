import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRequest, decode, GetDataRequest, GetDataResponse } from '../../lib/jute';
import { Code, OpCode } from '../../lib/protocol';
import { LogFileScanner, type ScannedEntry } from '../../plugins/storage-file/log-file-scanner';
import { nodeFileIO } from '../../plugins/storage-file/node-file-io';
import { RawClient } from '../support/raw-client';
import { OPEN_ACL } from '../support/raw-ops';
import { ensureBuilt, killAll, spawnZoolab, type ZoolabProcess } from './support/zoolab-process';

jest.setTimeout(90_000);

let work: string;
let n = 0;
const clients: RawClient[] = [];

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'zoolab-torn-'));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await killAll();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function connect(s: ZoolabProcess): Promise<RawClient> {
  const c = await RawClient.connect('127.0.0.1', s.port, { timeout: 30_000 });
  clients.push(c);
  return c;
}

/** A data dir whose server answered creates of `${prefix}0` … and then stopped with `signal`. */
async function writtenDataDir(prefix: string, count: number, signal: NodeJS.Signals): Promise<{ dataDir: string; zxids: bigint[] }> {
  const dataDir = join(work, `d${++n}`);
  const s = await spawnZoolab(['--data-dir', dataDir, '--log-level', 'warn']);
  await s.serving();
  const c = await connect(s);
  const zxids: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const r = await c.request(OpCode.create, new CreateRequest({ path: `${prefix}${i}`, data: Buffer.from(`data ${i}`), acl: OPEN_ACL(), flags: 0 }));
    expect(r.err).toBe(Code.OK);
    zxids.push(r.zxid);
  }
  await s.kill(signal);
  c.destroy();
  return { dataDir, zxids };
}

function logFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'version-2');
  return readdirSync(dir)
    .filter((f) => f.startsWith('log.'))
    .sort((a, b) => (BigInt(`0x${a.slice(4)}`) < BigInt(`0x${b.slice(4)}`) ? -1 : 1))
    .map((f) => join(dir, f));
}

async function entriesOf(path: string): Promise<ScannedEntry[]> {
  const scanner = await LogFileScanner.open(nodeFileIO, path);
  const out: ScannedEntry[] = [];
  try {
    for (let e = await scanner.next(); e; e = await scanner.next()) out.push(e);
  } finally {
    await scanner.close();
  }
  return out;
}

function patch(path: string, f: (bytes: Buffer) => void): void {
  const bytes = readFileSync(path);
  f(bytes);
  writeFileSync(path, bytes);
}

async function getData(c: RawClient, path: string): Promise<{ err: number; data?: string; mzxid?: bigint }> {
  const r = await c.request(OpCode.getData, new GetDataRequest({ path, watch: false }));
  if (r.err !== Code.OK) return { err: r.err };
  const d = decode(GetDataResponse, r.body);
  return { err: r.err, data: d.data?.toString(), mzxid: d.stat!.mzxid };
}

describe('a server started on a txn log with a torn tail', () => {
  it('cuts the torn write off, serves everything before it, and carries on from the last whole txn', async () => {
    const { dataDir, zxids } = await writtenDataDir('/t', 30, 'SIGKILL');
    const log = logFiles(dataDir).at(-1)!;
    const entries = await entriesOf(log);
    const last = entries.at(-1)!;
    expect(last.zxid).toBe(zxids[29]);
    // The last write reached the disk only in part: its second half is still zeros.
    const half = last.offset + Math.floor((last.end - last.offset) / 2);
    patch(log, (b) => b.fill(0, half, last.end));

    const s = await spawnZoolab(['--data-dir', dataDir, '--log-level', 'warn']);
    await s.serving();
    expect(s.stderr()).toMatch(/cut a torn tail/);
    const c = await connect(s);
    for (let i = 0; i < 29; i++) expect(await getData(c, `/t${i}`)).toEqual({ err: Code.OK, data: `data ${i}`, mzxid: zxids[i] });
    expect((await getData(c, '/t29')).err).toBe(Code.NONODE);
    // The zxid of the cut txn is free again, and the log takes new writes after the cut.
    const r = await c.request(OpCode.create, new CreateRequest({ path: '/after', data: Buffer.from('x'), acl: OPEN_ACL(), flags: 0 }));
    expect(r.err).toBe(Code.OK);
    expect(r.zxid).toBeGreaterThan(zxids[28]);
    await s.kill('SIGTERM');

    // And the repaired directory starts again, with the new write.
    const again = await spawnZoolab(['--data-dir', dataDir, '--log-level', 'warn']);
    await again.serving();
    expect(again.stderr()).not.toMatch(/torn/);
    const c2 = await connect(again);
    expect(await getData(c2, '/after')).toEqual({ err: Code.OK, data: 'x', mzxid: r.zxid });
    expect(await getData(c2, '/t28')).toEqual({ err: Code.OK, data: 'data 28', mzxid: zxids[28] });
  });

  it('also starts when the file ends in the middle of an entry (no preallocated zeros after it)', async () => {
    const { dataDir, zxids } = await writtenDataDir('/u', 10, 'SIGKILL');
    const log = logFiles(dataDir).at(-1)!;
    const last = (await entriesOf(log)).at(-1)!;
    writeFileSync(log, readFileSync(log).subarray(0, last.offset + 7));
    const s = await spawnZoolab(['--data-dir', dataDir, '--log-level', 'warn']);
    await s.serving();
    const c = await connect(s);
    expect(await getData(c, '/u8')).toEqual({ err: Code.OK, data: 'data 8', mzxid: zxids[8] });
    expect((await getData(c, '/u9')).err).toBe(Code.NONODE);
  });
});

describe('a server started on a txn log with a corrupt entry in the middle', () => {
  async function refusesToStart(dataDir: string): Promise<string> {
    const s = await spawnZoolab(['--data-dir', dataDir, '--log-level', 'warn']);
    const exit = await s.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    return s.stderr();
  }

  it('refuses to start, naming the file and the byte offset, when the newest log file is damaged', async () => {
    const { dataDir } = await writtenDataDir('/c', 30, 'SIGTERM');
    const log = logFiles(dataDir).at(-1)!;
    const victim = (await entriesOf(log))[12];
    patch(log, (b) => (b[victim.offset + 12 + 20] ^= 0x40)); // a byte inside its txn
    const stderr = await refusesToStart(dataDir);
    expect(stderr).toContain(`zoolab: ${log}: corrupt txn log entry at byte offset ${victim.offset}`);
  });

  it('refuses to start when an older log file that restore replays is damaged', async () => {
    const { dataDir } = await writtenDataDir('/o', 20, 'SIGTERM');
    // A second run starts a second log file; the first one is still needed (snapshot.0 is older).
    const s = await spawnZoolab(['--data-dir', dataDir, '--log-level', 'warn']);
    await s.serving();
    const c = await connect(s);
    expect((await c.request(OpCode.create, new CreateRequest({ path: '/second', data: null, acl: OPEN_ACL(), flags: 0 }))).err).toBe(Code.OK);
    await s.kill('SIGTERM');
    // Drop the snapshots taken at start so that restore must replay the first file.
    for (const f of readdirSync(join(dataDir, 'version-2'))) {
      if (f.startsWith('snapshot.') && f !== 'snapshot.0') rmSync(join(dataDir, 'version-2', f));
    }
    const files = logFiles(dataDir);
    expect(files.length).toBe(2);
    const victim = (await entriesOf(files[0]))[5];
    patch(files[0], (b) => (b[victim.end - 1] = 0x00)); // its end-of-record byte
    const stderr = await refusesToStart(dataDir);
    expect(stderr).toContain(`zoolab: ${files[0]}: corrupt txn log entry at byte offset ${victim.offset}`);
  });
});
