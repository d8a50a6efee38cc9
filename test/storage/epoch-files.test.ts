import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EpochFileError, EpochFiles } from '../../plugins/storage-file/epoch-files';
import { nodeFileIO } from '../../plugins/storage-file/node-file-io';
import { FaultyFileIO, SimulatedCrash } from './faulty-file-io';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zoolab-epoch-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('epoch files', () => {
  it('read null before anything is written', async () => {
    const store = new EpochFiles(dir);
    expect(await store.read('currentEpoch')).toBeNull();
    expect(await store.read('acceptedEpoch')).toBeNull();
    expect(await store.readLeftover('currentEpoch')).toBeNull();
  });

  it('hold Long.toString(epoch) with no newline, as QuorumPeer.writeLongToFile writes, and leave no temp file', async () => {
    const store = new EpochFiles(dir);
    await store.write('currentEpoch', 7n);
    await store.write('acceptedEpoch', 0x1234567890n);
    expect(readFileSync(join(dir, 'currentEpoch'), 'utf8')).toBe('7');
    expect(readFileSync(join(dir, 'acceptedEpoch'), 'utf8')).toBe(String(0x1234567890));
    expect(readdirSync(dir).sort()).toEqual(['acceptedEpoch', 'currentEpoch']);
    expect(await store.read('currentEpoch')).toBe(7n);
    await store.write('currentEpoch', 8n);
    expect(await store.read('currentEpoch')).toBe(8n);
  });

  it('read a value followed by a newline too (readLongFromFile reads the first line)', async () => {
    writeFileSync(join(dir, 'acceptedEpoch'), '12\n');
    expect(await new EpochFiles(dir).read('acceptedEpoch')).toBe(12n);
  });

  it('reject content that is not a long with a typed error naming the file', async () => {
    for (const bad of ['', 'x', '1.5', '99999999999999999999', ' 3']) {
      writeFileSync(join(dir, 'currentEpoch'), bad);
      const err = await new EpochFiles(dir).read('currentEpoch').catch((e) => e);
      expect(err).toBeInstanceOf(EpochFileError);
      expect(err.message).toContain(join(dir, 'currentEpoch'));
    }
  });

  it('a write torn before the rename leaves the old value in place and the new one in the .tmp file', async () => {
    const io = new FaultyFileIO(nodeFileIO);
    const store = new EpochFiles(dir, io);
    await store.write('currentEpoch', 4n);
    io.tearNextWrite(0);
    await expect(store.write('currentEpoch', 5n)).rejects.toBeInstanceOf(SimulatedCrash);
    expect(await store.read('currentEpoch')).toBe(4n);
    expect(existsSync(join(dir, 'currentEpoch.tmp'))).toBe(true);
    writeFileSync(join(dir, 'currentEpoch.tmp'), '5');
    expect(await store.readLeftover('currentEpoch')).toBe(5n);
  });
});
