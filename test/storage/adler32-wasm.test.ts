import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adler32, adler32Update, adler32UpdateJs, adler32UsesWasm } from '../../lib/persistence/adler32';
import { ADLER32_WASM_BASE64 } from '../../lib/persistence/adler32-wasm';
import { Adler32 } from '../../lib/persistence/snapshot-checksum';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compileAdler32Wat, source } = require('./adler32-wasm.generate.js') as {
  compileAdler32Wat(): Promise<Buffer>;
  source(bytes: Buffer): string;
};

/** RFC 1950 byte by byte, reducing every step: slow and obviously right. */
function reference(buf: Uint8Array, start = 0, end = buf.length, adler = 1): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  for (let i = start; i < end; i++) {
    a = (a + buf[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function randomBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('Adler-32 in WebAssembly', () => {
  it('is what Node 20 runs (SIMD is on by default)', () => {
    expect(adler32UsesWasm).toBe(true);
  });

  it('the committed module is adler32.wat compiled (npm run wasm:adler32 rewrites it)', async () => {
    const bytes = await compileAdler32Wat();
    expect(Buffer.from(ADLER32_WASM_BASE64, 'base64').equals(bytes)).toBe(true);
    expect(readFileSync(join(__dirname, '../../lib/persistence/adler32-wasm.ts'), 'utf8')).toBe(source(bytes));
  });

  it('matches the reference at every length around the SIMD block, the JS cut-over and zlib NMAX', () => {
    const buf = randomBytes(6000, 7);
    for (const n of [0, 1, 15, 16, 17, 127, 128, 191, 192, 193, 255, 256, 1024, 1031, 5551, 5552, 5553, 5568, 5999]) {
      expect(adler32(buf, 0, n)).toBe(reference(buf, 0, n));
      expect(adler32(buf, 3, 3 + Math.min(n, 5997))).toBe(reference(buf, 3, 3 + Math.min(n, 5997)));
    }
  });

  it('stays exact at the lanes worst case (all 0xff), across several NMAX rounds and copy windows', () => {
    for (const n of [5552 * 3 + 13, 128 * 1024, 128 * 1024 + 17, 300_000]) {
      const buf = Buffer.alloc(n, 0xff);
      expect(adler32(buf)).toBe(reference(buf));
    }
  });

  it('continues a running value: any split gives the value of the whole', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000 }), fc.nat(), fc.nat(), (bytes, i, j) => {
        const a = Math.min(i % (bytes.length + 1), j % (bytes.length + 1));
        const b = Math.max(i % (bytes.length + 1), j % (bytes.length + 1));
        const whole = reference(bytes);
        expect(adler32(bytes)).toBe(whole);
        expect(adler32Update(adler32Update(adler32(bytes, 0, a), bytes, a, b), bytes, b)).toBe(whole);
        expect(new Adler32().update(bytes, 0, a).update(bytes, a).value).toBe(whole);
        expect(adler32UpdateJs(adler32UpdateJs(1, bytes, 0, a), bytes, a)).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('sums a 2 MB buffer as the reference does (snapshot-sized reads go through the window)', () => {
    const buf = randomBytes(2 * 1024 * 1024 + 5, 99);
    expect(adler32(buf)).toBe(reference(buf));
    expect(adler32(buf, 1000, buf.length - 1000)).toBe(reference(buf, 1000, buf.length - 1000));
  });
});
