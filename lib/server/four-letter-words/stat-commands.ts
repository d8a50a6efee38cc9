import type { QuorumServerSpec } from '../../config/server-config';
import type { ConfView, ConnectionView, FourLetterWordContext } from './context';
import { ZK_NOT_SERVING } from './four-letter-commands';
import { javaDouble, javaLongHex, javaSocketAddress } from './java-format';

/**
 * The words about the server and its connections: ruok, srvr, stat, cons, crst, srst,
 * conf, dirs, isro — each formatted as ZooKeeper 3.8's command classes print it.
 */

const notServing = `${ZK_NOT_SERVING}\n`;

/** RuokCommand: "imok" with no newline, whether or not the server is serving. */
export function ruok(): string {
  return 'imok';
}

/** IsroCommand: "null" when not running, else "ro" or "rw", no newline. */
export function isro(ctx: FourLetterWordContext): string {
  if (!ctx.isRunning()) return 'null';
  return ctx.isReadOnly() ? 'ro' : 'rw';
}

/** ServerCnxn.dumpConnectionInfo: one connection, brief (stat) or full (cons). */
export function connectionInfo(c: ConnectionView, brief: boolean): string {
  const s = c.stats;
  const ops = c.interestOps === 0 ? '0' : c.interestOps.toString(16);
  let out = ` ${javaSocketAddress(c.remoteAddress, c.remotePort)}[${ops}](queued=${c.outstandingRequests},recved=${s.packetsReceived},sent=${s.packetsSent}`;
  if (!brief && c.sessionId !== 0n) {
    out += `,sid=0x${javaLongHex(c.sessionId)},lop=${s.lastOp},est=${s.established},to=${c.sessionTimeout}`;
    if (s.lastCxid >= 0) out += `,lcxid=0x${s.lastCxid.toString(16)}`;
    out +=
      `,lzxid=0x${javaLongHex(s.lastZxid)},lresp=${s.lastResponseTime},llat=${s.lastLatency}` +
      `,minlat=${s.getMinLatency()},avglat=${s.getAvgLatency()},maxlat=${s.getMaxLatency()}`;
  }
  return `${out})`;
}

/** ServerStats.toString: the block srvr and stat share. */
export function serverStatsText(ctx: FourLetterWordContext): string {
  const st = ctx.stats();
  const avg = javaDouble(Math.round(st.getAvgLatency() * 10_000) / 10_000);
  return (
    `Latency min/avg/max: ${st.getMinLatency()}/${avg}/${st.getMaxLatency()}\n` +
    `Received: ${st.getPacketsReceived()}\n` +
    `Sent: ${st.getPacketsSent()}\n` +
    `Connections: ${st.getNumAliveClientConnections()}\n` +
    `Outstanding: ${st.getOutstandingRequests()}\n` +
    `Zxid: 0x${javaLongHex(st.getLastProcessedZxid())}\n` +
    `Mode: ${st.getServerState()}\n`
  );
}

/** StatCommand: srvr, and stat which adds the brief connection list. */
export function stat(ctx: FourLetterWordContext, withClients: boolean): string {
  if (!ctx.isRunning()) return notServing;
  let out = `Zookeeper version: ${ctx.version()}\n`;
  if (ctx.isReadOnly()) out += 'READ-ONLY mode; serving only read-only clients\n';
  if (withClients) {
    out += 'Clients:\n';
    for (const c of ctx.connections()) out += `${connectionInfo(c, true)}\n`;
    out += '\n';
  }
  out += serverStatsText(ctx);
  out += `Node count: ${ctx.nodeCount()}\n`;
  const proposals = ctx.proposalStats();
  if (proposals !== null) out += `Proposal sizes last/min/max: ${proposals}\n`;
  return out;
}

/** ConsCommand: every connection in full, then a blank line. */
export function cons(ctx: FourLetterWordContext): string {
  if (!ctx.isRunning()) return notServing;
  let out = '';
  for (const c of ctx.connections()) out += `${connectionInfo(c, false)}\n`;
  return `${out}\n`;
}

/** CnxnStatResetCommand. */
export function crst(ctx: FourLetterWordContext): string {
  if (!ctx.isRunning()) return notServing;
  ctx.resetAllConnectionStats();
  return 'Connection stats reset.\n';
}

/** StatResetCommand: server stats and metrics (and a leader's proposal sizes). */
export function srst(ctx: FourLetterWordContext): string {
  if (!ctx.isRunning()) return notServing;
  ctx.stats().reset();
  if (ctx.proposalStats() !== null) ctx.resetProposalStats();
  return 'Server stats reset.\n';
}

/** DirsCommand. */
export function dirs(ctx: FourLetterWordContext): string {
  if (!ctx.isRunning()) return notServing;
  const st = ctx.stats();
  return `datadir_size: ${st.getDataDirSize()}\nlogdir_size: ${st.getLogDirSize()}\n`;
}

/** ConfCommand: ZooKeeperServer.dumpConf, and QuorumZooKeeperServer's lines for a peer. */
export function conf(ctx: FourLetterWordContext): string {
  if (!ctx.isRunning()) return notServing;
  const c: ConfView = ctx.conf();
  const st = ctx.stats();
  let out =
    `clientPort=${c.clientPort}\n` +
    `secureClientPort=${c.secureClientPort}\n` +
    `dataDir=${c.dataDir ?? ''}\n` +
    `dataDirSize=${st.getDataDirSize()}\n` +
    `dataLogDir=${c.dataLogDir ?? ''}\n` +
    `dataLogSize=${st.getLogDirSize()}\n` +
    `tickTime=${c.tickTime}\n` +
    `maxClientCnxns=${c.maxClientCnxns}\n` +
    `minSessionTimeout=${c.minSessionTimeout}\n` +
    `maxSessionTimeout=${c.maxSessionTimeout}\n` +
    `clientPortListenBacklog=${c.clientPortListenBacklog}\n` +
    `serverId=${c.serverId}\n`;
  const q = c.quorum;
  if (q) {
    out +=
      `initLimit=${q.initLimit}\nsyncLimit=${q.syncLimit}\nelectionAlg=${q.electionAlg}\n` +
      `electionPort=${q.electionPort}\nquorumPort=${q.quorumPort}\n` +
      // LearnerType's ordinal: PARTICIPANT 0, OBSERVER 1.
      `peerType=${q.peerType === 'observer' ? 1 : 0}\nmembership: \n`;
    for (const s of q.servers) out += `server.${s.id}=${quorumServerText(s)}\n`;
    out += `version=${javaLongHex(q.version)}`;
  }
  return out;
}

/** QuorumServer.toString as QuorumMaj.toString prints each member. */
export function quorumServerText(s: QuorumServerSpec): string {
  const host = (h: string): string => (h.includes(':') ? `[${h}]` : h);
  let out = `${host(s.host)}:${s.quorumPort}:${s.electionPort}:${s.type}`;
  if (s.clientPort !== undefined) out += `;${host(s.clientHost ?? '0.0.0.0')}:${s.clientPort}`;
  return out;
}
