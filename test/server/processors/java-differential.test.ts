/**
 * The same requests, byte for byte, to the real Apache ZooKeeper 3.8 (standalone, from
 * the Debian package) and to the processors driven in-process: error codes, reply zxids
 * and response records must agree (times masked). Skipped when Java is not installed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BinaryInputArchive } from '../../../lib/jute/binary-input-archive';
import { encode } from '../../../lib/jute/codec';
import { readRecord } from '../../../lib/server/processors/request-body';
import { CheckVersionTxn, CloseSessionTxn, TxnDigest, TxnHeader } from '../../../lib/jute/records/txn';
import { deserializeTxn, serializeTxn } from '../../../lib/persistence/txn-serde';
import type { TxnEntry } from '../../../lib/persistence/txn-log';
import { ACL, Id } from '../../../lib/jute/records/data';
import {
  AddWatchRequest,
  AuthPacket,
  CheckVersionRequest,
  CheckWatchesRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  ExistsRequest,
  GetACLRequest,
  GetAllChildrenNumberRequest,
  GetChildren2Request,
  GetDataRequest,
  GetEphemeralsRequest,
  ReconfigRequest,
  RemoveWatchesRequest,
  SetACLRequest,
  SetDataRequest,
  SyncRequest,
} from '../../../lib/jute/records/proto';
import type { JuteRecord } from '../../../lib/jute/types';
import { CreateMode, OpCode, Perms, Xid } from '../../../lib/protocol';
import { generateDigest } from '../../../lib/server/auth';
import { Request } from '../../../lib/server/request';
import { javaZooKeeperMissing, startJavaZooKeeper, type JavaZooKeeper } from '../../support/java-zookeeper';
import { RawClient } from '../../support/raw-client';
import { decodeResponse, encodeMulti, type MultiOp } from '../../support/raw-ops';
import { FakeCnxn, Harness } from './harness';

const missing = javaZooKeeperMissing();
const describeJava = missing ? describe.skip : describe;

const OPEN = () => [new ACL({ perms: Perms.ALL, id: new Id({ scheme: 'world', id: 'anyone' }) })];
const A = (perms: number, scheme: string, id: string) => new ACL({ perms, id: new Id({ scheme, id }) });
const cr = (path: string | null, flags = 0, acl: ACL[] | null = OPEN(), data = '') =>
  new CreateRequest({ path, data: Buffer.from(data), acl, flags });

type Step = { op: number; body: JuteRecord | Buffer | null; xid?: number; label: string };
const s = (label: string, op: number, body: JuteRecord | Buffer | null, xid?: number): Step => ({ label, op, body, xid });
const multi = (label: string, ops: MultiOp[], op: number = OpCode.multi) => s(label, op, encodeMulti(ops));

const stepBody = (st: Step): Buffer => (st.body === null ? Buffer.alloc(0) : Buffer.isBuffer(st.body) ? st.body : encode(st.body));

const USER = 'alice:secret';
const STEPS: Step[] = [
  s('create /a', OpCode.create, cr('/a')),
  s('create /a again', OpCode.create, cr('/a')),
  s('create /a//b', OpCode.create, cr('/a//b')),
  s('create /a/', OpCode.create, cr('/a/')),
  s('create /a/./b', OpCode.create, cr('/a/./b')),
  s('create /a/.', OpCode.create, cr('/a/.')),
  s('create /x/y', OpCode.create, cr('/x/y')),
  s('create bad flags', OpCode.create, cr('/f', 9)),
  s('create empty acl', OpCode.create, cr('/f', 0, [])),
  s('create null acl', OpCode.create, cr('/f', 0, null)),
  s('create null path', OpCode.create, cr(null)),
  s('create world:bob', OpCode.create, cr('/f', 0, [A(31, 'world', 'bob')])),
  s('create digest bad id', OpCode.create, cr('/f', 0, [A(31, 'digest', 'nohash')])),
  s('create unknown scheme', OpCode.create, cr('/f', 0, [A(31, 'sasl', 'x')])),
  s('create auth without creds', OpCode.create, cr('/f', 0, [A(31, 'auth', '')])),
  s('create ip masked', OpCode.create, cr('/ipnode', 0, [A(31, 'ip', '127.0.0.0/8')])),
  s('create ip bad', OpCode.create, cr('/f', 0, [A(31, 'ip', '127.0.0/8')])),
  s('create under ip node', OpCode.create, cr('/ipnode/k')),
  s('create2 /b', OpCode.create2, cr('/b', 0, OPEN(), 'data')),
  s('createContainer flags 0', OpCode.createContainer, cr('/c0', 0)),
  s('create opcode with container flag', OpCode.create, cr('/c1', CreateMode.CONTAINER)),
  s('createContainer', OpCode.createContainer, cr('/c2', CreateMode.CONTAINER)),
  s('seq 1', OpCode.create, cr('/b/s-', CreateMode.PERSISTENT_SEQUENTIAL)),
  s('seq 2', OpCode.create2, cr('/b/s-', CreateMode.PERSISTENT_SEQUENTIAL)),
  s('eph', OpCode.create, cr('/e', CreateMode.EPHEMERAL)),
  s('eph child', OpCode.create, cr('/e/k')),
  s('eph seq', OpCode.create, cr('/es', CreateMode.EPHEMERAL_SEQUENTIAL)),
  s('ttl', OpCode.createTTL, new CreateTTLRequest({ path: '/t', data: Buffer.alloc(0), acl: OPEN(), flags: 5, ttl: 60000n })),
  s('ttl 0', OpCode.createTTL, new CreateTTLRequest({ path: '/t0', data: Buffer.alloc(0), acl: OPEN(), flags: 5, ttl: 0n })),
  s('ttl with persistent flag', OpCode.createTTL, new CreateTTLRequest({ path: '/t1', data: Buffer.alloc(0), acl: OPEN(), flags: 0, ttl: 5n })),
  s('child of ttl', OpCode.create, cr('/t/k')),
  s('delete non-empty', OpCode.delete, new DeleteRequest({ path: '/b', version: -1 })),
  s('delete bad version', OpCode.delete, new DeleteRequest({ path: '/a', version: 5 })),
  s('delete /zookeeper', OpCode.delete, new DeleteRequest({ path: '/zookeeper', version: -1 })),
  s('delete /', OpCode.delete, new DeleteRequest({ path: '/', version: -1 })),
  s('delete missing', OpCode.delete, new DeleteRequest({ path: '/nope', version: -1 })),
  s('delete c0', OpCode.delete, new DeleteRequest({ path: '/c0', version: 0 })),
  s('setData', OpCode.setData, new SetDataRequest({ path: '/a', data: Buffer.from('v1'), version: 0 })),
  s('setData bad version', OpCode.setData, new SetDataRequest({ path: '/a', data: Buffer.from('v2'), version: 0 })),
  s('setData config', OpCode.setData, new SetDataRequest({ path: '/zookeeper/config', data: Buffer.from('x'), version: -1 })),
  s('setData bad path', OpCode.setData, new SetDataRequest({ path: 'rel', data: null, version: -1 })),
  s('setACL', OpCode.setACL, new SetACLRequest({ path: '/a', acl: OPEN(), version: 0 })),
  s('setACL bad version', OpCode.setACL, new SetACLRequest({ path: '/a', acl: OPEN(), version: 0 })),
  s('check bare ok', OpCode.check, new CheckVersionRequest({ path: '/a', version: 1 })),
  s('check bare bad', OpCode.check, new CheckVersionRequest({ path: '/a', version: 7 })),
  s('exists missing', OpCode.exists, new ExistsRequest({ path: '/nope', watch: false })),
  s('exists', OpCode.exists, new ExistsRequest({ path: '/a', watch: false })),
  s('getData', OpCode.getData, new GetDataRequest({ path: '/b', watch: false })),
  s('getData missing', OpCode.getData, new GetDataRequest({ path: '/nope', watch: false })),
  s('getChildren2', OpCode.getChildren2, new GetChildren2Request({ path: '/b', watch: false })),
  s('getAllChildrenNumber', OpCode.getAllChildrenNumber, new GetAllChildrenNumberRequest({ path: '/b' })),
  s('getEphemerals', OpCode.getEphemerals, new GetEphemeralsRequest({ prefixPath: '/e' })),
  s('getACL', OpCode.getACL, new GetACLRequest({ path: '/ipnode' })),
  s('whoAmI', OpCode.whoAmI, null),
  s('sync', OpCode.sync, new SyncRequest({ path: '/a' })),
  s('reconfig', OpCode.reconfig, new ReconfigRequest({ joiningServers: null, leavingServers: '1', newMembers: null, curConfigId: -1n })),
  s('checkWatches none', OpCode.checkWatches, new CheckWatchesRequest({ path: '/a', type: 2 })),
  s('checkWatches type 9', OpCode.checkWatches, new CheckWatchesRequest({ path: '/a', type: 9 })),
  s('getData watch', OpCode.getData, new GetDataRequest({ path: '/a', watch: true })),
  s('checkWatches data', OpCode.checkWatches, new CheckWatchesRequest({ path: '/a', type: 2 })),
  s('checkWatches child', OpCode.checkWatches, new CheckWatchesRequest({ path: '/a', type: 1 })),
  s('removeWatches any', OpCode.removeWatches, new RemoveWatchesRequest({ path: '/a', type: 3 })),
  s('removeWatches again', OpCode.removeWatches, new RemoveWatchesRequest({ path: '/a', type: 3 })),
  s('addWatch', OpCode.addWatch, new AddWatchRequest({ path: '/pw', mode: 1 })),
  s('addWatch bad mode', OpCode.addWatch, new AddWatchRequest({ path: '/pw', mode: 7 })),
  s('checkWatches persistent', OpCode.checkWatches, new CheckWatchesRequest({ path: '/pw', type: 3 })),
  multi('multi ok', [
    { op: 'create', path: '/m', type: OpCode.create },
    { op: 'create', path: '/m/1', type: OpCode.create2 },
    { op: 'setData', path: '/m', data: 'x' },
    { op: 'check', path: '/m', version: 1 },
    { op: 'create', path: '/m/c', flags: CreateMode.CONTAINER },
    { op: 'create', path: '/m/t', flags: 5, ttl: 1000n },
    { op: 'delete', path: '/m/1' },
  ]),
  multi('multi fails mid-way', [
    { op: 'create', path: '/n', type: OpCode.create },
    { op: 'create', path: '/n', type: OpCode.create },
    { op: 'setData', path: '/a' },
  ]),
  multi('multi seq then fail', [
    { op: 'create', path: '/b/s-', flags: CreateMode.PERSISTENT_SEQUENTIAL, type: OpCode.create },
    { op: 'delete', path: '/nope' },
  ]),
  s('seq after failed multi', OpCode.create, cr('/b/s-', CreateMode.PERSISTENT_SEQUENTIAL)),
  multi('multi ttl flags under create header', [{ op: 'create', path: '/mt', flags: 5, type: OpCode.create }]),
  multi('multi ttl header with plain flags', [{ op: 'create', path: '/mt2', flags: 0, type: OpCode.createTTL, ttl: 9n }]),
  multi('multi with a read op', [{ op: 'getData', path: '/a' }]),
  multi('empty multi', []),
  s('truncated multi', OpCode.multi, Buffer.from([0, 0, 0, 1, 0, 0xff, 0xff])),
  s('multi unknown op', OpCode.multi, Buffer.from([0, 0, 0, 5, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0x2f, 0, 0, 0, 0, 0, 0, 0, 0])),
  multi('multiRead', [
    { op: 'getData', path: '/a' },
    { op: 'getData', path: '/nope' },
    { op: 'getChildren', path: '/b' },
  ], OpCode.multiRead),
  multi('multiRead with a write', [{ op: 'create', path: '/z' }], OpCode.multiRead),
  s('protected node', OpCode.create, cr('/p', 0, [A(Perms.READ, 'digest', generateDigest(USER)), A(Perms.CREATE, 'ip', '10.0.0.0/8')])),
  s('read protected', OpCode.getData, new GetDataRequest({ path: '/p', watch: false })),
  s('getACL protected', OpCode.getACL, new GetACLRequest({ path: '/p' })),
  s('exists protected', OpCode.exists, new ExistsRequest({ path: '/p', watch: false })),
  s('auth', OpCode.auth, new AuthPacket({ type: 0, scheme: 'digest', auth: Buffer.from(USER) }), Xid.auth),
  s('read protected with auth', OpCode.getData, new GetDataRequest({ path: '/p', watch: false })),
  s('getACL redacted', OpCode.getACL, new GetACLRequest({ path: '/p' })),
  s('create under protected', OpCode.create, cr('/p/k')),
  s('delete protected', OpCode.delete, new DeleteRequest({ path: '/p', version: -1 })),
  s('setData protected', OpCode.setData, new SetDataRequest({ path: '/p', data: null, version: -1 })),
  s('create with auth acl', OpCode.create, cr('/mine', 0, [A(Perms.ALL, 'auth', '')])),
  s('getACL auth expanded', OpCode.getACL, new GetACLRequest({ path: '/mine' })),
  s('whoAmI after auth', OpCode.whoAmI, null),
  s('super auth', OpCode.auth, new AuthPacket({ type: 0, scheme: 'digest', auth: Buffer.from('root:rootpw') }), Xid.auth),
  s('setData protected as super', OpCode.setData, new SetDataRequest({ path: '/p', data: Buffer.from('s'), version: -1 })),
  s('getACL as super', OpCode.getACL, new GetACLRequest({ path: '/p' })),
  s('closeSession', OpCode.closeSession, null),
];

/** Sent back to back without waiting: Java's prep runs ahead of its final. */
const PIPELINED: Step[] = [
  s('pl create', OpCode.create, cr('/pl')),
  s('pl seq 1', OpCode.create, cr('/pl/s-', CreateMode.PERSISTENT_SEQUENTIAL)),
  s('pl child of pending', OpCode.create2, cr('/pl/kid')),
  multi('pl failing multi with seq', [
    { op: 'create', path: '/pl/s-', flags: CreateMode.PERSISTENT_SEQUENTIAL, type: OpCode.create },
    { op: 'create', path: '/pl', type: OpCode.create },
  ]),
  s('pl seq 2', OpCode.create, cr('/pl/s-', CreateMode.PERSISTENT_SEQUENTIAL)),
  s('pl setData v0', OpCode.setData, new SetDataRequest({ path: '/pl', data: Buffer.from('1'), version: 0 })),
  s('pl setData v1', OpCode.setData, new SetDataRequest({ path: '/pl', data: Buffer.from('2'), version: 1 })),
  s('pl setData stale', OpCode.setData, new SetDataRequest({ path: '/pl', data: Buffer.from('3'), version: 1 })),
  s('pl delete kid', OpCode.delete, new DeleteRequest({ path: '/pl/kid', version: -1 })),
  s('pl recreate kid', OpCode.create, cr('/pl/kid', CreateMode.EPHEMERAL)),
  s('pl eph', OpCode.create, cr('/pl/e', CreateMode.EPHEMERAL_SEQUENTIAL)),
  s('pl read', OpCode.getChildren2, new GetChildren2Request({ path: '/pl', watch: false })),
  s('pl close', OpCode.closeSession, null),
];

