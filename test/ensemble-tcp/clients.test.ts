import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SYSTEM_PYTHON } from '../support/kazoo';
import { markerCommand, runZkCli, ZKCLI } from '../support/zkcli';
import { ensureBuilt, ProcessEnsemble } from './support/process-ensemble';

jest.setTimeout(90_000);

const haveKazoo = existsSync(SYSTEM_PYTHON);
const haveZkCli = existsSync(ZKCLI);

/** Real ZooKeeper clients against a three-process zoolab ensemble over TCP. */
describe('kazoo and zkCli.sh against a three-process ensemble', () => {
  let e: ProcessEnsemble;

  beforeAll(async () => {
    ensureBuilt();
    e = await ProcessEnsemble.create({ nodes: 3, tickTime: 200 });
    e.startAll();
    await e.waitForLeader();
  });
  afterAll(async () => {
    await e?.close();
  });

  (haveKazoo ? it : it.skip)('keeps a kazoo session, its ephemeral node and its watch when its server (the leader) is SIGKILLed', async () => {
    const leader = await e.waitForLeader();
    const others = e.ids.filter((id) => id !== leader);
    // kazoo tries hosts in order: it connects to the leader first.
    const hosts = e.connectString([leader, ...others]);
    const py = spawn(SYSTEM_PYTHON, [join(__dirname, 'kazoo', 'session_failover.py'), hosts], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    py.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => py.once('exit', (code) => r(code)));
    try {
      const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
      const next = async () => {
        const r = await Promise.race([lines.next(), exited.then(() => ({ done: true, value: undefined }))]);
        if (r.done || !r.value) throw new Error(`kazoo script ended early: ${stderr.slice(-3000)}`);
        return JSON.parse(r.value as string);
      };
      const ready = await next();
      expect(ready.port).toBe(e.ports.get(leader)!.client);
      await e.kill(leader, 'SIGKILL');
      py.stdin.write('go\n');
      const result = await next();
      expect(result).toMatchObject({ same_session: true, ephemeral_kept: true, watch_fired: true, data: 'changed after failover' });
      expect(result.states).toContain('SUSPENDED');
      expect(result.states).not.toContain('LOST');
      expect(others.map((id) => e.ports.get(id)!.client)).toContain(result.port);
      expect(await exited).toBe(0);
    } finally {
      if (py.exitCode === null) py.kill('SIGKILL');
      if (!e.isRunning(leader)) e.start(leader);
    }
    await e.waitForLeader();
  });

  (haveZkCli ? it : it.skip)('serves zkCli.sh: what it writes through one server it reads through another', async () => {
    const [a, b] = e.ids;
    const wrote = await runZkCli(e.connectString([a]), [
      'create /zkcli hello',
      'create /zkcli/child c1',
      'set /zkcli world',
    ]);
    expect(wrote.lines.join('\n')).toContain('Created /zkcli/child');
    const read = await runZkCli(e.connectString([b]), ['sync /', markerCommand('get'), 'get /zkcli', markerCommand('ls'), 'ls /zkcli', markerCommand('end')]);
    expect(read.section('get')).toContain('world');
    expect(read.section('ls')).toContain('[child]');
  });
});
