import { createLogger } from '../../lib/core/logger';
import { OpCode } from '../../lib/protocol';
import { createFixtures } from '../../benchmarks/fixtures';
import { decodeHistogram } from '../../benchmarks/latency-histogram';
import { LoadSession } from '../../benchmarks/load-session';
import { runPipelined } from '../../benchmarks/pipelined-driver';
import { SeededRandom } from '../../benchmarks/key-chooser';
import { getDataBody, opSource } from '../../benchmarks/requests';
import { keyPath } from '../../benchmarks/workloads';
import { startDefaultStandaloneServer } from '../../plugins/defaults';
import type { StandaloneServer } from '../../lib/server';

let server: StandaloneServer;
const sessions: LoadSession[] = [];

beforeAll(async () => {
  server = await startDefaultStandaloneServer(
    { clientPort: 0, clientPortAddress: '127.0.0.1', maxClientCnxns: 0 },
    { logger: createLogger({ level: 'silent' }) },
  );
  await createFixtures(server.host, server.port, ['keys', 'seq'], { keys: 20, wideChildren: 0, payloadBytes: 64 });
});

afterAll(async () => {
  for (const s of sessions) s.destroy();
  await server?.close();
});

async function open(): Promise<LoadSession> {
  const s = await LoadSession.connect(server.host, server.port, { sessionTimeoutMs: 10000 });
  sessions.push(s);
  return s;
}

const noHooks = { progress: () => undefined, window: () => undefined };

describe('the load generator', () => {
  it('pipelines requests on one session and matches each reply to its request in order', async () => {
    const s = await open();
    const replies: Array<{ err: number; tag: number }> = [];
    const all = new Promise<void>((resolve) => {
      s.onReply = (err, latencyMs, tag) => {
        expect(latencyMs).toBeGreaterThanOrEqual(0);
        replies.push({ err, tag });
        if (replies.length === 50) resolve();
      };
    });
    s.cork();
    for (let i = 0; i < 50; i++) s.send(OpCode.getData, getDataBody(i % 2 === 0 ? keyPath(i % 20) : '/no/such/node'), i);
    s.uncork();
    await all;
    expect(replies.map((r) => r.tag)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(replies.filter((r) => r.err === 0)).toHaveLength(25);
    expect(replies.filter((r) => r.err === -101)).toHaveLength(25);
    expect(s.failure).toBeNull();
  });

  it('runs a counted workload over several sessions and measures exactly that many operations', async () => {
    const ss = [await open(), await open()];
    const params = { payloadBytes: 64, keys: 20, distribution: 'zipfian' as const, seed: 1, multiOps: 10 };
    const windows: string[] = [];
    const result = await runPipelined(
      ss,
      ss.map((_, i) => opSource('mixed-50-50', params, new SeededRandom(i))),
      8,
      { type: 'run', warmupMs: 50, durationMs: null, ops: 400 },
      { ...noHooks, window: (edge) => windows.push(edge) },
      50,
    );
    expect(result.failure).toBeNull();
    expect(result.ops).toBe(400);
    expect(result.reads + result.writes).toBe(400);
    expect(result.reads).toBeGreaterThan(100);
    expect(result.writes).toBeGreaterThan(100);
    expect(result.errors).toEqual({});
    expect(decodeHistogram(result.histogram).totalCount).toBe(400);
    expect(windows).toEqual(['start', 'end']);
    expect(ss.every((s) => s.inFlight === 0)).toBe(true);
  });

  it('sends a multi as its parts, and the server applies every op in it', async () => {
    const ss = [await open()];
    const params = { payloadBytes: 64, keys: 20, distribution: 'uniform' as const, seed: 1, multiOps: 10 };
    const versions = () => Array.from({ length: 20 }, (_, i) => server.server.dataTree.statNode(keyPath(i), null).version);
    const before = versions().reduce((a, b) => a + b, 0);
    const source = opSource('multi-10', params, new SeededRandom(3));
    expect(Array.isArray(source.next().body)).toBe(true);
    const result = await runPipelined(ss, [source], 4, { type: 'run', warmupMs: 0, durationMs: null, ops: 40 }, noHooks, 50);
    expect(result.failure).toBeNull();
    expect(result.errors).toEqual({});
    expect(result.ops).toBe(40);
    await new Promise((r) => setTimeout(r, 50));
    // 40 multis of 10 setData: 400 versions more over the keys (the peeked op above was never sent).
    expect(versions().reduce((a, b) => a + b, 0) - before).toBe(400);
  });

  it('counts error replies instead of hiding them', async () => {
    const ss = [await open()];
    // A multi of setData on keys past the keyspace's end: every multi fails with NoNode.
    const params = { payloadBytes: 8, keys: 1000, distribution: 'uniform' as const, seed: 1, multiOps: 10 };
    const result = await runPipelined(ss, [opSource('multi-10', params, new SeededRandom(5))], 4, { type: 'run', warmupMs: 0, durationMs: null, ops: 40 }, noHooks, 50);
    expect(result.ops + Object.values(result.errors).reduce((a, b) => a + b, 0)).toBe(40);
    expect(Number(result.errors['-101'] ?? 0)).toBeGreaterThan(0);
  });

  it('ends a session with closeSession', async () => {
    const s = await LoadSession.connect(server.host, server.port);
    expect(s.sessionId).not.toBe(0n);
    await s.close();
    expect(s.closed).toBe(true);
  });

  it('a refused connection is a clear error', async () => {
    await expect(LoadSession.connect('127.0.0.1', 1, { connectTimeoutMs: 2000 })).rejects.toThrow(/cannot connect to 127.0.0.1:1/);
  });
});
