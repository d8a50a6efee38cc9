import type { Logger } from '../core/logger';
import { BinaryInputArchive } from '../jute/binary-input-archive';
import { BinaryOutputArchive } from '../jute/binary-output-archive';
import { AuthPacket, ConnectResponse, ReplyHeader, SetSASLResponse, type ConnectRequest, type RequestHeader } from '../jute/records/proto';
import { Code } from '../protocol/keeper-exception';
import { OpCode } from '../protocol/op-code';
import { Request } from './request';
import { CloseRequestError, type ServerCnxnImpl } from './server-cnxn-impl';
import { checkPasswd, generatePasswd, hex } from './session-tracker';
import type { ZooKeeperServer } from './zookeeper-server';

// The client packets ZooKeeperServer answers itself instead of handing them to the
// processor chain: the ConnectRequest, auth and SASL packets, and unknown request types.

/**
 * ZooKeeperServer.processConnectRequest up to revalidation. Refuses (CloseRequestError) a
 * client that has seen more than this server, settles the session timeout and, for a new
 * session, submits its createSession. Returns the id of a session the client reconnects
 * to with the right password, which the server then revalidates; else null.
 */
export function acceptConnectRequest(zks: ZooKeeperServer, cnxn: ServerCnxnImpl, req: ConnectRequest): bigint | null {
  if (req.lastZxidSeen > zks.zkDb.lastProcessedZxid) {
    throw new CloseRequestError(
      `client has seen zxid 0x${req.lastZxidSeen.toString(16)}, our last zxid is ` +
        `0x${zks.zkDb.lastProcessedZxid.toString(16)}: client must try another server`,
    );
  }
  const timeout = Math.min(Math.max(req.timeOut, zks.minSessionTimeout), zks.maxSessionTimeout);
  cnxn.setSessionTimeout(timeout);
  // No requests until the session is set up.
  cnxn.disableRecv();
  if (req.sessionId === 0n) {
    const id = zks.sessionTracker.createSession(timeout);
    cnxn.setSessionId(id);
    const body = Buffer.alloc(4);
    body.writeInt32BE(timeout, 0);
    zks.logger.debug({ sessionId: hex(id), timeout, remote: cnxn.toString() }, 'new session');
    zks.submitRequest(new Request(cnxn, id, 0, OpCode.createSession, body, [...cnxn.authInfo], zks.clock.now()));
    return null;
  }
  const id = req.sessionId;
  if (checkPasswd(id, req.passwd)) {
    zks.cnxnFactory.closeSession(id, 'client reconnected on another connection');
    cnxn.setSessionId(id);
    return id;
  }
  // Java closes the session's current connection before checking the password;
  // checking first keeps a guessed session id from knocking its owner off.
  zks.logger.warn({ sessionId: hex(id), remote: cnxn.toString() }, 'incorrect password for session');
  cnxn.sessionId = id;
  zks.finishSessionInit(cnxn, false);
  return null;
}

/** Answers the ConnectRequest: the session, or session 0 / timeout 0 and a close. */
export function sendConnectResponse(logger: Logger, c: ServerCnxnImpl, valid: boolean): void {
  const rsp = new ConnectResponse({
    protocolVersion: 0,
    timeOut: valid ? c.sessionTimeout : 0,
    sessionId: valid ? c.sessionId : 0n,
    passwd: valid ? generatePasswd(c.sessionId) : Buffer.alloc(16),
  });
  const oa = new BinaryOutputArchive();
  const at = oa.beginFrame();
  rsp.serialize(oa);
  if (!c.isOldClient) oa.writeBool(false, 'readOnly');
  oa.endFrame(at);
  c.sendBuffer(Buffer.from(oa.toBuffer()));
  if (valid) {
    logger.debug({ sessionId: hex(c.sessionId), timeout: c.sessionTimeout }, 'established session');
    c.enableRecv();
  } else {
    c.sendCloseSession(`invalid session ${hex(c.sessionId)}, probably expired`);
  }
}

/** processPacket's auth packet: answered here, a failure closes the connection. */
export function processAuthPacket(zks: ZooKeeperServer, cnxn: ServerCnxnImpl, h: RequestHeader, body: Buffer): void {
  const packet = AuthPacket.deserialize(new BinaryInputArchive(body, zks.juteMaxBuffer));
  const code = zks.authProviders.authenticate(cnxn, packet);
  cnxn.sendResponse(new ReplyHeader({ xid: h.xid, zxid: 0n, err: code }), null);
  if (code !== Code.OK) {
    zks.serverStats.incrementAuthFailedCount();
    cnxn.sendCloseSession(`authentication failed for scheme ${packet.scheme}`);
  }
}

/**
 * processPacket's SASL packet. No SASL server is configured: Java's processSasl then trips
 * over the missing saslServer, logs it, and still answers OK with a null token; the
 * connection stays.
 */
export function processSaslPacket(logger: Logger, cnxn: ServerCnxnImpl, h: RequestHeader): void {
  logger.warn({ session: hex(cnxn.sessionId) }, 'SASL request but no SASL server is configured');
  cnxn.sendResponse(new ReplyHeader({ xid: h.xid, zxid: 0n, err: Code.OK }), new SetSASLResponse({ token: null }));
}

/** submitRequest's request of a type no processor knows: UNIMPLEMENTED, then a close. */
export function rejectUnknownRequest(logger: Logger, si: Request): void {
  logger.warn({ type: si.type }, 'received packet of unknown type; closing the connection');
  if (si.cnxn) {
    si.cnxn.sendResponse(new ReplyHeader({ xid: si.cxid, zxid: si.zxid, err: Code.UNIMPLEMENTED }), null);
    si.cnxn.close(`unknown request type ${si.type}`);
  }
}
