import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The vectors ZooKeeper 3.8's own classes wrote (fixtures/README.md). */
export interface QuorumGolden {
  notifications: { state: number; leader: string; zxid: string; electionEpoch: string; peerEpoch: string; config: string; hex: string }[];
  notificationV1: { state: number; leader: string; zxid: string; electionEpoch: string; peerEpoch: string; hex: string };
  configStrings: { maj5: string; hier: string };
  /** containsQuorum of the `hier` config for every subset of servers 1..7 (bit i = server i+1). */
  hierQuorums: number[];
  hierWeights: Record<string, number>;
  totalOrderPredicate: { args: string[]; result: boolean }[];
  handshakes: { myid: string; version: string; hex: string }[];
  initialMessageParse: { hex: string; verdict: { ok: true; sid: string; addresses: string } | { ok: false; error: string } }[];
}

export const golden: QuorumGolden = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'quorum-golden.json'), 'utf8'));

/** The zoo.cfg quorum lines the Java generator used (QuorumGolden.java MAJ5 / HIER). */
export const MAJ5_CFG = `
server.1=127.0.0.1:2888:3888:participant
server.2=127.0.0.1:2889:3889:participant
server.3=127.0.0.1:2890:3890:participant;127.0.0.1:2183
server.4=127.0.0.1:2891:3891:observer
server.5=127.0.0.1:2892:3892
version=100000000
`;

export const HIER_CFG = `
server.1=127.0.0.1:2888:3888
server.2=127.0.0.1:2889:3889
server.3=127.0.0.1:2890:3890
server.4=127.0.0.1:2891:3891
server.5=127.0.0.1:2892:3892
server.6=127.0.0.1:2893:3893
server.7=127.0.0.1:2894:3894:observer
group.1=1:2:3
group.2=4:5
group.3=6
weight.1=1
weight.2=1
weight.3=0
weight.4=2
weight.5=1
weight.6=0
`;
