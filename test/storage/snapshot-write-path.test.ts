import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataTree } from '../../lib/data/data-tree';
import { Adler32, adler32Combine } from '../../lib/persistence/snapshot-checksum';
import { adler32 as adler32Of } from '../../lib/persistence/adler32';
import { parseSnapshot } from '../../lib/persistence/snapshot-format';
import { applySnapshot } from '../../lib/persistence/snapshot-load';
import { serializeSnapshotBody, serializeSnapshotToBuffer } from '../../lib/persistence/snapshot-serializer';
import { FileSnapshotStore } from '../../plugins/storage-file/snapshot-file-store';
import { describeSessions, describeTree, Workload } from './snapshot-fixtures';

const bytes = (n: number, seed = 1): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + seed * 31) & 0xff));

let work: string;
let n = 0;
beforeAll(() => (work = mkdtempSync(join(tmpdir(), 'zoolab-snapwrite-'))));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const freshDir = () => join(work, `d${++n}`, 'version-2');

describe('snapshot checksums computed away from the serializer', () => {
  it('adler32Combine gives the Adler-32 of the concatenation', () => {
    for (const [la, lb] of [[0, 0], [0, 10], [10, 0], [1, 1], [5000, 70000], [65521, 65521], [100000, 3]]) {
      const a = bytes(la, 1);
      const b = bytes(lb, 2);
      expect(adler32Combine(adler32Of(a), adler32Of(b), lb)).toBe(adler32Of(Buffer.concat([a, b])));
    }
  });
});

describe('snapshot body and trailer', () => {
  it('body chunks plus the trailer are the whole snapshot, whatever the chunk size, with one reused buffer', () => {
    const w = new Workload().populate();
    const whole = serializeSnapshotToBuffer(w.tree, w.sessions).bytes;
    for (const chunkSize of [16, 100, 4096]) {
      const body = serializeSnapshotBody(w.tree, w.sessions, { chunkSize, reuseBuffer: true });
      const parts: Buffer[] = [];
      const adler = new Adler32();
      let r = body.chunks.next();
      for (; !r.done; r = body.chunks.next()) {
        adler.update(r.value);
        parts.push(Buffer.from(r.value)); // valid only until the next pull
      }
      parts.push(r.value.trailer(adler.value));
      expect(Buffer.concat(parts)).toEqual(whole);
      expect(r.value.nodes).toBe(w.tree.getNodeCount() - 1);
    }
  });

  it('a snapshot without digests ends after the first seal', () => {
    const w = new Workload().populate();
    const plain = serializeSnapshotToBuffer(w.tree, w.sessions, { digestEnabled: false }).bytes;
    const parsed = parseSnapshot(plain);
    expect(parsed.hasDigestTrailer).toBe(false);
    expect(parsed.length).toBe(plain.length);
  });
});

describe('nodes are written parents first, in the order the tree took them', () => {
  /** A tree whose map order differs from a depth-first walk: parents removed and made again. */
  function reshaped(): Workload {
    const w = new Workload().populate();
    w.create('/late', 'x');
    w.create('/late/a', 'a');
    w.delete('/late/a');
    w.delete('/late');
    w.create('/early', 'e');
    w.create('/late', 'again');
    w.create('/late/b', 'b');
    w.create('/early/kid', 'k');
    w.delete('/app/eph1');
    w.create('/app/eph1', 'back');
    return w;
  }

  it('a saved snapshot loads back into the same tree', async () => {
    const w = reshaped();
    const store = await FileSnapshotStore.open({ dir: freshDir(), forceSync: false, chunkSize: 64 });
    await store.save(w.tree, w.sessions);
    const [info] = await store.list();
    const tree = new DataTree({ extendedTypesEnabled: true });
    const sessions = new Map<bigint, number>();
    await store.load(info, tree, sessions);
    expect(describeTree(tree)).toEqual(describeTree(w.tree));
    expect(describeSessions(sessions)).toEqual(describeSessions(w.sessions));
  });

  it('a fuzzy snapshot with nodes removed and made again while it was written writes each path once, and the log replay makes it whole', () => {
    const w = reshaped();
    const zxidAtStart = w.tree.lastProcessedZxid;
    const body = serializeSnapshotBody(w.tree, w.sessions, { chunkSize: 32 });
    const parts: Buffer[] = [];
    const adler = new Adler32();
    let r = body.chunks.next();
    let mutated = false;
    for (; !r.done; r = body.chunks.next()) {
      adler.update(r.value);
      parts.push(r.value);
      // Between chunks, requests run: once /late is written, it and its child go and come back.
      if (!mutated && Buffer.concat(parts).includes('again')) {
        mutated = true;
        w.delete('/late/b');
        w.delete('/late');
        w.create('/late', 'third');
        w.create('/late/c', 'c');
        w.setData('/app', 'during the snapshot');
      }
    }
    parts.push(r.value.trailer(adler.value));
    const parsed = parseSnapshot(Buffer.concat(parts));
    // The old /late was written before it went; the one created after the snapshot's
    // zxid is left to the log replay, so the path is in the file once.
    expect(parsed.nodes.filter(([p]) => p === '/late').map(([, node]) => node.data?.toString())).toEqual(['again']);
    expect(parsed.nodes.some(([p]) => p === '/late/c')).toBe(false);
    const tree = new DataTree({ extendedTypesEnabled: true });
    applySnapshot(parsed, zxidAtStart, tree, new Map());
    for (const e of w.applied.filter((x) => x.hdr.zxid > zxidAtStart)) {
      try {
        tree.processTxn(e.hdr, e.txn, null);
      } catch {
        // a fuzzy replay may find a change already there
      }
    }
    expect(tree.getNode('/late')?.data?.toString()).toBe('third');
    expect(tree.getNode('/late/c')?.data?.toString()).toBe('c');
    expect(tree.getNode('/late/b')).toBeUndefined();
    expect(tree.getNode('/app')?.data?.toString()).toBe('during the snapshot');
    expect(tree.getTreeDigest()).toBe(w.tree.getTreeDigest());
  });
});

describe('file store writes the seal it summed in zlib', () => {
  it.each(['none', 'gz', 'snappy'] as const)('%s: the file reads back and its seal checks', async (compression) => {
    const w = new Workload().populate();
    for (let i = 0; i < 200; i++) w.create(`/bulk-${i}`, bytes(700, i));
    const store = await FileSnapshotStore.open({ dir: freshDir(), forceSync: false, compression, chunkSize: 1000 });
    const saved = await store.save(w.tree, w.sessions);
    expect(saved.rawSize).toBe(serializeSnapshotToBuffer(w.tree, w.sessions).bytes.length);
    const parsed = await store.read((await store.list())[0], { digestEnabled: true });
    expect(parsed.checksumValid).toBe(true);
    expect(parsed.digest?.zxid).toBe(w.tree.lastProcessedZxid);
    expect(parsed.nodes.length).toBe(w.tree.getNodeCount() - 1);
  });
});
