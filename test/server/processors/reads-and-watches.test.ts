import {
  AddWatchRequest,
  CheckWatchesRequest,
  CreateRequest,
  DeleteRequest,
  ErrorResponse,
  ExistsRequest,
  ExistsResponse,
  GetAllChildrenNumberRequest,
  GetAllChildrenNumberResponse,
  GetChildren2Request,
  GetChildren2Response,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  RemoveWatchesRequest,
  SetDataRequest,
  SetWatches,
  SetWatches2,
} from '../../../lib/jute/records/proto';
import { Code, CreateMode, EventType, OpCode, WatcherType } from '../../../lib/protocol';
import { Harness, open } from './harness';

const create = (path: string, flags: number = CreateMode.PERSISTENT) => new CreateRequest({ path, data: Buffer.from('d'), acl: open(), flags });
const events = (c: { events: { type: number; path: string | null }[] }) => c.events.map((e) => [e.type, e.path]);

describe('reads register watches on the connection', () => {
  test('exists on a missing node sets a watch that NodeCreated fires', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    expect(h.submit(c, OpCode.exists, new ExistsRequest({ path: '/later', watch: true })).header.err).toBe(Code.NONODE);
    h.submit(c, OpCode.create, create('/later'));
    expect(events(c)).toEqual([[EventType.NodeCreated, '/later']]);
    expect(c.events[0].zxid).toBe(1n);
  });

  test('exists answers the Stat; a NUL in the path is BadArguments', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    const r = h.submit(c, OpCode.exists, new ExistsRequest({ path: '/a', watch: false }));
    expect((r.body as ExistsResponse).stat.czxid).toBe(1n);
    expect(h.submit(c, OpCode.exists, new ExistsRequest({ path: '/a\u0000', watch: false })).header.err).toBe(Code.BADARGUMENTS);
  });

  test('getData watches fire on change; a getData on a missing node sets none', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    h.submit(c, OpCode.getData, new GetDataRequest({ path: '/a', watch: true }));
    expect(h.submit(c, OpCode.getData, new GetDataRequest({ path: '/b', watch: true })).header.err).toBe(Code.NONODE);
    h.submit(c, OpCode.setData, new SetDataRequest({ path: '/a', data: null, version: -1 }));
    h.submit(c, OpCode.create, create('/b'));
    expect(events(c)).toEqual([[EventType.NodeDataChanged, '/a']]);
  });

  test('getChildren and getChildren2 watches fire on a child change', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/p'));
    const g = h.submit(c, OpCode.getChildren, new GetChildrenRequest({ path: '/p', watch: true }));
    expect((g.body as GetChildrenResponse).children).toEqual([]);
    h.submit(c, OpCode.create, create('/p/1'));
    const g2 = h.submit(c, OpCode.getChildren2, new GetChildren2Request({ path: '/p', watch: true }));
    expect((g2.body as GetChildren2Response).children).toEqual(['1']);
    expect((g2.body as GetChildren2Response).stat.numChildren).toBe(1);
    h.submit(c, OpCode.delete, new DeleteRequest({ path: '/p/1', version: -1 }));
    expect(events(c)).toEqual([
      [EventType.NodeChildrenChanged, '/p'],
      [EventType.NodeChildrenChanged, '/p'],
    ]);
  });

  test('checkWatches and removeWatches answer NoWatcher when there is none', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    const check = (type: number) => h.submit(c, OpCode.checkWatches, new CheckWatchesRequest({ path: '/a', type })).header.err;
    expect(check(WatcherType.Data)).toBe(Code.NOWATCHER);
    h.submit(c, OpCode.getData, new GetDataRequest({ path: '/a', watch: true }));
    expect([check(WatcherType.Data), check(WatcherType.Children), check(WatcherType.Any)]).toEqual([Code.OK, Code.NOWATCHER, Code.OK]);
    expect(check(9)).toBe(Code.MARSHALLINGERROR);
    const remove = () => h.submit(c, OpCode.removeWatches, new RemoveWatchesRequest({ path: '/a', type: WatcherType.Any })).header.err;
    expect(remove()).toBe(Code.OK);
    expect(remove()).toBe(Code.NOWATCHER);
  });

  test('addWatch (persistent recursive) answers ErrorResponse(0) and sees descendants', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const r = h.submit(c, OpCode.addWatch, new AddWatchRequest({ path: '/tree', mode: 1 }));
    expect(r.body).toBeInstanceOf(ErrorResponse);
    expect((r.body as ErrorResponse).err).toBe(0);
    h.submit(c, OpCode.create, create('/tree'));
    h.submit(c, OpCode.create, create('/tree/a'));
    expect(events(c)).toEqual([
      [EventType.NodeCreated, '/tree'],
      [EventType.NodeCreated, '/tree/a'],
    ]);
    expect(h.submit(c, OpCode.addWatch, new AddWatchRequest({ path: '/x', mode: 5 })).header.err).toBe(Code.MARSHALLINGERROR);
  });

  test('setWatches fires what was missed and re-registers the rest', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/same'));
    h.submit(c, OpCode.create, create('/changed'));
    h.submit(c, OpCode.setData, new SetDataRequest({ path: '/changed', data: null, version: -1 }));
    const r = h.submit(
      c,
      OpCode.setWatches,
      new SetWatches({ relativeZxid: 2n, dataWatches: ['/same', '/changed', '/gone'], existWatches: ['/same'], childWatches: [] }),
      -8,
    );
    expect(r.header.xid).toBe(-8);
    expect(r.body).toBeNull();
    expect(events(c)).toEqual([
      [EventType.NodeDataChanged, '/changed'],
      [EventType.NodeDeleted, '/gone'],
      [EventType.NodeCreated, '/same'],
    ]);
    h.submit(c, OpCode.setData, new SetDataRequest({ path: '/same', data: null, version: -1 }));
    expect(events(c).pop()).toEqual([EventType.NodeDataChanged, '/same']);
  });

  test('setWatches2 registers persistent watches', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(
      c,
      OpCode.setWatches2,
      new SetWatches2({ relativeZxid: 0n, dataWatches: [], existWatches: [], childWatches: [], persistentWatches: ['/p'], persistentRecursiveWatches: [] }),
    );
    h.submit(c, OpCode.create, create('/p'));
    h.submit(c, OpCode.create, create('/p/k'));
    expect(events(c)).toEqual([
      [EventType.NodeCreated, '/p'],
      [EventType.NodeChildrenChanged, '/p'],
    ]);
  });
});

