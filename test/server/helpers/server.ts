import { silentLogger } from '../../../lib/core/logger';
import type { ServerConfig } from '../../../lib/config/server-config';
import type { StandaloneServer, StandaloneServerOptions } from '../../../lib/server';
import { startDefaultStandaloneServer, type DefaultPluginOptions } from '../../../plugins/defaults';
import { RawClient, type RawConnectOptions } from '../../support/raw-client';

/** Servers and clients a test started; stopAll() in afterEach cleans up even after a failure. */
export class TestWorld {
  private readonly servers: StandaloneServer[] = [];
  private readonly clients: RawClient[] = [];
  private readonly cleanups: Array<() => void | Promise<void>> = [];

  async server(cfg: Partial<ServerConfig> = {}, opts: StandaloneServerOptions & DefaultPluginOptions = {}): Promise<StandaloneServer> {
    const s = await startDefaultStandaloneServer(
      { clientPort: 0, clientPortAddress: '127.0.0.1', tickTime: 100, ...cfg },
      { logger: silentLogger, ...opts },
    );
    this.servers.push(s);
    return s;
  }

  async client(s: StandaloneServer, opts: RawConnectOptions = {}): Promise<RawClient> {
    const c = await RawClient.connect(s.host, s.port, opts);
    this.clients.push(c);
    return c;
  }

  async open(s: StandaloneServer): Promise<RawClient> {
    const c = await RawClient.open(s.host, s.port);
    this.clients.push(c);
    return c;
  }

  onCleanup(f: () => void | Promise<void>): void {
    this.cleanups.push(f);
  }

  async stopAll(): Promise<void> {
    for (const c of this.clients.splice(0)) c.destroy();
    for (const f of this.cleanups.splice(0)) await f();
    for (const s of this.servers.splice(0)) await s.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `f` is true or `ms` passes. */
export async function eventually(f: () => boolean | Promise<boolean>, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await f()) return;
    await sleep(20);
  }
  throw new Error(`${what} not reached within ${ms} ms`);
}
