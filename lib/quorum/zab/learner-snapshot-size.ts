import { ACL_AND_STAT_BYTES } from '../../persistence/snapshot-serializer';

/** Where a SNAP payload's reader is: which record comes next. */
export type LearnerSnapshotPhase = 'count' | 'sessions' | 'aclCount' | 'acls' | 'nodes' | 'signature' | 'done';

const SLASH = 0x2f;

/**
 * How many bytes the SNAP payload's next record (in `phase`) at `start` takes, as far as
 * the bytes so far tell: its full size once every length prefix is in, else the least it
 * needs to get further (as quorumPacketSize does for packets). 0 when a length is one
 * jute refuses: reading the record then throws the archive's own error. With the size
 * known, a record cut by the end of a socket chunk costs neither a thrown error nor a
 * join of everything queued, only of its own bytes.
 */
export function learnerSnapshotRecordSize(phase: LearnerSnapshotPhase, buf: Buffer, start: number, maxBuffer: number): number {
  const n = buf.length - start;
  switch (phase) {
    case 'count':
    case 'aclCount':
      return 4;
    case 'sessions':
      return 12;
    case 'acls': {
      // ref, then a vector of ACL: perms, and the Id's scheme and id strings.
      if (n < 12) return 12;
      const count = buf.readInt32BE(start + 8);
      if (count < -1 || count > maxBuffer) return 0;
      let p = 12;
      for (let i = 0; i < count; i++) {
        p += 4;
        for (let s = 0; s < 2; s++) {
          if (n < p + 4) return p + 4;
          const len = buf.readInt32BE(start + p);
          if (len < -1 || len > maxBuffer) return 0;
          p += 4 + Math.max(len, 0);
        }
      }
      return p;
    }
    case 'nodes': {
      // path, then (unless it is the "/" end marker) data, acl ref and stat.
      if (n < 5) return 5;
      const pathLen = buf.readInt32BE(start);
      if (pathLen < -1 || pathLen > maxBuffer) return 0;
      if (pathLen === 1 && buf[start + 4] === SLASH) return 5;
      let p = 4 + Math.max(pathLen, 0);
      if (n < p + 4) return p + 4;
      const dataLen = buf.readInt32BE(start + p);
      if (dataLen < -1 || dataLen > maxBuffer) return 0;
      return p + 4 + Math.max(dataLen, 0) + ACL_AND_STAT_BYTES;
    }
    case 'signature': {
      if (n < 4) return 4;
      const len = buf.readInt32BE(start);
      if (len < -1 || len > maxBuffer) return 0;
      return 4 + Math.max(len, 0);
    }
    case 'done':
      return 0;
  }
}
