import { ADLER32_WASM_BASE64 } from './adler32-wasm';

/** Adler-32's modulus: the largest prime below 2^16. */
export const ADLER_MOD = 65521;
/** Largest n such that 255·n·(n+1)/2 + (n+1)·(ADLER_MOD−1) < 2^32: sums can wait that long. */
const NMAX = 5552;
/** Below this many bytes the copy into WebAssembly memory and the call cost more than JS. */
const WASM_MIN_BYTES = 192;
/** Bytes copied into the module's memory (two 64 KiB pages) per call. */
const WASM_WINDOW = 128 * 1024;

/** The little of the WebAssembly JS API used here (the ES2022 lib, without DOM, has none). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { update: Adler32Module['update']; memory: { buffer: ArrayBuffer } } };
};

interface Adler32Module {
  update(adler: number, ptr: number, len: number): number;
  memory: Uint8Array;
}

/**
 * adler32.wat, or null where WebAssembly (or its SIMD) is unavailable, as under
 * --jitless: the JS loop below gives the same values, 5–10x slower.
 */
function loadModule(): Adler32Module | null {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(ADLER32_WASM_BASE64, 'base64')));
    const exports = instance.exports;
    // The module never grows its memory, so this view stays valid.
    return { update: exports.update, memory: new Uint8Array(exports.memory.buffer) };
  } catch {
    return null;
  }
}

const wasm = loadModule();

/**
 * Adler-32 (RFC 1950), as java.util.zip.Adler32: the value FileTxnLog stores in front of
 * every log entry and SnapStream seals a snapshot with. `adler` continues a running value
 * (1 to start) over buf[start, end). Ranges of 192 bytes or more are summed by
 * WebAssembly SIMD, 16 bytes a step (~8 GB/s against JS's ~1): a 10 KiB multi's log entry
 * took the event loop ~9 µs in JS.
 */
export function adler32Update(adler: number, buf: Uint8Array, start = 0, end = buf.length): number {
  if (wasm === null || end - start < WASM_MIN_BYTES) return adler32UpdateJs(adler, buf, start, end);
  let value = adler;
  for (let i = start; i < end; i += WASM_WINDOW) {
    const stop = Math.min(i + WASM_WINDOW, end);
    wasm.memory.set(buf.subarray(i, stop), 0);
    value = wasm.update(value, 0, stop - i) >>> 0;
  }
  return value;
}

/** The Adler-32 of one range of bytes. */
export function adler32(buf: Uint8Array, start = 0, end = buf.length): number {
  return adler32Update(1, buf, start, end);
}

/** The plain JS sum: short ranges, and where WebAssembly is unavailable. Exported for tests. */
export function adler32UpdateJs(adler: number, buf: Uint8Array, start = 0, end = buf.length): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  let i = start;
  while (i < end) {
    const stop = Math.min(i + NMAX, end);
    // Eight bytes per step with b's sum written out (b += 8a + 8x0 + 7x1 + … + x7): the
    // same values as byte by byte, without the a → b dependency on every byte (~1.6x).
    const stop8 = stop - ((stop - i) & 7);
    for (; i < stop8; i += 8) {
      const x0 = buf[i], x1 = buf[i + 1], x2 = buf[i + 2], x3 = buf[i + 3];
      const x4 = buf[i + 4], x5 = buf[i + 5], x6 = buf[i + 6], x7 = buf[i + 7];
      b += 8 * a + 8 * x0 + 7 * x1 + 6 * x2 + 5 * x3 + 4 * x4 + 3 * x5 + 2 * x6 + x7;
      a += x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7;
    }
    for (; i < stop; i++) {
      a += buf[i];
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
  return ((b << 16) | a) >>> 0;
}

/** Whether adler32Update uses the WebAssembly module in this runtime (tests check it does on Node 20). */
export const adler32UsesWasm = wasm !== null;
