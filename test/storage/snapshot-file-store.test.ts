import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataTree } from '../../lib/data/data-tree';
import type { FileIO, OpenMode, StoredFile } from '../../lib/persistence/file-io';
import { SnapshotFormatError } from '../../lib/persistence/snapshot-format';
import { makeSnapshotName, parseSnapshotCompression, parseSnapshotName, SnapshotCompressionError } from '../../lib/persistence/snapshot-names';
import { serializeSnapshotToBuffer } from '../../lib/persistence/snapshot-serializer';
import { nodeFileIO } from '../../plugins/storage-file/node-file-io';
import { SNAPPY_MAGIC } from '../../plugins/storage-file/snapshot-compression';
import { FileSnapshotStore } from '../../plugins/storage-file/snapshot-file-store';
import { SimulatedCrash } from './faulty-file-io';
import { describeSessions, describeTree, Workload } from './snapshot-fixtures';

let work: string;
let n = 0;
beforeAll(() => (work = mkdtempSync(join(tmpdir(), 'zoolab-snapfile-'))));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const freshDir = () => join(work, `d${++n}`, 'version-2');

async function loadInto(store: FileSnapshotStore, name?: string) {
  const infos = await store.list();
  const info = name ? infos.find((i) => i.name === name)! : infos[0];
  const tree = new DataTree({ extendedTypesEnabled: true });
  const sessions = new Map<bigint, number>();
  const loaded = await store.load(info, tree, sessions);
  return { tree, sessions, loaded };
}

/** Records the order of file-system calls that matter for durability. */
class RecordingIO implements FileIO {
  readonly ops: string[] = [];
  failWritesTo: RegExp | null = null;
  constructor(private readonly inner: FileIO = nodeFileIO) {}
  mkdirs(d: string) {
    return this.inner.mkdirs(d);
  }
  list(d: string) {
    return this.inner.list(d);
  }
  exists(p: string) {
    return this.inner.exists(p);
  }
  async unlink(p: string) {
    this.ops.push(`unlink ${base(p)}`);
    return this.inner.unlink(p);
  }
  async rename(a: string, b: string) {
    this.ops.push(`rename ${base(a)} ${base(b)}`);
    return this.inner.rename(a, b);
  }
  async syncDir(d: string) {
    this.ops.push('syncDir');
    return this.inner.syncDir(d);
  }
  async open(p: string, mode: OpenMode): Promise<StoredFile> {
    const f = await this.inner.open(p, mode);
    const self = this;
    this.ops.push(`open ${base(p)} ${mode}`);
    return {
      path: p,
      size: () => f.size(),
      read: (a, b) => f.read(a, b),
      truncate: (x) => f.truncate(x),
      async write(pos, data) {
        if (self.failWritesTo?.test(p)) throw new SimulatedCrash(`disk full writing ${base(p)}`);
        return f.write(pos, data);
      },
      async sync() {
        self.ops.push(`sync ${base(p)}`);
        return f.sync();
      },
      async close() {
        self.ops.push(`close ${base(p)}`);
        return f.close();
      },
    };
  }
}
const base = (p: string) => p.substring(p.lastIndexOf('/') + 1);

describe('snapshot file names (Util.makeSnapshotName, SnapStream.StreamMode)', () => {
  it('names a snapshot after its zxid in unpadded lowercase hex, with the compression as extension', () => {
    expect(makeSnapshotName(0x1a2bn)).toBe('snapshot.1a2b');
    expect(makeSnapshotName(0n, 'gz')).toBe('snapshot.0.gz');
    expect(makeSnapshotName(0x100000000n, 'snappy')).toBe('snapshot.100000000.snappy');
    expect(makeSnapshotName(-1n)).toBe('snapshot.ffffffffffffffff');
    expect(parseSnapshotName('snapshot.1A2B.GZ')).toEqual({ zxid: 0x1a2bn, compression: 'gz' });
    expect(parseSnapshotName('snapshot.1a2b.tmp')).toBeNull();
    expect(parseSnapshotName('log.1a2b')).toBeNull();
  });

  it('parses zookeeper.snapshot.compression.method and rejects what it does not know', () => {
    expect(parseSnapshotCompression('')).toBe('none');
    expect(parseSnapshotCompression(undefined)).toBe('none');
    expect(parseSnapshotCompression('GZ')).toBe('gz');
    expect(parseSnapshotCompression('snappy')).toBe('snappy');
    expect(() => parseSnapshotCompression('lz4')).toThrow(SnapshotCompressionError);
  });
});

