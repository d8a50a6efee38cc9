import type { JuteRecord, JuteType, RecordClass } from './types';

/**
 * A jute record's Java toString(): jute's ToStringOutputArchive. Fields are joined by
 * commas, nested records print as s{…}, vectors as v{…}, maps as m{…}, strings with a
 * leading quote and %-escapes, buffers as '#' and Integer.toHexString of each (signed)
 * byte; a top-level record ends with a newline.
 */
export function juteToString(r: JuteRecord): string {
  const st = { out: [] as string[], first: true };
  writeFields(st, r);
  st.out.push('\n');
  return st.out.join('');
}

interface State {
  out: string[];
  first: boolean;
}

function comma(st: State): void {
  if (!st.first) st.out.push(',');
  st.first = false;
}

function writeFields(st: State, r: JuteRecord): void {
  const cls = r.constructor as RecordClass;
  for (const f of cls.fields) write(st, f.type, (r as unknown as Record<string, unknown>)[f.name]);
}

function write(st: State, t: JuteType, v: unknown): void {
  if (typeof t === 'function') {
    if (v == null) return; // writeRecord(null) prints nothing
    comma(st);
    st.out.push('s{');
    st.first = true;
    writeFields(st, v as JuteRecord);
    st.out.push('}');
    st.first = false;
    return;
  }
  if (typeof t === 'object') {
    comma(st);
    st.out.push(t.kind === 'vector' ? 'v{' : 'm{');
    st.first = true;
    if (t.kind === 'vector') {
      for (const e of (v as unknown[] | null) ?? []) write(st, t.of, e);
    } else {
      for (const [k, e] of (v as Map<unknown, unknown> | null) ?? new Map()) {
        write(st, t.key, k);
        write(st, t.value, e);
      }
    }
    st.out.push('}');
    st.first = false;
    return;
  }
  comma(st);
  switch (t) {
    case 'boolean':
      st.out.push(v ? 'T' : 'F');
      return;
    case 'ustring':
      st.out.push(toCSVString(v as string | null));
      return;
    case 'buffer':
      st.out.push(escapeBuffer(v as Buffer | null));
      return;
    default:
      st.out.push(String(v));
  }
}

/**
 * jute's Utils.toCSVString: a string field as a record's toString() prints it (also how
 * zkCli prints ACL ids): a leading quote, then the text with , } % NUL CR LF %-escaped.
 */
export function toCSVString(s: string | null): string {
  if (s == null) return '';
  let out = "'";
  for (const c of s) {
    switch (c) {
      case '\0':
        out += '%00';
        break;
      case '\n':
        out += '%0A';
        break;
      case '\r':
        out += '%0D';
        break;
      case ',':
        out += '%2C';
        break;
      case '}':
        out += '%7D';
        break;
      case '%':
        out += '%25';
        break;
      default:
        out += c;
    }
  }
  return out;
}

function escapeBuffer(b: Buffer | null): string {
  if (b == null || b.length === 0) return '';
  let out = '#';
  for (const x of b) out += ((x << 24) >> 24 >>> 0).toString(16);
  return out;
}
