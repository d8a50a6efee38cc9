import fc from 'fast-check';
import { Id } from '../../lib/jute/records/data';
import { SetDataTxn, TxnDigest, TxnHeader } from '../../lib/jute/records/txn';
import { QuorumPacket } from '../../lib/jute/records/quorum';
import { OpCode } from '../../lib/protocol';
import { Request } from '../../lib/server/request';
import { deserializeTxn, serializeTxn } from '../../lib/persistence/txn-serde';
import { ByteQueue } from '../../lib/quorum/zab/byte-queue';
import { CommittedLog } from '../../lib/quorum/zab/committed-log';
import { encodeBarePacket, encodeProposal, encodeRequest } from '../../lib/quorum/zab/packet-encoding';
import { PacketType } from '../../lib/quorum/zab/packet-types';
import { QuorumConnectionClosedError, QuorumPacketChannel, QuorumReadTimeoutError, encodeQuorumPacket, quorumPacket } from '../../lib/quorum/zab/quorum-packet-channel';
import { quorumPacketSize } from '../../lib/quorum/zab/quorum-packet-size';
import { makeZxid } from '../../lib/quorum/zab/zxid';
import { SeededRandom } from '../../lib/core/random';
import { quorumConnectionPair } from './quorum-connection-pair';

const entry = (counter: number) => ({
  hdr: new TxnHeader({ clientId: 0x55n, cxid: counter, zxid: makeZxid(3n, BigInt(counter)), time: 1700n, type: OpCode.setData }),
  txn: new SetDataTxn({ path: `/k${counter}`, data: Buffer.alloc(1024, counter), version: 2 }),
  digest: new TxnDigest({ version: 2, treeDigest: 77n }),
});

describe('quorum packets made in one pass are the bytes the record encoder makes', () => {
  it('encodes a PROPOSAL with the txn serialized straight into the packet', () => {
    const e = entry(7);
    const { packet, encoded } = encodeProposal(e);
    expect(encoded.equals(encodeQuorumPacket(quorumPacket(PacketType.PROPOSAL, e.hdr.zxid, serializeTxn(e))))).toBe(true);
    expect(packet.type).toBe(PacketType.PROPOSAL);
    expect(packet.zxid).toBe(e.hdr.zxid);
    expect(deserializeTxn(packet.data!).hdr.cxid).toBe(7);
  });

  it('encodes a forwarded REQUEST with its session, cxid, type, body and auth', () => {
    const auth = [new Id({ scheme: 'digest', id: 'u:x' }), new Id({ scheme: 'ip', id: '127.0.0.1' })];
    const r = new Request(null, -5n, 42, OpCode.create, Buffer.from('body bytes'), auth, 0);
    const head = Buffer.alloc(16);
    head.writeBigInt64BE(-5n, 0);
    head.writeInt32BE(42, 8);
    head.writeInt32BE(OpCode.create, 12);
    const old = encodeQuorumPacket(quorumPacket(PacketType.REQUEST, -1n, Buffer.concat([head, r.body]), auth));
    expect(encodeRequest(r).equals(old)).toBe(true);
  });
});

describe('a bare packet (ACK, COMMIT)', () => {
  it('is the record encoder\'s 20 bytes', () => {
    for (const zxid of [0n, makeZxid(7n, 9n), -1n]) {
      expect(encodeBarePacket(PacketType.ACK, zxid).equals(encodeQuorumPacket(quorumPacket(PacketType.ACK, zxid)))).toBe(true);
    }
  });
});