describe('other reads', () => {
  test('getEphemerals lists the session ephemerals under a prefix', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/app'));
    h.submit(c, OpCode.create, create('/app/e1', CreateMode.EPHEMERAL));
    h.submit(c, OpCode.create, create('/other', CreateMode.EPHEMERAL));
    const list = (prefixPath: string | null) =>
      ((h.submit(c, OpCode.getEphemerals, new GetEphemeralsRequest({ prefixPath })).body as GetEphemeralsResponse).ephemerals ?? []).sort();
    expect(list('/app')).toEqual(['/app/e1']);
    expect(list(' / ')).toEqual(['/app/e1', '/other']);
    expect(list(null)).toEqual(['/app/e1', '/other']);
  });

  test('getAllChildrenNumber counts all descendants', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    for (const p of ['/a', '/a/b', '/a/b/c', '/a/d']) h.submit(c, OpCode.create, create(p));
    const r = h.submit(c, OpCode.getAllChildrenNumber, new GetAllChildrenNumberRequest({ path: '/a' }));
    expect((r.body as GetAllChildrenNumberResponse).totalNumber).toBe(3);
    expect(h.submit(c, OpCode.getAllChildrenNumber, new GetAllChildrenNumberRequest({ path: '/z' })).header.err).toBe(Code.NONODE);
  });

  test('reads consume no zxid and answer with the last applied one', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    const r = h.submit(c, OpCode.getData, new GetDataRequest({ path: '/a', watch: false }));
    expect(r.header.zxid).toBe(1n);
    expect(h.hzxid).toBe(1n);
  });

  test('a truncated read body is MarshallingError', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    expect(h.submit(c, OpCode.getData, Buffer.from([0, 0, 0, 5, 0x2f])).header.err).toBe(Code.MARSHALLINGERROR);
    expect(h.submit(c, OpCode.getChildren, Buffer.alloc(0)).header.err).toBe(Code.MARSHALLINGERROR);
  });

  test('a request without a connection is applied and not answered', () => {
    const h = new Harness();
    const r = h.prepped(null, OpCode.deleteContainer, Buffer.from('/none'));
    expect(() => h.final.processRequest(r)).not.toThrow();
    expect(h.finished).toEqual([]);
  });
});
