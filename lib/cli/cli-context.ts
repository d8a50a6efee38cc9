import type { ContainerModule } from 'inversify';
import type { ServerConfig } from '../config/server-config';

/**
 * What the composition root gives the `zoolab` program. lib/ never imports plugins/, so
 * the binary's entry point (plugins/cli.ts) chooses the plugins and passes them in here;
 * a program built without them can still parse, validate and print help.
 */
export interface CliContext {
  /** The plugin modules a standalone server runs with (transport, storage …) for a config. */
  serverPlugins?: (config: ServerConfig) => ContainerModule[];
}
