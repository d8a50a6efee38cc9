import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The answers of a real Apache ZooKeeper 3.8.0 (fixtures/*.txt, made by
 * fixtures/capture.py) and the normalisation both sides go through before comparing.
 */
export function javaAnswer(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', `${name}.txt`), 'utf8');
}

/**
 * capture.py's mask for a zoolab answer (ports, session ids, dates, versions, env values),
 * then every number — masked or not — becomes N. What is left is the answer's shape: line
 * structure, keys, separators, hex/decimal forms and decimal points.
 */
export function shape(text: string): string {
  return text
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<PORT>')
    .replace(/0x[0-9a-f]{9,16}/g, '0x<SESSION>')
    .replace(/(Zookeeper version: |zk_version\t)[^\n]*/g, '$1<VERSION>')
    .replace(/^((?:java|os|user|host|zookeeper)\.[a-z.]+=).*$/gm, '$1<ENV>')
    .replace(/\w{3} \w{3} \d\d \d\d:\d\d:\d\d \S+ \d{4}/g, '<DATE>')
    .replace(/0x[0-9a-f]+(?![0-9a-f<])/g, '0xH')
    .replace(/<N>|\d+/g, 'N');
}

/** The lines of a shape, sorted: for answers whose order follows a Java hash map. */
export function shapeLines(text: string): string[] {
  return shape(text).split('\n').sort();
}

/** How a mntr value is written: an integer, a double (with a point) or text. */
export function valueForm(value: string): 'int' | 'double' | 'text' {
  const s = shape(value);
  if (/^-?N$/.test(s)) return 'int';
  if (/^-?N\.N(E-?N)?$/.test(s)) return 'double';
  return 'text';
}

/** mntr as tools read it: key → value, in order. */
export function mntrEntries(text: string): Array<[string, string]> {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const tab = l.indexOf('\t');
      if (tab < 0) throw new Error(`mntr line without a tab: ${JSON.stringify(l)}`);
      return [l.slice(0, tab), l.slice(tab + 1)] as [string, string];
    });
}

/** key=value lines (conf, envi) as tools read them. */
export function keyValueKeys(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => l.slice(0, l.indexOf('=')));
}