describe('the size of a quorum packet is known from its length prefixes', () => {
  const samples = [
    quorumPacket(PacketType.PING, 5n),
    quorumPacket(PacketType.ACK, 9n, Buffer.alloc(0)),
    quorumPacket(PacketType.REQUEST, -1n, Buffer.alloc(300, 1), [new Id({ scheme: 'digest', id: 'a:b' }), new Id({ scheme: 'x', id: null })]),
  ];

  it('gives every prefix of a packet a size past it, and the whole packet its own', () => {
    for (const qp of samples) {
      const bytes = encodeQuorumPacket(qp);
      const padded = Buffer.concat([Buffer.alloc(3), bytes]);
      expect(quorumPacketSize(padded, 3, 1 << 20)).toBe(bytes.length);
      for (let cut = 0; cut < bytes.length; cut++) {
        const size = quorumPacketSize(padded.subarray(0, 3 + cut), 3, 1 << 20);
        expect(size).toBeGreaterThan(cut);
        expect(size).toBeLessThanOrEqual(bytes.length);
      }
    }
  });

  it('leaves a length jute refuses to the reader (0)', () => {
    const bad = Buffer.from('00000002' + '0000000000000001' + '7fffffff', 'hex');
    expect(quorumPacketSize(bad, 0, 1024)).toBe(0);
    const negative = Buffer.from('00000002' + '0000000000000001' + 'fffffff0', 'hex');
    expect(quorumPacketSize(negative, 0, 1024)).toBe(0);
  });

  it('lets a ByteQueue read back to back packets cut at every byte', () => {
    const bytes = Buffer.concat(samples.map(encodeQuorumPacket));
    const rnd = new SeededRandom(5);
    const q = new ByteQueue(1 << 20);
    const got: QuorumPacket[] = [];
    for (let off = 0; off < bytes.length; ) {
      const n = 1 + rnd.int(40);
      q.push(bytes.subarray(off, off + n));
      off += n;
      for (;;) {
        const qp = q.tryRead((ia) => QuorumPacket.deserialize(ia), (b, s) => quorumPacketSize(b, s, 1 << 20));
        if (qp === undefined) break;
        got.push(qp);
      }
    }
    expect(got.map((p) => p.type)).toEqual(samples.map((p) => p.type));
    expect(got[2].authinfo!.map((i) => i.id)).toEqual(['a:b', null]);
    expect(q.length).toBe(0);
  });

  it('reads any packets however the stream is cut and however many chunks wait, with or without sizes', () => {
    const packet = fc
      .tuple(fc.integer({ min: 1, max: 20 }), fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }), fc.option(fc.uint8Array({ maxLength: 5000 }), { nil: null }), fc.boolean())
      .map(([type, zxid, data, auth]) =>
        quorumPacket(type, zxid, data === null ? null : Buffer.from(data), auth ? [new Id({ scheme: 'digest', id: 'u:p' })] : null),
      );
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 20 }), fc.boolean(), (packets, cuts, sized) => {
        const bytes = Buffer.concat(packets.map(encodeQuorumPacket));
        const q = new ByteQueue(1 << 20);
        const got: QuorumPacket[] = [];
        const drainReads = (): void => {
          for (;;) {
            const qp = q.tryRead((ia) => QuorumPacket.deserialize(ia), sized ? (b, s) => quorumPacketSize(b, s, 1 << 20) : undefined);
            if (qp === undefined) break;
            got.push(qp);
          }
        };
        let i = 0;
        for (let off = 0; off < bytes.length; i++) {
          const n = cuts[i % cuts.length];
          q.push(bytes.subarray(off, off + n));
          off += n;
          // Now and then several chunks queue up before anyone reads.
          if (i % 3 !== 1) drainReads();
        }
        drainReads();
        expect(got.map((p) => [p.type, p.zxid, p.data === null ? null : p.data.toString('hex'), p.authinfo?.length ?? -1])).toEqual(
          packets.map((p) => [p.type, p.zxid, p.data === null ? null : p.data.toString('hex'), p.authinfo?.length ?? -1]),
        );
        expect(q.length).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the committed log serializes a txn only when it is read', () => {
  it('keeps entries and packets alike, oldest first, as PROPOSALs', () => {
    const log = new CommittedLog(3);
    log.add(entry(1));
    log.add(encodeProposal(entry(2)).packet);
    log.add(entry(3));
    log.add(entry(3));
    log.add(entry(4));
    expect(log.minCommittedLog).toBe(makeZxid(3n, 2n));
    expect(log.maxCommittedLog).toBe(makeZxid(3n, 4n));
    const packets = [...log];
    expect(packets.map((p) => p.type)).toEqual([PacketType.PROPOSAL, PacketType.PROPOSAL, PacketType.PROPOSAL]);
    expect(packets.map((p) => deserializeTxn(p.data!).hdr.cxid)).toEqual([2, 3, 4]);
    expect([...log][1]).toBe(packets[1]);
  });
});

describe('QuorumPacketChannel.readEach hands over packets as they come', () => {
  it('delivers each packet in order, and times out only after a whole quiet timeout', async () => {
    const { clock, client, server } = await quorumConnectionPair();
    const ch = new QuorumPacketChannel(server, clock);
    const seen: bigint[] = [];
    let err: unknown = null;
    void ch.readEach(500, (qp) => void seen.push(qp.zxid)).catch((e) => (err = e));
    for (let i = 1; i <= 3; i++) client.write(encodeQuorumPacket(quorumPacket(PacketType.ACK, BigInt(i))));
    await clock.runFor(300);
    expect(seen).toEqual([1n, 2n, 3n]);
    client.write(encodeQuorumPacket(quorumPacket(PacketType.ACK, 4n)));
    await clock.runFor(300);
    expect(err).toBeNull();
    expect(seen).toEqual([1n, 2n, 3n, 4n]);
    await clock.runFor(300);
    expect(err).toBeInstanceOf(QuorumReadTimeoutError);
    expect(ch.packetsReceived).toBe(4);
  });

  it('fails with what the handler threw and closes the connection', async () => {
    const { clock, client, server } = await quorumConnectionPair();
    const ch = new QuorumPacketChannel(server, clock);
    let err: unknown = null;
    const seen: bigint[] = [];
    void ch
      .readEach(10_000, (qp) => {
        seen.push(qp.zxid);
        if (qp.zxid === 2n) throw new Error('bad commit');
      })
      .catch((e) => (err = e));
    client.write(Buffer.concat([1n, 2n, 3n].map((zx) => encodeQuorumPacket(quorumPacket(PacketType.COMMIT, zx)))));
    await clock.runFor(50);
    expect((err as Error).message).toBe('bad commit');
    expect(seen).toEqual([1n, 2n]);
    expect(server.isOpen).toBe(false);
  });

  it('fails when the other end closes', async () => {
    const { clock, client, server } = await quorumConnectionPair();
    const ch = new QuorumPacketChannel(server, clock);
    let err: unknown = null;
    void ch.readEach(10_000, () => undefined).catch((e) => (err = e));
    client.close();
    await clock.runFor(50);
    expect(err).toBeInstanceOf(QuorumConnectionClosedError);
  });
});