/** Java lists these in HashSet order; the order carries no meaning. */
const UNORDERED = new Set(['children', 'ephemerals', 'clientInfo']);

/** Responses as comparable values: times differ between the two servers. */
function mask(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(mask);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v)) {
      if (k === 'ctime' || k === 'mtime') out[k] = '<time>';
      else if (UNORDERED.has(k) && Array.isArray(e)) out[k] = e.map(mask).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      else out[k] = mask(e);
    }
    return out;
  }
  return v;
}

function summarize(op: number, err: number, zxid: bigint, body: Buffer): unknown {
  let rsp: unknown = null;
  if (body.length > 0) {
    try {
      rsp = mask(decodeResponse(op === OpCode.auth ? -999 : op, body)?.toJSON() ?? `<${body.length} bytes>`);
    } catch (e) {
      rsp = `<undecodable: ${(e as Error).message}>`;
    }
  }
  return { err, zxid: zxid.toString(), rsp };
}

/** deserializeTxn, plus the bare check txn that Java writes but cannot read back itself. */
function readEntry(b: Buffer): TxnEntry {
  const hdr = readRecord(TxnHeader, b);
  if (hdr.type !== OpCode.check) return deserializeTxn(b);
  const ia = new BinaryInputArchive(b, undefined, encode(hdr).length);
  const txn = CheckVersionTxn.deserialize(ia);
  return { hdr, txn, digest: ia.remaining > 0 ? TxnDigest.deserialize(ia) : null };
}

