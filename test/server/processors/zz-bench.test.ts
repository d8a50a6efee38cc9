import { CreateRequest, GetDataRequest, SetDataRequest } from '../../../lib/jute/records/proto';
import { OpCode } from '../../../lib/protocol';
import { Harness, open } from './harness';
test('bench', () => {
  for (const digestEnabled of [true, false]) {
    const h = new Harness({ digestEnabled });
    const c = h.client(1n);
    const N = 30000;
    let t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) h.submit(c, OpCode.create, new CreateRequest({ path: `/n${i}`, data: Buffer.alloc(100), acl: open(), flags: 0 }));
    const create = Number(process.hrtime.bigint() - t) / N;
    t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) h.submit(c, OpCode.setData, new SetDataRequest({ path: `/n${i}`, data: Buffer.alloc(100), version: -1 }));
    const set = Number(process.hrtime.bigint() - t) / N;
    t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) h.submit(c, OpCode.getData, new GetDataRequest({ path: `/n${i}`, watch: false }));
    const get = Number(process.hrtime.bigint() - t) / N;
    console.log(`digest=${digestEnabled} ns/op (incl. encode of request): create ${create.toFixed(0)} setData ${set.toFixed(0)} getData ${get.toFixed(0)}`);
  }
});
