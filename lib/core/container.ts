import 'reflect-metadata';
import { Container, type ContainerModule } from 'inversify';
import { CLOCK, systemClock, type Clock } from './clock';
import { LOGGER, createLogger, type Logger } from './logger';
import { RANDOM, SeededRandom, type Random } from './random';
import { token } from './token';

export interface NodeContainerOptions<C> {
  /** The node's typed configuration, bound as `configToken`. */
  config: C;
  configToken?: symbol;
  /** Plugin modules (transports, storage, election …), loaded in order after the core. */
  plugins?: ContainerModule[];
  /**
   * The shared world of an in-process ensemble or a simulation (virtual clock, simulated
   * network). A node's own bindings hide the parent's for the same token.
   */
  parent?: Container;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  seed?: number;
}

export const NODE_CONFIG = token<unknown>('NodeConfig');

/**
 * The composition root of one node: core services (clock, random, logger, config) and
 * then the plugins. Clock, random and logger come from the options, else from the parent
 * container, else production defaults — so a simulation binds them once in the parent.
 */
export function createNodeContainer<C>(opts: NodeContainerOptions<C>): Container {
  const c = new Container({ parent: opts.parent, defaultScope: 'Singleton' });
  const inherited = <T>(id: symbol): boolean => opts.parent?.isBound(id) ?? false;
  if (opts.clock || !inherited(CLOCK as symbol)) c.bind(CLOCK).toConstantValue(opts.clock ?? systemClock);
  if (opts.random || opts.seed !== undefined || !inherited(RANDOM as symbol)) {
    // Outside simulation the seed only needs to differ between runs; it is logged so a
    // run can still be replayed.
    // eslint-disable-next-line no-restricted-properties
    const seed = opts.seed ?? (process.hrtime()[1] ^ process.pid) >>> 0;
    c.bind(RANDOM).toConstantValue(opts.random ?? new SeededRandom(seed));
  }
  if (opts.logger || !inherited(LOGGER as symbol)) c.bind(LOGGER).toConstantValue(opts.logger ?? createLogger());
  c.bind(opts.configToken ?? NODE_CONFIG).toConstantValue(opts.config);
  if (opts.plugins?.length) c.load(...opts.plugins);
  return c;
}
