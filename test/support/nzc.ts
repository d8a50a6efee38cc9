/**
 * Promise wrappers over node-zookeeper-client 1.1.3 (callback API, no type definitions).
 * Errors resolve as `{ error: 'NO_NODE' }` style values so tests can compare outcomes.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const zookeeper: any = require('node-zookeeper-client');

export type Outcome<T> = { ok: T } | { error: string };

export interface NzcEvent {
  type: number;
  name: string;
  path: string;
}

export function connectNzc(connectString: string, options: Record<string, unknown> = {}): Promise<any> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: 4000, spinDelay: 100, retries: 0, ...options });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new Error(`node-zookeeper-client did not connect to ${connectString}`));
    }, 10000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.connect();
  });
}

/** Calls a callback-style method; resolves {ok: result} or {error: exception name}. */
export function call<T = unknown>(client: any, method: string, ...args: unknown[]): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    client[method](...args, (error: any, ...results: unknown[]) => {
      if (error) resolve({ error: typeof error.getName === 'function' ? error.getName() : String(error) });
      else resolve({ ok: (results.length <= 1 ? results[0] : results) as T });
    });
  });
}

/** Like call, but rejects on error: for steps that must succeed. */
export async function must<T = unknown>(client: any, method: string, ...args: unknown[]): Promise<T> {
  const r = await call<T>(client, method, ...args);
  if ('error' in r) throw new Error(`${method}(${JSON.stringify(args[0])}) failed: ${r.error}`);
  return r.ok;
}

/** A watcher function and a promise of its (single) event. */
export function watcher(): { fn: (e: any) => void; event: Promise<NzcEvent> } {
  let fn!: (e: any) => void;
  const event = new Promise<NzcEvent>((resolve) => {
    fn = (e: any) => resolve({ type: e.getType(), name: e.getName(), path: e.getPath() });
  });
  return { fn, event };
}

export function closeNzc(client: any): Promise<void> {
  return new Promise((resolve) => {
    if (client.getState() === zookeeper.State.DISCONNECTED) return resolve();
    const timer = setTimeout(resolve, 2000);
    client.once('disconnected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.close();
  });
}

/** The fields of a Stat that do not depend on time or on the session. */
export function statShape(s: any): Record<string, unknown> {
  return {
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    dataLength: s.dataLength,
    numChildren: s.numChildren,
    ephemeral: !s.ephemeralOwner.equals(Buffer.alloc(8)),
  };
}
