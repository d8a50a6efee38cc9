import {
  AuthPacket,
  decode,
  GetACLRequest,
  GetACLResponse,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  type Stat,
} from '../../../lib/jute';
import { Code, OpCode } from '../../../lib/protocol';
import { RawClient } from '../../support/raw-client';

/** A node as a client sees it, with the Stat fields that must survive a restart (no times). */
export interface NodeView {
  data: string;
  stat: Record<string, string>;
  acl: string[];
  children: string[];
}

function statView(s: Stat): Record<string, string> {
  return {
    czxid: s.czxid.toString(16),
    mzxid: s.mzxid.toString(16),
    pzxid: s.pzxid.toString(16),
    version: String(s.version),
    cversion: String(s.cversion),
    aversion: String(s.aversion),
    ephemeralOwner: s.ephemeralOwner.toString(16),
    dataLength: String(s.dataLength),
    numChildren: String(s.numChildren),
  };
}

/**
 * Every node of a server's tree, read through the client port: data (base64), Stat
 * without ctime / mtime, ACL and sorted children. The three reads of a node are pipelined,
 * and a level's nodes go out together.
 */
export async function walkTree(host: string, port: number, opts: { auth?: Array<[string, string]> } = {}): Promise<Map<string, NodeView>> {
  const c = await RawClient.connect(host, port, { timeout: 30_000 });
  try {
    if (opts.auth?.length) {
      for (const [scheme, id] of opts.auth) {
        const r = await c.request(OpCode.auth, new AuthPacket({ type: 0, scheme, auth: Buffer.from(id) }), { xid: -4 });
        if (r.err !== Code.OK) throw new Error(`auth ${scheme} failed: ${r.err}`);
      }
    }
    const out = new Map<string, NodeView>();
    let level = ['/'];
    while (level.length > 0) {
      const views = await Promise.all(level.map((p) => readNode(c, p)));
      const next: string[] = [];
      level.forEach((p, i) => {
        const v = views[i];
        if (!v) return; // deleted meanwhile (a TTL or container reaped)
        out.set(p, v);
        for (const ch of v.children) next.push(p === '/' ? `/${ch}` : `${p}/${ch}`);
      });
      level = next;
    }
    return out;
  } finally {
    c.destroy();
  }
}

async function readNode(c: RawClient, path: string): Promise<NodeView | null> {
  const [d, a, ch] = await Promise.all([
    c.request(OpCode.getData, new GetDataRequest({ path, watch: false })),
    c.request(OpCode.getACL, new GetACLRequest({ path })),
    c.request(OpCode.getChildren, new GetChildrenRequest({ path, watch: false })),
  ]);
  if (d.err === Code.NONODE) return null;
  for (const r of [d, a, ch]) if (r.err !== Code.OK) throw new Error(`reading ${path}: error ${r.err}`);
  const data = decode(GetDataResponse, d.body);
  const acl = decode(GetACLResponse, a.body);
  const children = decode(GetChildrenResponse, ch.body);
  return {
    data: (data.data ?? Buffer.alloc(0)).toString('base64'),
    stat: statView(data.stat!),
    acl: (acl.acl ?? []).map((x) => `${x.perms}:${x.id!.scheme}:${x.id!.id}`),
    children: (children.children ?? []).map((c) => c ?? "").sort(),
  };
}

/** The differences between two walks, one line each (empty when equal). */
export function diffTrees(a: Map<string, NodeView>, b: Map<string, NodeView>, names = ['a', 'b']): string[] {
  const out: string[] = [];
  for (const [p, va] of a) {
    const vb = b.get(p);
    if (!vb) out.push(`${p}: only in ${names[0]}`);
    else if (JSON.stringify(va) !== JSON.stringify(vb)) out.push(`${p}: ${names[0]} ${JSON.stringify(va)} != ${names[1]} ${JSON.stringify(vb)}`);
  }
  for (const p of b.keys()) if (!a.has(p)) out.push(`${p}: only in ${names[1]}`);
  return out;
}
