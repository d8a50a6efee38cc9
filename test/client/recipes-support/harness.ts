import type { Observable } from 'rxjs';
import { CreateMode, type ZooKeeper, type ZooKeeperOptions } from '../../../lib/client';
import { fourLetterWord } from '../../support/four-letter';
import { useServer, type RunningServer, type Target } from '../../support/targets';
import { Clients, sleep } from '../support/helpers';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

/**
 * One server per describe block (tickTime 200: sessions from 400 ms to 4 s), clients that
 * are closed after every test, and TCP proxies a test can cut to fail the network under a
 * client without touching the server.
 */
export interface RecipeHarness {
  server(): RunningServer;
  /** A client straight to the server. */
  connect(opts?: ZooKeeperOptions): Promise<ZooKeeper>;
  /** A client through its own proxy, and the proxy. */
  connectViaProxy(opts?: ZooKeeperOptions): Promise<{ zk: ZooKeeper; proxy: TcpProxy }>;
  /** Session id → paths it watches, from `wchc`. */
  watchesBySession(): Promise<Map<string, string[]>>;
  /**
   * Cuts a proxied client off until the server has expired its session (seen as the
   * session's ephemeral marker node vanishing), then lets it reconnect to hear so.
   */
  cutUntilExpired(zk: ZooKeeper, proxy: TcpProxy): Promise<void>;
}

export function useRecipeHarness(target: Target): RecipeHarness {
  const server = useServer(target, { tickTime: 200 });
  const clients = new Clients();
  const proxies: TcpProxy[] = [];
  server.atStop(() => clients.closeAll());
  afterEach(async () => {
    await clients.closeAll();
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });
  return {
    server,
    connect: (opts) => clients.connect(server().connectString, opts),
    async connectViaProxy(opts) {
      const proxy = await startTcpProxy(server().host, server().port);
      proxies.push(proxy);
      return { zk: await clients.connect(proxy.address, opts), proxy };
    },
    async cutUntilExpired(zk, proxy) {
      const marker = await zk.create(`/expiry-marker-${zk.sessionId.toString(16)}`, null, { mode: CreateMode.EPHEMERAL });
      const observer = await clients.connect(server().connectString);
      proxy.setDown(true);
      await until(async () => (await observer.exists(marker)) === null, 15000, 'the server to expire the session');
      proxy.setDown(false);
    },
    async watchesBySession() {
      const text = await fourLetterWord(server().host, server().port, 'wchc');
      const out = new Map<string, string[]>();
      let current: string[] = [];
      for (const line of text.split('\n')) {
        if (line.startsWith('0x')) out.set(line.trim(), (current = []));
        else if (line.trim().startsWith('/')) current.push(line.trim());
      }
      return out;
    },
  };
}

export function hexSession(zk: ZooKeeper): string {
  return `0x${zk.sessionId.toString(16)}`;
}

/** Collects what an Observable emits (and whether it ended, and how). */
export function collect<T>(source: Observable<T>): { values: T[]; done: () => boolean; error: () => unknown } {
  const values: T[] = [];
  let done = false;
  let error: unknown;
  source.subscribe({ next: (v) => values.push(v), complete: () => (done = true), error: (e) => ((error = e), (done = true)) });
  return { values, done: () => done, error: () => error };
}

/** Polls an async condition every 20 ms, failing after ms. */
export async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}
