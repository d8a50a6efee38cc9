import { homedir, hostname, release, tmpdir, type as osType, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { getHeapStatistics } from 'node:v8';

export interface EnvironmentEntry {
  key: string;
  value: string;
}

const MB = 1024 * 1024;

/** Java's os.arch names for Node's process.arch values. */
const JAVA_ARCH: Record<string, string> = { x64: 'amd64', ia32: 'x86', arm64: 'aarch64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };

function safe(f: () => string): string {
  try {
    return f();
  } catch {
    return '<NA>';
  }
}

/**
 * org.apache.zookeeper.Environment.list with the same keys in the same order, filled from
 * the Node runtime where Java reports the JVM's (java.version is Node's version, the
 * memory figures are the V8 heap's). Tools look up keys such as zookeeper.version and
 * host.name, so the keys stay Java's.
 */
export function environment(version: string): EnvironmentEntry[] {
  const mem = process.memoryUsage();
  const heap = getHeapStatistics();
  const entries: Array<[string, string]> = [
    ['zookeeper.version', version],
    ['host.name', safe(hostname)],
    ['java.version', process.versions.node],
    ['java.vendor', 'Node.js'],
    ['java.home', dirname(dirname(process.execPath))],
    ['java.class.path', process.argv[1] ?? '<NA>'],
    ['java.library.path', '<NA>'],
    ['java.io.tmpdir', safe(tmpdir)],
    ['java.compiler', '<NA>'],
    ['os.name', safe(osType)],
    ['os.arch', JAVA_ARCH[process.arch] ?? process.arch],
    ['os.version', safe(release)],
    ['user.name', safe(() => userInfo().username)],
    ['user.home', safe(homedir)],
    ['user.dir', process.cwd()],
    ['os.memory.free', `${Math.floor((mem.heapTotal - mem.heapUsed) / MB)}MB`],
    ['os.memory.max', `${Math.floor(heap.heap_size_limit / MB)}MB`],
    ['os.memory.total', `${Math.floor(mem.heapTotal / MB)}MB`],
  ];
  return entries.map(([key, value]) => ({ key, value }));
}

/** EnvCommand: answers whether or not the server is running. */
export function envi(version: string): string {
  let out = 'Environment:\n';
  for (const e of environment(version)) out += `${e.key}=${e.value}\n`;
  return out;
}
