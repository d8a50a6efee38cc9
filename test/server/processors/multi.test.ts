import { BinaryInputArchive } from '../../../lib/jute/binary-input-archive';
import { encode } from '../../../lib/jute/codec';
import { JuteError } from '../../../lib/jute/errors';
import { Stat } from '../../../lib/jute/records/data';
import {
  CheckVersionRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  GetChildrenRequest,
  GetDataRequest,
  SetDataRequest,
} from '../../../lib/jute/records/proto';
import { ErrorTxn, MultiTxn } from '../../../lib/jute/records/txn';
import { Code, CreateMode, OpCode } from '../../../lib/protocol';
import {
  MultiOperationError,
  decodeMultiOperationRecord,
  encodeMultiOperationRecord,
} from '../../../lib/server/processors/multi-operation-record';
import { MultiResponse } from '../../../lib/server/processors/multi-response';
import { Harness, open } from './harness';

const create = (path: string, flags: number = CreateMode.PERSISTENT, data = '') =>
  new CreateRequest({ path, data: Buffer.from(data), acl: open(), flags });
const op = (type: number, request: { serialize(oa: never): void }) => ({ type, request: request as never });
const multiBody = (...ops: { type: number; request: never }[]) => encodeMultiOperationRecord(ops);

describe('MultiOperationRecord', () => {
  test('round-trips ops; a create op runs as the opcode its flags say', () => {
    const body = multiBody(
      op(OpCode.create2, create('/a')),
      op(OpCode.create, create('/c', CreateMode.CONTAINER)),
      op(OpCode.createTTL, new CreateTTLRequest({ path: '/t', data: null, acl: open(), flags: 0, ttl: 5n })),
      op(OpCode.createTTL, new CreateTTLRequest({ path: '/t2', data: null, acl: open(), flags: CreateMode.PERSISTENT_WITH_TTL, ttl: 5n })),
      op(OpCode.delete, new DeleteRequest({ path: '/d', version: 2 })),
      op(OpCode.setData, new SetDataRequest({ path: '/s', data: Buffer.from('x'), version: -1 })),
      op(OpCode.check, new CheckVersionRequest({ path: '/k', version: 4 })),
    );
    const ops = decodeMultiOperationRecord(body);
    expect(ops.map((o) => [o.type, o.path, o.request.constructor.name])).toEqual([
      [OpCode.create, '/a', 'CreateRequest'],
      [OpCode.createContainer, '/c', 'CreateRequest'],
      [OpCode.create, '/t', 'CreateRequest'], // a TTL header with plain flags loses its ttl
      [OpCode.createTTL, '/t2', 'CreateTTLRequest'],
      [OpCode.delete, '/d', 'DeleteRequest'],
      [OpCode.setData, '/s', 'SetDataRequest'],
      [OpCode.check, '/k', 'CheckVersionRequest'],
    ]);
  });

  test('read ops never carry a watch', () => {
    const ops = decodeMultiOperationRecord(multiBody(op(OpCode.getData, new GetDataRequest({ path: '/a', watch: true }))));
    expect((ops[0].request as GetDataRequest).watch).toBe(false);
  });

  test('bad bodies: truncated, unknown op type, mixed kinds', () => {
    const good = multiBody(op(OpCode.delete, new DeleteRequest({ path: '/d', version: 2 })));
    expect(() => decodeMultiOperationRecord(good.subarray(0, good.length - 3))).toThrow(JuteError);
    expect(() => decodeMultiOperationRecord(Buffer.alloc(0))).toThrow(JuteError);
    expect(() => decodeMultiOperationRecord(multiBody(op(OpCode.exists, new DeleteRequest({ path: '/x', version: 0 }))))).toThrow(
      MultiOperationError,
    );
    expect(() =>
      decodeMultiOperationRecord(
        multiBody(op(OpCode.delete, new DeleteRequest({ path: '/d', version: 2 })), op(OpCode.getChildren, new GetChildrenRequest({ path: '/', watch: false }))),
      ),
    ).toThrow(/Mixing/);
  });
});

