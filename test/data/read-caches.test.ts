import { DataTree } from '../../lib/data/data-tree';
import { DataNode, encodedChildNames } from '../../lib/data/data-node';
import { calculateDigest } from '../../lib/data/digest-calculator';
import { NodeHashMap } from '../../lib/data/node-hash-map';
import { BinaryInputArchive } from '../../lib/jute/binary-input-archive';
import { GetChildrenResponse } from '../../lib/jute/records/proto';
import { StatPersisted } from '../../lib/jute/records/data';
import { OPEN } from './tree-helpers';

function tree(): DataTree {
  const t = new DataTree();
  t.createNode('/p', null, OPEN(), 0n, -1, 1n, 1n);
  t.createNode('/p/a', null, OPEN(), 0n, -1, 2n, 2n);
  t.createNode('/p/b', null, OPEN(), 0n, -1, 3n, 3n);
  return t;
}

describe("a node's child names, as replies share them", () => {
  it('are one frozen list until the children change, then a new one', () => {
    const t = tree();
    const first = t.getChildNames('/p', null, null);
    expect(first).toEqual(['a', 'b']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(t.getChildNames('/p', null, null)).toBe(first);
    t.createNode('/p/c', null, OPEN(), 0n, -1, 4n, 4n);
    expect(t.getChildNames('/p', null, null)).toEqual(['a', 'b', 'c']);
    t.deleteNode('/p/a', 5n);
    expect(t.getChildNames('/p', null, null)).toEqual(['b', 'c']);
    expect(first).toEqual(['a', 'b']);
  });

  it('encode as GetChildrenResponse would encode them', () => {
    const names = tree().getChildNames('/p', null, null);
    const decoded = GetChildrenResponse.deserialize(new BinaryInputArchive(encodedChildNames(names)));
    expect(decoded.children).toEqual(['a', 'b']);
    expect(encodedChildNames(names)).toBe(encodedChildNames(names));
  });
});

describe("NodeHashMap's recently used nodes", () => {
  it('never answer for a node that was removed or replaced', () => {
    const m = new NodeHashMap();
    const a = new DataNode(null, -1n, new StatPersisted());
    const b = new DataNode(null, -1n, new StatPersisted());
    m.put('/x', a);
    expect(m.getForChange('/x')).toBe(a);
    m.remove('/x');
    expect(m.get('/x')).toBeUndefined();
    expect(m.getForChange('/x')).toBeUndefined();
    m.insert('/x', b);
    expect(m.get('/x')).toBe(b);
    expect(m.getForChange('/x')).toBe(b);
    m.put('/x', a);
    expect(m.get('/x')).toBe(a);
    expect(m.getForChange('/x')).toBe(a);
    m.clear();
    expect(m.get('/x')).toBeUndefined();
  });

  it('hold the nodes prep will change, not every node looked up', () => {
    const m = new NodeHashMap();
    const recent = (): Map<string, DataNode> => (m as unknown as { recent: Map<string, DataNode> }).recent;
    for (let i = 0; i < 10; i++) m.put(`/n${i}`, new DataNode(null, -1n, new StatPersisted()));
    for (let i = 0; i < 10; i++) expect(m.get(`/n${i}`)).toBeDefined();
    expect(recent().size).toBe(0);
    const n3 = m.getForChange('/n3');
    expect(recent().get('/n3')).toBe(n3);
    expect(m.get('/n3')).toBe(n3);
    expect(recent().size).toBe(1);
  });

  it('keep the tree digest what a map without them computes', () => {
    const m = new NodeHashMap();
    let expected = 0n;
    for (let i = 0; i < 5000; i++) {
      const data = Buffer.alloc(200, i % 251);
      const node = new DataNode(data, -1n, new StatPersisted({ czxid: BigInt(i) }));
      m.put(`/n${i}`, node);
      m.getForChange(`/n${i}`);
      expected = BigInt.asIntN(64, expected + calculateDigest(`/n${i}`, data, node.stat));
    }
    expect(m.getDigest()).toBe(expected);
  });
});

describe('digests of the same data twice', () => {
  it('are the same whether the data was seen before or not, and wherever it sits', () => {
    const data = Buffer.alloc(4096, 7);
    const stat = new StatPersisted({ czxid: 5n, mzxid: 6n, version: 3 });
    const once = calculateDigest('/a', data, stat);
    expect(calculateDigest('/a', data, stat)).toBe(once);
    expect(calculateDigest('/b', data, stat)).toBe(calculateDigest('/b', Buffer.from(data), stat));
    expect(calculateDigest('/b', data, stat)).not.toBe(once);
  });
});
