import { GetSASLRequest, SyncRequest } from '../../../lib/jute';
import { OpCode } from '../../../lib/protocol';
import type { Dsl } from './dsl';

/**
 * Opcodes a client is not expected to send: deleteContainer (the server's own; its body is
 * just a path), sasl on a server without SASL, createSession on an open session.
 */
export async function unusualOpcodes(d: Dsl): Promise<void> {
  d.r.beginPart('unusual-opcodes');
  await d.r.connect('A', { timeout: 4000 });
  const A = 'A';
  await d.createContainer(A, '/dc', '');
  await d.r.op(A, OpCode.deleteContainer, new SyncRequest({ path: '/dc' }));
  await d.r.op(A, OpCode.deleteContainer, new SyncRequest({ path: '/d/big' }));
  await d.r.op(A, OpCode.deleteContainer, new SyncRequest({ path: '/d/none' }));
  await d.exists(A, '/dc');
  await d.r.op(A, OpCode.sasl, new GetSASLRequest({ token: Buffer.from('hello') }));
  await d.r.op(A, OpCode.createSession, null);
  await d.ping(A);
  await d.r.closeSession(A);
}
