import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatProfileSummary, summarizeCpuProfile } from '../../benchmarks/cpu-profile-summary';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'zoolab-prof-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '0' });

describe('the CPU profile summary', () => {
  it('ranks functions by self time, leaves idle out, and says which project code called into Node', () => {
    const root = dir;
    const src = pathToFileURL(join(root, 'lib', 'server', 'cnxn.js')).href;
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3, 5] },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('sendResponse', src, 9), children: [4] },
        { id: 4, callFrame: frame('writeBuffer') },
        { id: 5, callFrame: frame('(garbage collector)') },
      ],
      startTime: 0,
      endTime: 1000,
      // 10 ms per sample: idle 50 ms, sendResponse 10 ms, writeBuffer 30 ms, GC 10 ms.
      samples: [2, 2, 2, 2, 2, 3, 4, 4, 4, 5],
      timeDeltas: Array(10).fill(10_000),
    };
    const file = join(dir, 'p.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    const s = summarizeCpuProfile(file, root);
    expect(s.busyMs).toBe(50);
    expect(s.idleMs).toBe(50);
    expect(s.gcPercent).toBeCloseTo(20);
    expect(s.top[0]).toMatchObject({ function: 'writeBuffer', location: '(native)', selfMs: 30, via: 'sendResponse (lib/server/cnxn.js:10)' });
    expect(s.top[0].selfPercent).toBeCloseTo(60);
    const send = s.top.find((h) => h.function === 'sendResponse')!;
    expect(send.selfPercent).toBeCloseTo(20);
    expect(send.totalPercent).toBeCloseTo(80);
    expect(s.top.some((h) => h.function === '(idle)')).toBe(false);
    expect(formatProfileSummary(s)).toMatch(/writeBuffer\s+\(native\)\s+← sendResponse \(lib\/server\/cnxn.js:10\)/);
  });
});
