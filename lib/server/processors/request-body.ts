import { BinaryInputArchive } from '../../jute/binary-input-archive';
import type { RecordClass } from '../../jute/types';

/**
 * ByteBufferInputStream.byteBuffer2Record: the request record from a request body. Bytes
 * after the record are ignored, as in Java; a short or malformed body throws a JuteError.
 */
export function readRecord<C extends RecordClass<any>>(cls: C, body: Buffer): InstanceType<C> {
  return cls.deserialize(new BinaryInputArchive(body)) as InstanceType<C>;
}