describe('MultiResponse', () => {
  test('serializes as Java: header per result (err 0 unless error), records, done marker', () => {
    const rsp = new MultiResponse([
      { type: OpCode.create, path: '/a' },
      { type: OpCode.delete },
      { type: OpCode.error, err: Code.NONODE },
    ]);
    const hex = encode(rsp).toString('hex');
    expect(hex).toBe(
      [
        '00000001' + '00' + '00000000', // MultiHeader(create, false, 0)
        '00000002' + '2f61', // CreateResponse("/a")
        '00000002' + '00' + '00000000', // MultiHeader(delete, false, 0), no body
        'ffffffff' + '00' + 'ffffff9b', // MultiHeader(error, false, -101)
        'ffffff9b', // ErrorResponse(-101)
        'ffffffff' + '01' + 'ffffffff', // done
      ].join(''),
    );
    const back = MultiResponse.deserialize(new BinaryInputArchive(encode(rsp)));
    expect(back.results).toEqual(rsp.results);
  });
});

describe('multi through prep and final', () => {
  test('all ops apply under one zxid; results are typed as Java maps them', () => {
    const h = new Harness({ extendedTypesEnabled: true });
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/x', 0, 'old'));
    const r = h.submit(
      c,
      OpCode.multi,
      multiBody(
        op(OpCode.create, create('/m')),
        op(OpCode.create2, create('/m/seq-', CreateMode.PERSISTENT_SEQUENTIAL)),
        op(OpCode.createContainer, create('/m/c', CreateMode.CONTAINER)),
        op(OpCode.createTTL, new CreateTTLRequest({ path: '/m/t', data: null, acl: open(), flags: CreateMode.PERSISTENT_WITH_TTL, ttl: 1000n })),
        op(OpCode.setData, new SetDataRequest({ path: '/x', data: Buffer.from('new'), version: 0 })),
        op(OpCode.check, new CheckVersionRequest({ path: '/x', version: 1 })),
        op(OpCode.delete, new DeleteRequest({ path: '/m/c', version: -1 })),
      ),
    );
    expect(r.header.err).toBe(Code.OK);
    expect(r.header.zxid).toBe(2n);
    const results = (r.body as MultiResponse).results;
    expect(results.map((x) => x.type)).toEqual([OpCode.create, OpCode.create, OpCode.create2, OpCode.create2, OpCode.setData, OpCode.check, OpCode.delete]);
    expect(results[1]).toEqual({ type: OpCode.create, path: '/m/seq-0000000000' });
    expect((results[2] as { stat: Stat }).stat.czxid).toBe(2n);
    expect((results[4] as { stat: Stat }).stat.version).toBe(1);
    expect(h.tree.getNode('/m/c')).toBeUndefined();
    expect(h.tree.getNode('/x')!.data!.toString()).toBe('new');
    expect(h.tree.getNode('/m/t')).toBeDefined();
  });

  test('a failing op: earlier ops OK, the failing one its error, later ones RuntimeInconsistency; nothing applied', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/exists'));
    const req = h.prepped(
      c,
      OpCode.multi,
      multiBody(
        op(OpCode.create, create('/new')),
        op(OpCode.create, create('/exists')),
        op(OpCode.setData, new SetDataRequest({ path: '/exists', data: null, version: -1 })),
      ),
    );
    expect(req.hdr!.type).toBe(OpCode.multi);
    expect(req.err).toBe(Code.NODEEXISTS);
    const txns = (req.txn as MultiTxn).txns!;
    expect(txns.map((t) => t.type)).toEqual([OpCode.create, OpCode.error, OpCode.error]);
    expect(ErrorTxn.deserialize(new BinaryInputArchive(txns[1].data!)).err).toBe(Code.NODEEXISTS);
    expect(ErrorTxn.deserialize(new BinaryInputArchive(txns[2].data!)).err).toBe(Code.RUNTIMEINCONSISTENCY);
    expect(h.outstanding.size).toBe(0); // rolled back at once
    h.final.processRequest(req);
    const r = c.last();
    expect(r.header.err).toBe(Code.OK);
    expect((r.body as MultiResponse).results).toEqual([
      { type: OpCode.error, err: Code.OK },
      { type: OpCode.error, err: Code.NODEEXISTS },
      { type: OpCode.error, err: Code.RUNTIMEINCONSISTENCY },
    ]);
    expect(h.tree.getNode('/new')).toBeUndefined();
    expect(r.header.zxid).toBe(2n);
  });

  test('every op of a multi checks the session: an expired one fails op by op', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.sessions.setSessionClosing(0x100n);
    const r = h.submit(c, OpCode.multi, multiBody(op(OpCode.create, create('/a')), op(OpCode.create, create('/b'))));
    expect(r.header.err).toBe(Code.OK);
    expect((r.body as MultiResponse).results).toEqual([
      { type: OpCode.error, err: Code.SESSIONEXPIRED },
      { type: OpCode.error, err: Code.RUNTIMEINCONSISTENCY },
    ]);
  });

  test('a moved session in a multi closes the connection without a reply', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.sessions.sessions.get(0x100n)!.owner = 'elsewhere';
    const req = h.prepped(c, OpCode.multi, multiBody(op(OpCode.create, create('/a'))));
    h.final.processRequest(req);
    expect(c.responses).toEqual([]);
    expect(c.closed).toBe('session moved');
  });

  test('malformed multis are MarshallingError error txns; an empty multi is an empty success', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const bad = h.prepped(c, OpCode.multi, Buffer.from([0, 0, 0, 1, 0]));
    expect(bad.hdr!.type).toBe(OpCode.error);
    expect((bad.txn as ErrorTxn).err).toBe(Code.MARSHALLINGERROR);
    h.final.processRequest(bad);
    expect(c.last().header.err).toBe(Code.MARSHALLINGERROR);
    const reads = h.submit(c, OpCode.multi, multiBody(op(OpCode.getData, new GetDataRequest({ path: '/', watch: false }))));
    expect(reads.header.err).toBe(Code.MARSHALLINGERROR);
    const ttlUnderCreate = h.submit(c, OpCode.multi, multiBody(op(OpCode.create, create('/t', CreateMode.PERSISTENT_WITH_TTL))));
    expect(ttlUnderCreate.header.err).toBe(Code.MARSHALLINGERROR);
    const empty = h.submit(c, OpCode.multi, multiBody());
    expect(empty.header.err).toBe(Code.OK);
    expect((empty.body as MultiResponse).results).toEqual([]);
    expect(h.hzxid).toBe(4n);
  });
});