/** The txns of a FileTxnLog: 16-byte file header, then (crc, length, txn, 'B') until zeros. */
function readJavaLog(dataDir: string): TxnEntry[] {
  const dir = join(dataDir, 'version-2');
  const out: TxnEntry[] = [];
  for (const f of readdirSync(dir).filter((n) => n.startsWith('log.')).sort()) {
    const buf = readFileSync(join(dir, f));
    let at = 16;
    while (at + 12 <= buf.length) {
      const len = buf.readInt32BE(at + 8);
      if (len <= 0) break;
      out.push(readEntry(buf.subarray(at + 12, at + 12 + len)));
      at += 12 + len + 1;
    }
  }
  return out;
}

/** A logged txn as comparable bytes: the header without its wall-clock time. */
function logged(e: TxnEntry): string {
  if (e.txn instanceof CloseSessionTxn) {
    // Java lists the ephemerals in HashSet order.
    e = { ...e, txn: new CloseSessionTxn({ paths2Delete: [...(e.txn.paths2Delete ?? [])].sort() }) };
  }
  const hdr = new TxnHeader({ clientId: e.hdr.clientId, cxid: e.hdr.cxid, zxid: e.hdr.zxid, time: 0n, type: e.hdr.type });
  return serializeTxn({ hdr, txn: e.txn, digest: e.digest ?? null }).toString('hex');
}

