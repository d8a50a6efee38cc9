import type { ServerConfig } from '../config/server-config';
import { QuorumHierarchical } from './quorum-hierarchical';
import { QuorumMaj } from './quorum-maj';
import type { QuorumVerifier } from './quorum-verifier';

/**
 * QuorumPeerConfig.createQuorumVerifier: hierarchical as soon as any group.N or weight.N
 * is configured, majority otherwise.
 */
export function createQuorumVerifier(
  cfg: Pick<ServerConfig, 'servers' | 'groups' | 'weights'> & { quorumConfigVersion?: bigint },
): QuorumVerifier {
  const version = cfg.quorumConfigVersion ?? 0n;
  if (cfg.groups.size > 0 || cfg.weights.size > 0) {
    return new QuorumHierarchical({ servers: cfg.servers, groups: cfg.groups, weights: cfg.weights, version });
  }
  return new QuorumMaj(cfg.servers, version);
}
