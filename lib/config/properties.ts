import { ConfigError } from './config-error';

/** One key = value of a properties file, with the line it starts on. */
export interface PropertyEntry {
  key: string;
  value: string;
  line: number;
}

const WHITESPACE = new Set([' ', '\t', '\f']);
const ESCAPED: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

/**
 * Reads the syntax of java.util.Properties.load, which is what zoo.cfg is: `#` and `!`
 * comment lines, `key=value`, `key: value` or `key value`, a backslash at the end of a
 * line continuing it (leading blanks of the next line dropped), and the escapes \t \n \r
 * \f \uXXXX (any other escaped character stands for itself, so `\=` and `\:` may sit in
 * keys). Java reads the bytes as ISO-8859-1; zoolab reads UTF-8 so paths with non-ASCII
 * names survive. A key given twice keeps its last value, as in a Java Hashtable; entries
 * come back in the order of their first appearance.
 */
export function parseProperties(text: string, file?: string): PropertyEntry[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out = new Map<string, PropertyEntry>();
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let logical = stripLeading(lines[i]);
    if (logical === '' || logical[0] === '#' || logical[0] === '!') continue;
    // A natural line ending in an odd number of backslashes continues on the next one.
    while (endsWithOddBackslashes(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + stripLeading(lines[++i]);
    }
    if (endsWithOddBackslashes(logical)) logical = logical.slice(0, -1);
    const { key, value } = splitKeyValue(logical, startLine, file);
    const prev = out.get(key);
    if (prev) {
      prev.value = value;
      prev.line = startLine;
    } else {
      out.set(key, { key, value, line: startLine });
    }
  }
  return [...out.values()];
}

function stripLeading(s: string): string {
  let i = 0;
  while (i < s.length && WHITESPACE.has(s[i])) i++;
  return s.slice(i);
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function splitKeyValue(s: string, line: number, file?: string): { key: string; value: string } {
  let i = 0;
  let keyEnd = s.length;
  let hasSeparator = false;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '=' || c === ':') {
      keyEnd = i;
      hasSeparator = true;
      break;
    }
    if (WHITESPACE.has(c)) {
      keyEnd = i;
      break;
    }
  }
  let v = keyEnd;
  if (!hasSeparator) {
    while (v < s.length && WHITESPACE.has(s[v])) v++;
    if (v < s.length && (s[v] === '=' || s[v] === ':')) v++;
  } else {
    v++;
  }
  while (v < s.length && WHITESPACE.has(s[v])) v++;
  return {
    key: unescape(s.slice(0, keyEnd), line, file),
    value: unescape(s.slice(v), line, file),
  };
}

function unescape(s: string, line: number, file?: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === undefined) break;
    if (e === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new ConfigError(`line ${line}: malformed \\uxxxx escape "\\u${hex}"`, undefined, undefined, file);
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += ESCAPED[e] ?? e;
    }
  }
  return out;
}
