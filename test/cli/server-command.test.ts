import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../lib/core/logger';
import { ConfigError } from '../../lib/config/config-error';
import { buildProgram } from '../../lib/cli/main';
import { resolveServerConfig, runServer, type RunningServer } from '../../lib/cli/server-command';
import { defaultCliContext } from '../../plugins/cli';
import { fourLetterWord } from '../support/four-letter';

function helpOf(args: string[]): string {
  let out = '';
  const program = buildProgram().exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  try {
    program.parse(['node', 'zoolab', ...args]);
  } catch {
    /* commander throws after printing help */
  }
  return out;
}

describe('zoolab server: options and configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists its flags in --help', () => {
    const help = helpOf(['server', '--help']);
    for (const flag of ['[config]', '--port', '--host', '--tick-time', '--data-dir', '--max-client-cnxns', '--4lw', '--extended-types', '--log-level', '--set']) {
      expect(help).toContain(flag);
    }
    expect(helpOf(['--help'])).toMatch(/server \[options\] \[config\]/);
  });

  it('defaults to 127.0.0.1:2181 in memory with no zoo.cfg', () => {
    const { config } = resolveServerConfig(undefined, {});
    expect(config).toMatchObject({ clientPort: 2181, clientPortAddress: '127.0.0.1', dataDir: null, tickTime: 2000, fourLetterWordWhitelist: ['srvr'] });
  });

  it('lets flags override the file, and -D set any key', () => {
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(cfg, `tickTime=2000\ndataDir=${dir}\nclientPort=2181\nsnapCount=10\n`);
    const { config } = resolveServerConfig(cfg, { port: '3181', tickTime: '500', fourLetterWords: 'ruok, mntr', extendedTypes: true, set: ['snapCount=99', 'globalOutstandingLimit=7'] });
    expect(config).toMatchObject({ clientPort: 3181, tickTime: 500, dataDir: dir, snapCount: 99, globalOutstandingLimit: 7, extendedTypesEnabled: true, fourLetterWordWhitelist: ['ruok', 'mntr'] });
  });

  it('reports a bad flag value under the flag\'s name, and a bad file value under its key', () => {
    expect(() => resolveServerConfig(undefined, { port: 'abc' })).toThrow(new ConfigError('option --port: "abc" is not a number'));
    expect(() => resolveServerConfig(undefined, { set: ['tickTime=-1'] })).toThrow(/option -D tickTime: "-1" must be greater than 0/);
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(cfg, `tickTime=abc\ndataDir=${dir}\n`);
    expect(() => resolveServerConfig(cfg, {})).toThrow(/zoo\.cfg: tickTime: "abc" is not a number/);
  });

  it('requires dataDir when a zoo.cfg is given, as ZooKeeper does, unless --data-dir gives it', () => {
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(cfg, 'tickTime=2000\n');
    expect(() => resolveServerConfig(cfg, {})).toThrow(/dataDir is not set/);
    expect(resolveServerConfig(cfg, { dataDir: dir }).config.dataDir).toBe(dir);
  });

  it('refuses to start without plugins, saying which entry point has them', async () => {
    const { config } = resolveServerConfig(undefined, { port: '0' });
    await expect(runServer(config, {}, silentLogger)).rejects.toThrow(/run the zoolab binary \(dist\/plugins\/cli\.js\)/);
  });

  it('refuses an ensemble configuration for now', async () => {
    writeFileSync(join(dir, 'myid'), '1');
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(cfg, `dataDir=${dir}\ninitLimit=5\nsyncLimit=2\nserver.1=a:1:2\nserver.2=b:1:2\nserver.3=c:1:2\n`);
    const { config } = resolveServerConfig(cfg, {});
    await expect(runServer(config, defaultCliContext, silentLogger)).rejects.toThrow(/describes an ensemble/);
  });

  it('starts a server with the default plugins that answers four-letter words, and stops it', async () => {
    const { config } = resolveServerConfig(undefined, { port: '0', fourLetterWords: 'ruok,mntr' });
    let running: RunningServer | null = null;
    try {
      running = await runServer(config, defaultCliContext, silentLogger);
      const port = running.standalone.port;
      expect(await fourLetterWord('127.0.0.1', port, 'ruok')).toBe('imok');
      expect(await fourLetterWord('127.0.0.1', port, 'mntr')).toMatch(/^zk_version\t3\.8\.0-zoolab-.*\nzk_server_state\tstandalone\n/);
      expect(await fourLetterWord('127.0.0.1', port, 'conf')).toBe('conf is not executed because it is not in the whitelist.\n');
    } finally {
      await running?.stop();
    }
  });
});
