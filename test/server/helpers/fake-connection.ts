import { BinaryOutputArchive, ConnectRequest, FrameDecoder, RequestHeader, type JuteRecord } from '../../../lib/jute';
import type { ClientConnection } from '../../../lib/transport/client-transport';

let ids = 1000;

/** A ClientConnection in memory: the test plays the client and the socket's buffer. */
export class FakeConnection implements ClientConnection {
  readonly id = ids++;
  readonly remotePort = 40000 + (ids % 1000);
  readonly localPort = 2181;
  /** What write() returns: false plays a full socket buffer. */
  writable = true;
  paused = false;
  pauses = 0;
  resumes = 0;
  ended = false;
  destroyed = false;
  readonly frames: Buffer[] = [];
  private readonly decoder = new FrameDecoder(Number.MAX_SAFE_INTEGER);
  private data: (b: Buffer) => void = () => undefined;
  private endCb: () => void = () => undefined;
  private closeCb: (e: boolean) => void = () => undefined;
  private drainCb: () => void = () => undefined;

  constructor(readonly remoteAddress = '127.0.0.9') {}

  write(b: Buffer): boolean {
    this.frames.push(...this.decoder.push(b));
    return this.writable;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.closeCb(false);
  }
  pause(): void {
    if (!this.paused) this.pauses++;
    this.paused = true;
  }
  resume(): void {
    if (this.paused) this.resumes++;
    this.paused = false;
  }
  onData(cb: (b: Buffer) => void): void {
    this.data = cb;
  }
  onEnd(cb: () => void): void {
    this.endCb = cb;
  }
  onClose(cb: (e: boolean) => void): void {
    this.closeCb = cb;
  }
  onDrain(cb: () => void): void {
    this.drainCb = cb;
  }

  /** The client sends bytes. */
  send(b: Buffer): void {
    this.data(b);
  }
  /** The socket buffer empties. */
  drain(): void {
    this.writable = true;
    this.drainCb();
  }
  clientEnds(): void {
    this.endCb();
  }
}

export function connectFrame(timeOut = 4000): Buffer {
  const oa = new BinaryOutputArchive();
  const at = oa.beginFrame();
  new ConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut, sessionId: 0n, passwd: Buffer.alloc(16) }).serialize(oa);
  oa.writeBool(false, 'readOnly');
  oa.endFrame(at);
  return Buffer.from(oa.toBuffer());
}

export function requestFrame(xid: number, type: number, body: JuteRecord | null): Buffer {
  const oa = new BinaryOutputArchive();
  const at = oa.beginFrame();
  new RequestHeader({ xid, type }).serialize(oa);
  body?.serialize(oa);
  oa.endFrame(at);
  return Buffer.from(oa.toBuffer());
}