describeJava('the processors answer like Apache ZooKeeper 3.8', () => {
  let zk: JavaZooKeeper;
  let client: RawClient;

  beforeAll(async () => {
    zk = await startJavaZooKeeper({ superUser: 'root:rootpw' });
    client = await RawClient.connect(zk.host, zk.port, { timeout: 4000 });
  }, 60000);

  afterAll(async () => {
    client?.destroy();
    await zk?.stop();
  });

  test('for every request of the script', async () => {
    const javaOut: unknown[] = [];
    const xids = STEPS.map((st, i) => st.xid ?? i + 1);
    for (const [i, st] of STEPS.entries()) {
      const body = st.body === null ? Buffer.alloc(0) : Buffer.isBuffer(st.body) ? st.body : encode(st.body);
      const reply = client.requestBytes(st.op, body, { xid: xids[i] });
      // A request Java never answers (a bare check that passes) must not stall the script.
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([reply, new Promise<null>((res) => (timer = setTimeout(() => res(null), 3000)))]);
      clearTimeout(timer);
      javaOut.push([st.label, r === null ? '<no reply>' : summarize(st.op, r.err, r.zxid, r.body)]);
    }

    // Node digests cover ctime / mtime: replay each txn at the time Java gave it.
    const javaLog = readJavaLog(zk.dataDir);
    const timeOf = new Map(javaLog.map((e) => [e.hdr.zxid, Number(e.hdr.time)]));
    const h = new Harness({ extendedTypesEnabled: true, superDigest: generateDigest('root:rootpw') });
    const syncTime = () => (h.time = timeOf.get(h.hzxid + 1n) ?? h.time);
    syncTime();
    const cnxn = new FakeCnxn(client.sessionId);
    // The session's own createSession txn, zxid 1 on both sides.
    const timeout = Buffer.alloc(4);
    timeout.writeInt32BE(4000);
    const cs = new Request(cnxn, client.sessionId, 0, OpCode.createSession, timeout, [], h.time);
    h.prep.pRequest(cs);
    h.final.processRequest(cs);
    const ours: unknown[] = [];
    const ourTxns: TxnEntry[] = [{ hdr: cs.hdr!, txn: cs.txn, digest: cs.digest }];
    for (const [i, st] of STEPS.entries()) {
      const body = st.body === null ? Buffer.alloc(0) : Buffer.isBuffer(st.body) ? st.body : encode(st.body);
      if (st.op === OpCode.auth) {
        const code = h.providers.authenticate(cnxn, readRecord(AuthPacket, body));
        ours.push([st.label, summarize(st.op, code, 0n, Buffer.alloc(0))]);
        continue;
      }
      syncTime();
      const r = h.request(cnxn, st.op, body, cnxn.sessionId, xids[i]);
      h.prep.pRequest(r);
      if (r.hdr !== null) ourTxns.push({ hdr: r.hdr, txn: r.txn, digest: r.digest });
      const before = cnxn.responses.length;
      h.final.processRequest(r);
      const reply = cnxn.responses.length > before ? cnxn.last() : null;
      ours.push([st.label, reply ? summarize(st.op, reply.header.err, reply.header.zxid, reply.body ? encode(reply.body) : Buffer.alloc(0)) : '<no reply>']);
    }
    // A second session whose requests are all in flight at once.
    const client2 = await RawClient.connect(zk.host, zk.port, { timeout: 4000 });
    const pipelinedJava = await Promise.all(
      PIPELINED.map((st, i) => client2.requestBytes(st.op, stepBody(st), { xid: 1000 + i })),
    );
    client2.destroy();
    PIPELINED.forEach((st, i) => javaOut.push([st.label, summarize(st.op, pipelinedJava[i].err, pipelinedJava[i].zxid, pipelinedJava[i].body)]));
    const fullLog = readJavaLog(zk.dataDir);
    for (const e of fullLog) timeOf.set(e.hdr.zxid, Number(e.hdr.time));

    syncTime();
    const cnxn2 = new FakeCnxn(client2.sessionId);
    const cs2 = new Request(cnxn2, client2.sessionId, 0, OpCode.createSession, timeout, [], h.time);
    h.prep.pRequest(cs2);
    h.final.processRequest(cs2);
    ourTxns.push({ hdr: cs2.hdr!, txn: cs2.txn, digest: cs2.digest });
    const inFlight = PIPELINED.map((st, i) => {
      syncTime();
      const r = h.request(cnxn2, st.op, stepBody(st), cnxn2.sessionId, 1000 + i);
      h.prep.pRequest(r);
      if (r.hdr !== null) ourTxns.push({ hdr: r.hdr, txn: r.txn, digest: r.digest });
      return r;
    });
    for (const [i, r] of inFlight.entries()) {
      const before = cnxn2.responses.length;
      h.final.processRequest(r);
      const reply = cnxn2.responses[before];
      ours.push([PIPELINED[i].label, summarize(r.type, reply.header.err, reply.header.zxid, reply.body ? encode(reply.body) : Buffer.alloc(0))]);
    }

    expect(ours).toEqual(javaOut);
    expect(fullLog[fullLog.length - 1].hdr.type).toBe(OpCode.closeSession);
    expect((fullLog[fullLog.length - 1].txn as CloseSessionTxn).paths2Delete).toHaveLength(2);
    // And the txns — error txns, multi sub-txns and tree digests included — are Java's.
    expect(ourTxns.map(logged)).toEqual(fullLog.map(logged));
  }, 120000);
});
