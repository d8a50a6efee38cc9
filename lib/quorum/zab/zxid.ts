/**
 * ZxidUtils: a zxid is the epoch in the high 32 bits and a counter in the low 32. Java
 * keeps them in a signed long; zoolab's are bigints in the same range.
 */
export function makeZxid(epoch: bigint, counter: bigint): bigint {
  return BigInt.asIntN(64, (epoch << 32n) | (counter & 0xffffffffn));
}

export function epochOf(zxid: bigint): bigint {
  return zxid >> 32n;
}

export function counterOf(zxid: bigint): bigint {
  return zxid & 0xffffffffn;
}

/** Long.toHexString, as ZooKeeper logs zxids. */
export function zxidHex(zxid: bigint): string {
  return `0x${BigInt.asUintN(64, zxid).toString(16)}`;
}

/** ZxidUtils.zxidToString: "epoch:counter" in hex ("Proposed leader epoch 0x2:0x0"). */
export function zxidToString(zxid: bigint): string {
  return `${epochOf(zxid).toString(16)}:${counterOf(zxid).toString(16)}`;
}