describe('multiRead', () => {
  test('answers per op, with ErrorResult for failures, and sets no watches', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a', 0, 'A'));
    h.submit(c, OpCode.create, create('/a/k'));
    const r = h.submit(
      c,
      OpCode.multiRead,
      multiBody(
        op(OpCode.getData, new GetDataRequest({ path: '/a', watch: true })),
        op(OpCode.getChildren, new GetChildrenRequest({ path: '/a', watch: true })),
        op(OpCode.getData, new GetDataRequest({ path: '/missing', watch: false })),
      ),
    );
    expect(r.header.err).toBe(Code.OK);
    const results = (r.body as MultiResponse).results;
    expect(results[0]).toMatchObject({ type: OpCode.getData });
    expect((results[0] as { data: Buffer }).data.toString()).toBe('A');
    expect(results[1]).toEqual({ type: OpCode.getChildren, children: ['k'] });
    expect(results[2]).toEqual({ type: OpCode.error, err: Code.NONODE });
    expect(h.tree.getWatchCount()).toBe(0);
  });

  test('a write op in a multiRead is MarshallingError with the partial (empty) response', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const r = h.submit(c, OpCode.multiRead, multiBody(op(OpCode.create, create('/z'))));
    expect(r.header.err).toBe(Code.MARSHALLINGERROR);
    expect((r.body as MultiResponse).results).toEqual([]);
    expect(h.hzxid).toBe(0n);
  });
});
