/**
 * A configuration that must stop start-up: a bad value, a missing required key, keys that
 * contradict each other, an unreadable file. The message names the key and the value so
 * the operator can find the line (ZooKeeper's QuorumPeerConfig.ConfigException).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    message: string,
    /** The zoo.cfg key at fault, when there is one. */
    readonly key?: string,
    /** The value as written, when there is one. */
    readonly value?: string,
    /** The file the key came from (zoo.cfg, the dynamic file, myid). */
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
  }

  /** `key: "value" <problem>` — the shape of every bad-value error. */
  static badValue(key: string, value: string, problem: string, file?: string): ConfigError {
    return new ConfigError(`${key}: ${JSON.stringify(value)} ${problem}`, key, value, file);
  }
}
