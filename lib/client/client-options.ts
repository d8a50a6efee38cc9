import type { Container } from 'inversify';
import { CLOCK, systemClock, type Clock } from '../core/clock';
import { LOGGER, type Logger } from '../core/logger';
import { RANDOM, SeededRandom, type Random } from '../core/random';
import { DEFAULT_MAX_BUFFER } from '../jute/limits';
import { CLIENT_SOCKET_FACTORY, type ClientSocketFactory } from './client-socket';
import { IllegalArgumentError } from './errors';
import type { HostProvider } from './host-provider';
import { netClientSocketFactory } from './net-client-socket';
import type { Watcher } from './watch-stream';

export interface ZooKeeperOptions {
  /** Requested session timeout in ms; the server clamps it to [2, 20] × its tickTime. Default 30000. */
  sessionTimeout?: number;
  /** Resume an existing session (Java's constructor with sessionId and sessionPasswd). */
  sessionId?: bigint;
  sessionPasswd?: Buffer;
  /** Accept a read-only server when no quorum is reachable (state CONNECTEDREADONLY). */
  canBeReadOnly?: boolean;
  /** Java's default watcher: hears every session state event. */
  watcher?: Watcher;
  /** zookeeper.disableAutoWatchReset: do not re-register watches after a reconnect. */
  disableAutoWatchReset?: boolean;
  /** jute.maxbuffer for replies (default 0xfffff, as the Java client). */
  maxPacketLength?: number;
  /** Upper bound of the random pause before reconnecting (Java: 1000 ms). */
  reconnectDelayMs?: number;
  /** Pause after every server was tried once without success (Java: 1000 ms). */
  spinDelayMs?: number;
  /** zookeeper.request.timeout: fail a request unanswered this long (0 = never, the default). */
  requestTimeoutMs?: number;
  /** Where time comes from (a virtual clock in simulation). Default: the container's, else wall clock. */
  clock?: Clock;
  /** Shuffles the host list and jitters reconnects. Default: the container's, else a fresh seed. */
  random?: Random;
  logger?: Logger;
  /** How connections are opened. Default: the container's CLIENT_SOCKET_FACTORY, else TCP. */
  socketFactory?: ClientSocketFactory;
  /** Replaces the StaticHostProvider built from the connect string. */
  hostProvider?: HostProvider;
  /** A composition root to take CLOCK, RANDOM, LOGGER and CLIENT_SOCKET_FACTORY from. */
  container?: Container;
}

export interface ResolvedOptions {
  sessionTimeout: number;
  sessionId: bigint;
  sessionPasswd: Buffer;
  canBeReadOnly: boolean;
  watcher: Watcher | null;
  disableAutoWatchReset: boolean;
  maxPacketLength: number;
  reconnectDelayMs: number;
  spinDelayMs: number;
  requestTimeoutMs: number;
  clock: Clock;
  random: Random;
  logger: Logger | null;
  socketFactory: ClientSocketFactory;
  hostProvider: HostProvider | null;
}

function fromContainer<T>(c: Container | undefined, id: symbol): T | undefined {
  return c && c.isBound(id) ? c.get<T>(id) : undefined;
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new IllegalArgumentError(`${name} must be a non-negative number, got ${v}`);
  return v;
}

export function resolveOptions(o: ZooKeeperOptions): ResolvedOptions {
  const c = o.container;
  const sessionTimeout = o.sessionTimeout ?? 30000;
  if (!Number.isInteger(sessionTimeout) || sessionTimeout <= 0) {
    throw new IllegalArgumentError(`sessionTimeout must be a positive integer (ms), got ${sessionTimeout}`);
  }
  const passwd = o.sessionPasswd ?? Buffer.alloc(16);
  if (!Buffer.isBuffer(passwd)) throw new IllegalArgumentError('sessionPasswd must be a Buffer');
  // Outside simulation the seed only needs to differ between runs (as in lib/core).
  // eslint-disable-next-line no-restricted-properties
  const seed = (process.hrtime()[1] ^ process.pid) >>> 0;
  return {
    sessionTimeout,
    sessionId: o.sessionId ?? 0n,
    sessionPasswd: passwd,
    canBeReadOnly: o.canBeReadOnly ?? false,
    watcher: o.watcher ?? null,
    disableAutoWatchReset: o.disableAutoWatchReset ?? false,
    maxPacketLength: nonNegative('maxPacketLength', o.maxPacketLength ?? DEFAULT_MAX_BUFFER),
    reconnectDelayMs: nonNegative('reconnectDelayMs', o.reconnectDelayMs ?? 1000),
    spinDelayMs: nonNegative('spinDelayMs', o.spinDelayMs ?? 1000),
    requestTimeoutMs: nonNegative('requestTimeoutMs', o.requestTimeoutMs ?? 0),
    clock: o.clock ?? fromContainer<Clock>(c, CLOCK as symbol) ?? systemClock,
    random: o.random ?? fromContainer<Random>(c, RANDOM as symbol)?.fork('zk-client') ?? new SeededRandom(seed),
    logger: o.logger ?? fromContainer<Logger>(c, LOGGER as symbol) ?? null,
    socketFactory: o.socketFactory ?? fromContainer<ClientSocketFactory>(c, CLIENT_SOCKET_FACTORY as symbol) ?? netClientSocketFactory,
    hostProvider: o.hostProvider ?? null,
  };
}
