import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeContainer } from '../../lib/core/container';
import { silentLogger } from '../../lib/core/logger';
import { EPOCH_STORE } from '../../lib/persistence/epoch-store';
import { TXN_LOG } from '../../lib/persistence/txn-log';
import { FileTxnLog, storageFileModule } from '../../plugins/storage-file';
import { makeEntry } from './txn-fixtures';

describe('the storage-file plugin module', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-module-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('binds TXN_LOG to one FileTxnLog under <dataLogDir>/version-2 and EPOCH_STORE under <dataDir>/version-2', async () => {
    const dataDir = join(dir, 'data');
    const dataLogDir = join(dir, 'logs');
    const c = createNodeContainer({
      config: {},
      logger: silentLogger,
      plugins: [storageFileModule({ dataDir, dataLogDir, preAllocSize: 4096, forceSync: false })],
    });
    const log = await c.getAsync(TXN_LOG);
    expect(log).toBeInstanceOf(FileTxnLog);
    expect(await c.getAsync(TXN_LOG)).toBe(log);
    log.append(makeEntry(1n));
    await log.commit();
    await log.close();
    expect(readdirSync(join(dataLogDir, 'version-2'))).toEqual(['log.1']);
    const epochs = c.get(EPOCH_STORE);
    await epochs.write('acceptedEpoch', 3n);
    expect(readdirSync(join(dataDir, 'version-2'))).toEqual(['acceptedEpoch']);
  });
});
