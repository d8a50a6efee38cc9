import { join } from 'node:path';
import { CreateMode, Ids, Op, type ClientKeeperException, type OpResult, type ZooKeeper } from '../../lib/client';
import { javaZooKeeperMissing } from '../support/java-zookeeper';
import { runProcess } from '../support/run-process';
import { targets, useServer } from '../support/targets';
import { Clients, uniquePath } from './support/helpers';

/**
 * The same multi scenarios run by Apache ZooKeeper's Java client (fixtures/JavaClientProbe.java,
 * started with Java's single-file launcher) and by the zoolab client, against the same server:
 * every outcome line — error code, exception path and message, per-op results — must match.
 */
const CLASSPATH = ['/usr/share/java/zookeeper.jar', '/usr/share/java/zookeeper-jute.jar', '/usr/share/java/slf4j-nop.jar'].join(':');

function results(rs: OpResult[] | undefined): string {
  if (!rs) return 'null';
  return `[${rs
    .map((r) => {
      switch (r.kind) {
        case 'error':
          return `error:${r.err}`;
        case 'create':
          return `create:${r.path}`;
        case 'setData':
          return `setData:${r.stat.version}`;
        case 'getData':
          return `getData:${r.data?.toString() ?? ''}`;
        case 'getChildren':
          return `getChildren:[${r.children.join(', ')}]`;
        default:
          return r.kind;
      }
    })
    .join(',')}]`;
}

async function probe(zk: ZooKeeper, b: string): Promise<string[]> {
  const lines: string[] = [];
  const multi = async (name: string, ops: Op[]) => {
    try {
      lines.push(`${name} ok ${results(await zk.multi(ops))}`);
    } catch (e) {
      const k = e as ClientKeeperException;
      lines.push(`${name} ${k.code} path=${k.path ?? 'null'} msg=${k.message} ${results(k.results)}`);
    }
  };
  await zk.create(b, 'v');
  await multi('create-nonode', [Op.create(`${b}/a`), Op.setData(`${b}/missing`, 'x'), Op.create(`${b}/b`), Op.delete(b)]);
  await multi('check-badversion', [Op.check(b, 5), Op.create(`${b}/x`)]);
  await multi('nodeexists', [Op.create(`${b}/y`), Op.create(`${b}/y`)]);
  await multi('notempty', [Op.create(`${b}/z`), Op.delete(b)]);
  await multi('success', [Op.create(`${b}/ok`, 'd'), Op.check(b, 0), Op.setData(b, 'w', 0), Op.delete(`${b}/ok`, 0)]);
  await multi('read', [Op.getData(b), Op.getChildren(b), Op.getData(`${b}/none`), Op.getChildren(`${b}/none`)]);
  await multi('ephemeral-parent', [Op.create(`${b}/e`, null, { mode: CreateMode.EPHEMERAL }), Op.create(`${b}/e/c`)]);
  await multi('noauth', [Op.create(`${b}/ro`, null, { acl: Ids.READ_ACL_UNSAFE() }), Op.create(`${b}/ro/c`)]);
  await multi('badversion-delete', [Op.delete(b, 7)]);
  return lines;
}

const missing = javaZooKeeperMissing();
const maybe = missing ? describe.skip : describe;

maybe.each(targets)('multi outcomes match the Java client against $name', (target) => {
  const server = useServer(target);
  const clients = new Clients();
  afterAll(() => clients.closeAll());

  it('reports every multi outcome line for line as Java does', async () => {
    const javaBase = uniquePath('javaprobe');
    const java = await runProcess('java', ['-cp', CLASSPATH, join(__dirname, 'fixtures', 'JavaClientProbe.java'), server().connectString, javaBase], {
      timeoutMs: 60000,
    });
    expect(java.stderr).toBe('');
    const expected = java.stdout.trim().split('\n').map((l) => l.split(javaBase).join('<base>'));
    const zk = await clients.connect(server().connectString);
    const base = uniquePath('zoolabprobe');
    const ours = (await probe(zk, base)).map((l) => l.split(base).join('<base>'));
    expect(ours).toEqual(expected);
    expect(ours).toHaveLength(9);
  }, 90000);
});
