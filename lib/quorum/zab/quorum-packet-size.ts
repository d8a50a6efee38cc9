/**
 * How many bytes the QuorumPacket at `start` in `buf` takes, as far as the bytes so
 * far tell: its full size once every length prefix is in, else the least it needs to get
 * further. 0 when a length is one jute refuses (negative, or over `maxBuffer`): reading
 * the packet then throws the archive's own error. Layout: type (int), zxid (long), data
 * (int length, -1 for null, then bytes), authinfo (int count, -1 for null, then per Id
 * two strings, each an int length and UTF-8 bytes).
 */
export function quorumPacketSize(buf: Buffer, start: number, maxBuffer: number): number {
  const n = buf.length - start;
  if (n < 16) return 16;
  const dataLen = buf.readInt32BE(start + 12);
  if (dataLen < -1 || dataLen > maxBuffer) return 0;
  let p = 16 + Math.max(dataLen, 0);
  if (n < p + 4) return p + 4;
  const count = buf.readInt32BE(start + p);
  p += 4;
  if (count < -1 || count > maxBuffer) return 0;
  for (let i = 0; i < count * 2; i++) {
    if (n < p + 4) return p + 4;
    const len = buf.readInt32BE(start + p);
    if (len < -1 || len > maxBuffer) return 0;
    p += 4 + Math.max(len, 0);
  }
  return p;
}
