import type { ServiceIdentifier } from 'inversify';

/** A typed DI token. Symbol.for keeps tokens equal across duplicate module copies. */
export function token<T>(name: string): ServiceIdentifier<T> {
  return Symbol.for(`zoolab.${name}`) as ServiceIdentifier<T>;
}
