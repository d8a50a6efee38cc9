import type { ContainerModule } from 'inversify';
import { ConfigError } from '../lib/config/config-error';
import type { ServerConfig } from '../lib/config/server-config';
import { electionRaftStyleModule } from './election-raft-style';

/** The zoo.cfg key (zoolab's own) that picks an ensemble member's election strategy. */
export const ELECTION_KEY = 'zoolab.election';
export const ELECTION_NAMES = ['fle', 'raft-style'] as const;
export type ElectionName = (typeof ELECTION_NAMES)[number];

/**
 * fle (FastLeaderElection, electionAlg 3: talks to Java servers) unless zoo.cfg says
 * zoolab.election=raft-style (plugins/election-raft-style: every member must run it).
 */
export function electionName(config: Pick<ServerConfig, 'raw'>): ElectionName {
  const v = (config.raw.get(ELECTION_KEY) ?? 'fle').trim().toLowerCase();
  if (!(ELECTION_NAMES as readonly string[]).includes(v)) {
    throw new ConfigError(`${ELECTION_KEY}: "${v}" is not one of ${ELECTION_NAMES.join(', ')}`, ELECTION_KEY, v);
  }
  return v as ElectionName;
}

/** The modules that bind the chosen strategy; none for fle, the default every peer falls back to. */
export function electionModules(config: Pick<ServerConfig, 'raw'>): ContainerModule[] {
  return electionName(config) === 'raft-style' ? [electionRaftStyleModule()] : [];
}
