import { startJavaZooKeeper, type JavaZooKeeperOptions } from './java-zookeeper';
import { startZoolabServer } from './zoolab-server';

/**
 * The servers an interop suite runs against: the real Apache ZooKeeper 3.8 and zoolab.
 * Every suite does `describe.each(targets)` so one test text holds both to the same
 * expectations. ZOOLAB_TARGETS=zookeeper (or zoolab) narrows the list.
 */
export type TargetName = 'zookeeper' | 'zoolab';

export type ServerOptions = Omit<JavaZooKeeperOptions, 'extraConfig' | 'startTimeoutMs'>;

export interface RunningServer {
  readonly target: TargetName;
  readonly host: string;
  readonly port: number;
  /** host:port, as clients take it. */
  readonly connectString: string;
  stop(): Promise<void>;
}

export interface Target {
  readonly name: TargetName;
  start(opts?: ServerOptions): Promise<RunningServer>;
}

const zookeeper: Target = {
  name: 'zookeeper',
  async start(opts = {}) {
    const zk = await startJavaZooKeeper(opts);
    return { target: 'zookeeper', host: zk.host, port: zk.port, connectString: `${zk.host}:${zk.port}`, stop: zk.stop };
  },
};

const zoolab: Target = {
  name: 'zoolab',
  async start(opts = {}) {
    const s = await startZoolabServer(opts);
    return { target: 'zoolab', host: s.host, port: s.port, connectString: `${s.host}:${s.port}`, stop: s.stop };
  },
};

export const allTargets: readonly Target[] = [zookeeper, zoolab];

function selectTargets(): Target[] {
  const wanted = (process.env.ZOOLAB_TARGETS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0) return [...allTargets];
  const unknown = wanted.filter((w) => !allTargets.some((t) => t.name === w));
  if (unknown.length) throw new Error(`ZOOLAB_TARGETS names unknown targets: ${unknown.join(', ')} (known: zookeeper, zoolab)`);
  return allTargets.filter((t) => wanted.includes(t.name));
}

export const targets: Target[] = selectTargets();

/** The real server, whatever ZOOLAB_TARGETS says: differential tests need it as the reference. */
export const referenceTarget: Target = zookeeper;
export const zoolabTarget: Target = zoolab;

/**
 * Starts one server for the enclosing describe block (beforeAll) and stops it afterwards,
 * even when tests fail. A server that cannot start fails every test of the block.
 * `atStop(fn)` registers teardown that must run while the server is still up (closing
 * clients that would otherwise retry a dead server forever): jest runs afterAll hooks in
 * declaration order, so a test file's own afterAll would come too late.
 */
export interface ServerHandle {
  (): RunningServer;
  atStop(fn: () => Promise<void> | void): void;
}

export function useServer(target: Target, opts: ServerOptions = {}): ServerHandle {
  let server: RunningServer | undefined;
  const teardown: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    server = await target.start(opts);
  }, 60000);
  afterAll(async () => {
    try {
      for (const fn of teardown.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined);
    } finally {
      await server?.stop();
    }
  }, 30000);
  const get = (() => {
    if (!server) throw new Error(`${target.name} server did not start`);
    return server;
  }) as ServerHandle;
  get.atStop = (fn) => teardown.push(fn);
  return get;
}
