import { ConfigError } from '../../lib/config/config-error';
import { ELECTION_FACTORY } from '../../lib/quorum/election/election';
import { Container } from 'inversify';
import { electionModules, electionName } from '../../plugins/election-choice';

const cfg = (entries: Array<[string, string]>) => ({ raw: new Map(entries) });

describe('zoo.cfg zoolab.election: the election strategy of an ensemble member', () => {
  it('is FastLeaderElection unless raft-style is asked for', () => {
    expect(electionName(cfg([]))).toBe('fle');
    expect(electionModules(cfg([]))).toEqual([]);
    expect(electionName(cfg([['zoolab.election', ' Raft-Style ']]))).toBe('raft-style');
    const c = new Container();
    c.load(...electionModules(cfg([['zoolab.election', 'raft-style']])));
    expect(typeof c.get(ELECTION_FACTORY)).toBe('function');
  });

  it('refuses a strategy it does not have', () => {
    expect(() => electionName(cfg([['zoolab.election', 'paxos']]))).toThrow(ConfigError);
    expect(() => electionName(cfg([['zoolab.election', 'paxos']]))).toThrow(/zoolab.election: "paxos" is not one of fle, raft-style/);
  });
});
