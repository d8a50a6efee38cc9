export * from './server-config';
export { ConfigError } from './config-error';
export { parseProperties, type PropertyEntry } from './properties';
export { loadMyId } from './my-id';
export { parseServerLine, splitHostAndPort } from './quorum-servers';
export {
  configFromProperties,
  isDistributed,
  loadZooCfg,
  mergeEntries,
  parseZooCfg,
  versionFromFilename,
  type ZooCfgOptions,
  type ZooCfgResult,
} from './zoo-cfg';
