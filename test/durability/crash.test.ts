import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../../lib/core/random';
import { CreateRequest, decode, GetDataRequest, GetDataResponse } from '../../lib/jute';
import { Code, OpCode } from '../../lib/protocol';
import { fourLetterWord } from '../support/four-letter';
import { RawClient } from '../support/raw-client';
import { OPEN_ACL } from '../support/raw-ops';
import { WriteLedger, Writer, type Observed } from './support/write-ledger';
import { ensureBuilt, killAll, spawnZoolab, type ZoolabProcess } from './support/zoolab-process';

jest.setTimeout(120_000);

/** ZOOLAB_CRASH_SEED replays a failing run; the seed is in the failure message. */
const SEED = Number(process.env.ZOOLAB_CRASH_SEED ?? 20261127);
const ROUNDS = 6;
const WRITERS = 4;
/** Low enough that the server snapshots (and rolls its log) every 100-200 txns. */
const SNAP_COUNT = 200;

let work: string;
const clients: RawClient[] = [];

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'zoolab-crash-'));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await killAll();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connect(s: ZoolabProcess): Promise<RawClient> {
  const c = await RawClient.connect('127.0.0.1', s.port, { timeout: 30_000 });
  clients.push(c);
  return c;
}

/** The zxid the server reports in `srvr` (what it restored to, before anyone writes). */
async function serverZxid(s: ZoolabProcess): Promise<bigint> {
  const m = /Zxid: (0x[0-9a-f]+)/.exec(await fourLetterWord('127.0.0.1', s.port, 'srvr'));
  if (!m) throw new Error('srvr printed no Zxid');
  return BigInt(m[1]);
}

async function observe(c: RawClient, paths: string[]): Promise<Map<string, Observed>> {
  const out = new Map<string, Observed>();
  const replies = await Promise.all(paths.map((path) => c.request(OpCode.getData, new GetDataRequest({ path, watch: false }))));
  replies.forEach((r, i) => {
    if (r.err === Code.NONODE) return out.set(paths[i], { data: null });
    if (r.err !== Code.OK) throw new Error(`getData ${paths[i]}: error ${r.err}`);
    const d = decode(GetDataResponse, r.body);
    out.set(paths[i], { data: d.data?.toString() ?? '', czxid: d.stat!.czxid, mzxid: d.stat!.mzxid });
  });
  return out;
}

describe('a zoolab server killed with SIGKILL under write load', () => {
  it('keeps every answered write, with its zxid, across repeated crashes and restarts (snapshots included)', async () => {
    const rnd = new SeededRandom(SEED);
    const dataDir = join(work, 'data');
    const args = ['--data-dir', dataDir, '--log-level', 'warn', '-D', `snapCount=${SNAP_COUNT}`];
    const ledger = new WriteLedger();
    const seenZxids = new Set<bigint>();
    let answered = 0;
    const context = (round: number) => `seed ${SEED}, round ${round}`;

    for (let round = 1; round <= ROUNDS; round++) {
      let s = await spawnZoolab(args);
      if (round === 3) {
        // Once, die while restoring or just after: the next start must not mind.
        await sleep(30 + rnd.int(200));
        await s.kill();
        s = await spawnZoolab(args);
      }
      await s.serving();

      // Everything answered before the last crash is there, and the zxid carries on.
      const restored = await serverZxid(s);
      expect({ round: context(round), restoredAtLeastAcked: restored >= ledger.maxAckedZxid }).toEqual({ round: context(round), restoredAtLeastAcked: true });
      const checker = await connect(s);
      const problems = ledger.check(await observe(checker, ledger.paths()));
      expect({ round: context(round), problems }).toEqual({ round: context(round), problems: [] });
      const dir = `/r${round}`;
      const made = await checker.request(OpCode.create, new CreateRequest({ path: dir, data: null, acl: OPEN_ACL(), flags: 0 }));
      expect(made.err).toBe(Code.OK);
      expect(made.zxid).toBeGreaterThan(restored);
      checker.destroy();

      // Load from several sessions, then SIGKILL at a seeded moment.
      const writers = await Promise.all(
        Array.from({ length: WRITERS }, async (_, i) => new Writer(await connect(s), dir, `w${i}`, rnd.fork(`w${round}.${i}`), ledger, 8)),
      );
      const running = writers.map((w) => w.run());
      await sleep(300 + rnd.int(900));
      await s.kill('SIGKILL');
      await Promise.all(running);
      for (const w of writers) {
        expect(w.errors).toEqual([]);
        answered += w.answered;
      }
      for (const z of ledger.ackedZxids.splice(0)) {
        // A zxid answered twice would mean the server reused one after a restart.
        expect(seenZxids.has(z)).toBe(false);
        seenZxids.add(z);
      }
    }

    // A last clean start checks the last crash.
    const s = await spawnZoolab(args);
    await s.serving();
    expect(await serverZxid(s)).toBeGreaterThanOrEqual(ledger.maxAckedZxid);
    const c = await connect(s);
    expect(ledger.check(await observe(c, ledger.paths()))).toEqual([]);
    await s.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);

    const files = readdirSync(join(dataDir, 'version-2'));
    const snapshots = files.filter((f) => f.startsWith('snapshot.'));
    // Periodic snapshots happened during the load, not only the one at each start.
    expect(snapshots.length).toBeGreaterThan(ROUNDS + 1);
    expect(answered).toBeGreaterThan(500);
    if (process.env.ZOOLAB_CRASH_VERBOSE) console.log({ answered, snapshots: snapshots.length, logs: files.filter((f) => f.startsWith("log.")).length, paths: ledger.paths().length });
  });
});