describe('FileSnapshotStore', () => {
  it('writes snapshot.<zxid> through a .tmp file: write, fsync, close, rename, fsync the directory', async () => {
    const io = new RecordingIO();
    const store = await FileSnapshotStore.open({ dir: freshDir(), io });
    const w = new Workload().populate();
    const saved = await store.save(w.tree, w.sessions, { sync: true });
    const name = `snapshot.${w.zxid.toString(16)}`;
    expect(saved).toMatchObject({ name, zxid: w.zxid, compression: 'none', sessions: 2 });
    expect(saved.nodes).toBe(w.tree.getNodeCount() - 1);
    expect(io.ops).toEqual([`open ${name}.tmp overwrite`, `sync ${name}.tmp`, `close ${name}.tmp`, `rename ${name}.tmp ${name}`, 'syncDir']);
    expect(readdirSync(store.dir)).toEqual([name]);
    expect(readFileSync(join(store.dir, name))).toEqual(serializeSnapshotToBuffer(w.tree, w.sessions).bytes);
    expect(store.lastSnapshotInfo()?.name).toBe(name);
    const { tree, sessions, loaded } = await loadInto(store);
    expect(describeTree(tree)).toEqual(describeTree(w.tree));
    expect(describeSessions(sessions)).toEqual(describeSessions(w.sessions));
    expect(loaded).toMatchObject({ nodes: saved.nodes, sessions: 2 });
  });

  it('with forceSync on and no sync asked, fsyncs the snapshot later: at syncPending (purge calls it) or close', async () => {
    const io = new RecordingIO();
    const store = await FileSnapshotStore.open({ dir: freshDir(), io });
    const w = new Workload().populate();
    await store.save(w.tree, w.sessions);
    const first = `snapshot.${w.zxid.toString(16)}`;
    expect(io.ops.filter((o) => o.startsWith('sync'))).toEqual([]);
    await store.syncPending();
    expect(io.ops.filter((o) => o.startsWith('sync'))).toEqual([`sync ${first}`, 'syncDir']);
    await store.syncPending();
    expect(io.ops.filter((o) => o.startsWith('sync'))).toHaveLength(2);

    w.create('/more');
    await store.save(w.tree, w.sessions);
    const second = `snapshot.${w.zxid.toString(16)}`;
    await store.remove({ zxid: w.zxid, name: second, compression: 'none' });
    w.create('/again');
    await store.save(w.tree, w.sessions);
    await store.close();
    expect(io.ops.filter((o) => o.startsWith('sync')).slice(2)).toEqual([`sync snapshot.${w.zxid.toString(16)}`, 'syncDir']);
  });

  it('fsyncs a snapshot before a save that starts lazySyncMs or more after it (so at most the newest are unsynced)', async () => {
    const io = new RecordingIO();
    let t = 0;
    const store = await FileSnapshotStore.open({ dir: freshDir(), io, lazySyncMs: 1000, now: () => t });
    const w = new Workload().populate();
    const names: string[] = [];
    for (const at of [0, 500, 1200]) {
      t = at;
      w.create(`/at${at}`);
      names.push((await store.save(w.tree, w.sessions)).name);
    }
    // At 1200 the one from 0 was due; the one from 500 was not.
    expect(io.ops.filter((o) => o.startsWith('sync'))).toEqual([`sync ${names[0]}`, 'syncDir']);
    await store.syncPending();
    expect(io.ops.filter((o) => o.startsWith('sync')).slice(2)).toEqual([`sync ${names[1]}`, `sync ${names[2]}`, 'syncDir']);
  });

  it('with forceSync off and no sync asked, nothing is fsynced', async () => {
    const io = new RecordingIO();
    const store = await FileSnapshotStore.open({ dir: freshDir(), io, forceSync: false });
    const w = new Workload().populate();
    await store.save(w.tree, w.sessions);
    expect(io.ops.filter((o) => o.startsWith('sync'))).toEqual([]);
    await store.save(w.tree, w.sessions, { sync: true });
    expect(io.ops.filter((o) => o.startsWith('sync'))).toHaveLength(2);
  });

  it('a failed write leaves neither the snapshot nor its .tmp behind, and the error surfaces', async () => {
    const io = new RecordingIO();
    const store = await FileSnapshotStore.open({ dir: freshDir(), io });
    const w = new Workload().populate();
    io.failWritesTo = /\.tmp$/;
    await expect(store.save(w.tree, w.sessions)).rejects.toThrow(SimulatedCrash);
    expect(readdirSync(store.dir)).toEqual([]);
    io.failWritesTo = null;
    await store.save(w.tree, w.sessions);
    expect(readdirSync(store.dir)).toEqual([`snapshot.${w.zxid.toString(16)}`]);
  });

  it.each(['gz', 'snappy'] as const)('compresses with %s under the matching suffix and reads it back', async (c) => {
    const store = await FileSnapshotStore.open({ dir: freshDir(), compression: c });
    const w = new Workload().populate();
    for (let i = 0; i < 300; i++) w.create(`/bulk-${i}`, 'x'.repeat(200));
    const saved = await store.save(w.tree, w.sessions);
    expect(saved.name).toBe(`snapshot.${w.zxid.toString(16)}.${c}`);
    expect(saved.size).toBeLessThan(saved.rawSize / 3);
    const file = readFileSync(join(store.dir, saved.name));
    const raw = serializeSnapshotToBuffer(w.tree, w.sessions).bytes;
    if (c === 'gz') expect(gunzipSync(file)).toEqual(raw);
    else expect(file.subarray(0, 16)).toEqual(Buffer.concat([SNAPPY_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]));
    const { tree } = await loadInto(store);
    expect(describeTree(tree)).toEqual(describeTree(w.tree));
  });

  it('reads each file by its own suffix, whatever the store writes now', async () => {
    const dir = freshDir();
    const w = new Workload().populate();
    await (await FileSnapshotStore.open({ dir, compression: 'gz' })).save(w.tree, w.sessions);
    w.create('/later', 'l');
    await (await FileSnapshotStore.open({ dir, compression: 'snappy' })).save(w.tree, w.sessions);
    w.create('/latest', 'l');
    const store = await FileSnapshotStore.open({ dir });
    await store.save(w.tree, w.sessions);
    const names = (await store.list()).map((i) => i.name);
    expect(names).toEqual([`snapshot.${w.zxid.toString(16)}`, `snapshot.${(w.zxid - 1n).toString(16)}.snappy`, `snapshot.${(w.zxid - 2n).toString(16)}.gz`]);
    for (const name of names) {
      const { tree } = await loadInto(store, name);
      expect(tree.getNode('/app')?.data?.toString()).toBe('root of app, v2');
    }
  });

  it('lists only snapshot names, newest first, ignoring leftovers and other files', async () => {
    const store = await FileSnapshotStore.open({ dir: freshDir() });
    for (const f of ['snapshot.a', 'snapshot.100', 'snapshot.ff.gz', 'snapshot.1ff.tmp', 'log.5', 'acceptedEpoch', 'snapshot.zz']) {
      writeFileSync(join(store.dir, f), '');
    }
    expect((await store.list()).map((i) => i.name)).toEqual(['snapshot.100', 'snapshot.ff.gz', 'snapshot.a']);
  });

  it('a truncated or corrupt file fails to load with a SnapshotFormatError naming it', async () => {
    const store = await FileSnapshotStore.open({ dir: freshDir() });
    const w = new Workload().populate();
    const saved = await store.save(w.tree, w.sessions);
    const path = join(store.dir, saved.name);
    const good = readFileSync(path);
    truncateSync(path, good.length - 100);
    await expect(loadInto(store)).rejects.toThrow(/snapshot\.[0-9a-f]+: invalid snapshot: does not end in a checksum seal/);
    expect(await store.looksValid((await store.list())[0])).toBe(false);
    const bad = Buffer.from(good);
    bad[200] ^= 0x40;
    writeFileSync(path, bad);
    expect(await store.looksValid((await store.list())[0])).toBe(true);
    await expect(loadInto(store)).rejects.toThrow(SnapshotFormatError);
    await expect(loadInto(store)).rejects.toThrow(/CRC corruption|malformed/);
  });

  it('a truncated gz or snappy file fails to load', async () => {
    for (const c of ['gz', 'snappy'] as const) {
      const store = await FileSnapshotStore.open({ dir: freshDir(), compression: c });
      const w = new Workload().populate();
      const saved = await store.save(w.tree, w.sessions);
      const path = join(store.dir, saved.name);
      truncateSync(path, saved.size - 20);
      await expect(loadInto(store)).rejects.toThrow(/gzip|snappy|truncated/);
    }
  });

  it('takes a fuzzy snapshot: requests applied between chunks land after its zxid, not inside its name', async () => {
    const store = await FileSnapshotStore.open({ dir: freshDir(), chunkSize: 512, forceSync: false });
    const w = new Workload().populate();
    for (let i = 0; i < 200; i++) w.create(`/n${i}`, 'v'.repeat(50));
    const startZxid = w.zxid;
    const saving = store.save(w.tree, w.sessions);
    let done = false;
    void saving.then(() => (done = true));
    let changes = 0;
    while (!done) {
      // Each turn of the event loop the "server" applies another txn.
      w.setData(`/n${changes % 100}`, `changed ${changes}`);
      if (changes < 100) w.delete(`/n${199 - changes}`);
      changes++;
      await new Promise((r) => setImmediate(r));
    }
    const saved = await saving;
    expect(changes).toBeGreaterThan(3);
    expect(saved.zxid).toBe(startZxid);
    expect(saved.name).toBe(`snapshot.${startZxid.toString(16)}`);
    // The snapshot alone is neither the start nor the end state, but it loads.
    const { tree } = await loadInto(store);
    expect(tree.lastProcessedZxid).toBe(startZxid);
    expect(tree.digests.digestFromLoadedSnapshot?.zxid).toBeGreaterThan(startZxid);
  });

  it('runs one save at a time, in call order', async () => {
    const store = await FileSnapshotStore.open({ dir: freshDir(), forceSync: false });
    const w = new Workload().populate();
    const first = store.save(w.tree, w.sessions);
    const tree2 = new Workload().populate();
    tree2.create('/second', null);
    const second = store.save(tree2.tree, tree2.sessions);
    const [a, b] = await Promise.all([first, second]);
    expect(b.zxid).toBe(a.zxid + 1n);
    expect(store.stats.saves).toBe(2);
    await store.close();
    await expect(store.save(w.tree, w.sessions)).rejects.toThrow(/closed/);
  });
});
