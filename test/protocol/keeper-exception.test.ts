import { NodeExistsError } from '../../lib/client/errors';
import { Code, KeeperException } from '../../lib/protocol/keeper-exception';

function nested(depth: number, make: () => Error): Error {
  return depth === 0 ? make() : nested(depth - 1, make);
}

describe('KeeperException', () => {
  test("the server's carries its code, path and message but no stack frames", () => {
    const e = nested(20, () => new KeeperException(Code.NODEEXISTS, '/a/b'));
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(KeeperException);
    expect((e as KeeperException).code).toBe(Code.NODEEXISTS);
    expect((e as KeeperException).path).toBe('/a/b');
    expect(e.message).toBe('KeeperErrorCode = NodeExists for /a/b');
    expect(e.stack).toBe('KeeperException: KeeperErrorCode = NodeExists for /a/b');
  });

  test("the client's subclasses keep the frames that lead to the call", () => {
    const e = nested(3, () => new NodeExistsError('/a'));
    expect(e.stack).toMatch(/\n\s+at nested /);
    expect(e.message).toBe('KeeperErrorCode = NodeExists for /a');
  });

  test('Error.stackTraceLimit is left as it was, for every other error', () => {
    const before = Error.stackTraceLimit;
    new KeeperException(Code.NONODE);
    expect(Error.stackTraceLimit).toBe(before);
    expect(nested(3, () => new Error('plain')).stack).toMatch(/\n\s+at nested /);
  });
});
