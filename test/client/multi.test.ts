import {
  BadVersionError,
  CheckResult,
  Code,
  CreateMode,
  CreateResult,
  DeleteResult,
  ErrorResult,
  GetChildrenResult,
  GetDataResult,
  IllegalArgumentError,
  InvalidPathError,
  NoNodeError,
  NodeExistsError,
  Op,
  SetDataResult,
  type ZooKeeper,
} from '../../lib/client';
import { targets, useServer } from '../support/targets';
import { Clients, uniquePath } from './support/helpers';

describe.each(targets)('client multi against $name', (target) => {
  const server = useServer(target);
  const clients = new Clients();
  let zk: ZooKeeper;

  beforeAll(async () => {
    zk = await clients.connect(server().connectString);
  });
  afterAll(() => clients.closeAll());

  it('commits a transaction and returns one typed result per op', async () => {
    const p = uniquePath('txn');
    await zk.create(p, 'v0');
    const results = await zk.multi([
      Op.create(`${p}/a`, 'a'),
      Op.create(`${p}/s-`, null, { mode: CreateMode.PERSISTENT_SEQUENTIAL }),
      Op.check(p, 0),
      Op.setData(p, 'v1', 0),
      Op.delete(`${p}/a`, 0),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['create', 'create', 'check', 'setData', 'delete']);
    expect(results[0]).toBeInstanceOf(CreateResult);
    expect((results[0] as CreateResult).path).toBe(`${p}/a`);
    expect((results[1] as CreateResult).path).toBe(`${p}/s-0000000001`);
    expect(results[2]).toBeInstanceOf(CheckResult);
    expect((results[3] as SetDataResult).stat.version).toBe(1);
    expect(results[4]).toBeInstanceOf(DeleteResult);
    expect((await zk.getData(p)).data!.toString()).toBe('v1');
  });

  it('reports a failed transaction as Java does: the first error, with OK / error / RuntimeInconsistency results', async () => {
    const p = uniquePath('txnfail');
    await zk.create(p);
    const e = await zk
      .multi([Op.create(`${p}/a`), Op.setData(`${p}/missing`, 'x'), Op.create(`${p}/b`), Op.delete(p)])
      .catch((x) => x);
    expect(e).toBeInstanceOf(NoNodeError);
    expect(e.path).toBeUndefined();
    expect(e.message).toBe('KeeperErrorCode = NoNode');
    expect(e.results).toEqual([
      new ErrorResult(Code.OK),
      new ErrorResult(Code.NONODE),
      new ErrorResult(Code.RUNTIMEINCONSISTENCY),
      new ErrorResult(Code.RUNTIMEINCONSISTENCY),
    ]);
    // Nothing of it happened.
    expect(await zk.exists(`${p}/a`)).toBeNull();
  });

  it('fails a transaction on a version check', async () => {
    const p = uniquePath('txncheck');
    await zk.create(p);
    const e = await zk.transaction().check(p, 5).create(`${p}/x`).commit().catch((x) => x);
    expect(e).toBeInstanceOf(BadVersionError);
    expect(e.results.map((r: ErrorResult) => r.err)).toEqual([Code.BADVERSION, Code.RUNTIMEINCONSISTENCY]);
    const e2 = await zk.transaction().create(`${p}/y`).create(`${p}/y`).commit().catch((x) => x);
    expect(e2).toBeInstanceOf(NodeExistsError);
    expect(e2.results.map((r: ErrorResult) => r.err)).toEqual([Code.OK, Code.NODEEXISTS]);
  });

  it('builds transactions with the Transaction builder', async () => {
    const p = uniquePath('builder');
    const results = await zk.transaction().create(p, 'x').setData(p, 'y').check(p, 1).commit();
    expect(results.map((r) => r.kind)).toEqual(['create', 'setData', 'check']);
  });

  it('runs read multis, reporting each op’s error as its own result', async () => {
    const p = uniquePath('multiread');
    await zk.create(p, 'data');
    await zk.create(`${p}/c1`);
    const results = await zk.multiRead([Op.getData(p), Op.getChildren(p), Op.getData(`${p}/none`), Op.getChildren(`${p}/none`)]);
    expect(results[0]).toBeInstanceOf(GetDataResult);
    expect((results[0] as GetDataResult).data!.toString()).toBe('data');
    expect((results[0] as GetDataResult).stat.numChildren).toBe(1);
    expect(results[1]).toEqual(new GetChildrenResult(['c1']));
    expect(results[2]).toEqual(new ErrorResult(Code.NONODE));
    expect(results[3]).toEqual(new ErrorResult(Code.NONODE));
    // multi() with read ops is the same request.
    expect(await zk.multi([Op.getData(p)])).toHaveLength(1);
  });

  it('refuses mixed, invalid and empty multis as Java does', async () => {
    await expect(zk.multi([Op.getData('/'), Op.delete('/x')])).rejects.toBeInstanceOf(IllegalArgumentError);
    await expect(zk.multiRead([Op.delete('/x')])).rejects.toBeInstanceOf(IllegalArgumentError);
    expect(() => Op.create('bad')).toThrow(InvalidPathError);
    expect(() => zk.transaction().delete('/a/')).toThrow(InvalidPathError);
    expect(await zk.multi([])).toEqual([]);
  });

  it('creates TTL and container nodes inside a transaction', async () => {
    const p = uniquePath('txnttl');
    await zk.create(p);
    const r = await zk.multi([
      Op.create(`${p}/ttl`, null, { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 60000 }),
      Op.create(`${p}/ctr`, null, { mode: CreateMode.CONTAINER }),
    ]);
    expect(r.map((x) => (x as CreateResult).path)).toEqual([`${p}/ttl`, `${p}/ctr`]);
  });
});
