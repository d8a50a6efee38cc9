import { CliParseException } from './cli-exceptions';

/**
 * The part of Apache commons-cli 1.5 (DefaultParser, Options, OptionGroup) that zkCli's
 * commands use, with its quirks, so that a shell command accepts and refuses exactly what
 * zkCli does: options may come after the arguments, `-sR` combines flags, `-v0` and
 * `-v 0` both give a value, a value may be a negative number, `--` ends the options, and
 * the errors read as commons-cli's exceptions printed by Java
 * ("org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -x").
 */
export interface OptionDef {
  /** The short name: one character, or a word such as reconfig's "members". */
  opt: string;
  hasArg: boolean;
  description: string;
}

export interface OptionGroupDef {
  opts: string[];
  required: boolean;
}

export class OptionsSpec {
  private readonly byName = new Map<string, OptionDef>();
  private readonly groupOf = new Map<string, OptionGroupDef>();

  constructor(
    defs: OptionDef[],
    readonly groups: OptionGroupDef[] = [],
  ) {
    for (const d of defs) this.byName.set(d.opt, d);
    for (const g of groups) for (const o of g.opts) this.groupOf.set(o, g);
  }

  get(opt: string): OptionDef | undefined {
    return this.byName.get(opt);
  }
  has(opt: string): boolean {
    return this.byName.has(opt);
  }
  group(opt: string): OptionGroupDef | undefined {
    return this.groupOf.get(opt);
  }
  /** In the order they were defined (commons-cli keeps a LinkedHashMap). */
  all(): OptionDef[] {
    return [...this.byName.values()];
  }
}

/** Shorthand for a list of option definitions: `flag('s', 'stats')`, `withArg('v', 'version')`. */
export const flag = (opt: string, description: string): OptionDef => ({ opt, hasArg: false, description });
export const withArg = (opt: string, description: string): OptionDef => ({ opt, hasArg: true, description });

/** The parsed command line: options seen (with their values) and the remaining arguments. */
export class CommandLine {
  readonly args: string[] = [];
  private readonly values = new Map<string, string | null>();

  hasOption(opt: string): boolean {
    return this.values.has(opt);
  }
  /** The option's value; null if absent or given without one. */
  getOptionValue(opt: string): string | null {
    return this.values.get(opt) ?? null;
  }
  /** @internal */
  setOption(opt: string, value: string | null): void {
    // commons-cli returns the first value of a repeated option.
    if (!this.values.has(opt) || this.values.get(opt) === null) this.values.set(opt, value);
  }
}

function parseError(kind: string, message: string): CliParseException {
  return new CliParseException(`org.apache.commons.cli.${kind}: ${message}`);
}

/** Util.stripLeadingAndTrailingQuotes, applied by commons-cli 1.5 to option values. */
function stripQuotes(s: string): string {
  if (s.length > 1 && s.startsWith('"') && s.endsWith('"') && !s.substring(1, s.length - 1).includes('"')) {
    return s.substring(1, s.length - 1);
  }
  return s;
}

/** Java's Double.parseDouble accepting the token (DefaultParser.isNegativeNumber). */
function isNegativeNumber(token: string): boolean {
  return /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$/.test(token.trim());
}

function groupText(spec: OptionsSpec, g: OptionGroupDef): string {
  return `[${g.opts.map((o) => `-${o} ${spec.get(o)!.description}`).join(', ')}]`;
}

/** DefaultParser.parse(options, args) with stopAtNonOption = false. */
export function parseCommandLine(spec: OptionsSpec, args: readonly string[]): CommandLine {
  const cmd = new CommandLine();
  const selected = new Map<OptionGroupDef, string>();
  let current = null as { def: OptionDef; value: string | null } | null;
  let skipParsing = false;

  const checkRequiredArgs = () => {
    if (current && current.value === null) throw parseError('MissingArgumentException', `Missing argument for option: ${current.def.opt}`);
  };
  const flush = () => {
    if (current) cmd.setOption(current.def.opt, current.value);
  };
  const handleOption = (def: OptionDef) => {
    checkRequiredArgs();
    flush();
    current = null;
    const g = spec.group(def.opt);
    if (g) {
      const already = selected.get(g);
      if (already !== undefined && already !== def.opt) {
        throw parseError(
          'AlreadySelectedException',
          `The option '${def.opt}' was specified but an option from this group has already been selected: '${already}'`,
        );
      }
      selected.set(g, def.opt);
    }
    if (def.hasArg) current = { def, value: null };
    else cmd.setOption(def.opt, null);
  };
  const addValue = (v: string) => {
    current!.value = v;
    flush();
    current = null;
  };
  const unknown = (token: string) => {
    if (token.startsWith('-') && token.length > 1) throw parseError('UnrecognizedOptionException', `Unrecognized option: ${token}`);
    cmd.args.push(token);
  };
  const isShortOption = (token: string) => {
    if (!token.startsWith('-') || token.length === 1) return false;
    const eq = token.indexOf('=');
    const name = eq === -1 ? token.substring(1) : token.substring(1, eq);
    return spec.has(name) || (name.length > 0 && spec.has(name[0]));
  };
  const concatenated = (token: string) => {
    for (let i = 1; i < token.length; i++) {
      const def = spec.get(token[i]);
      if (!def) return unknown(token);
      handleOption(def);
      if (current && token.length !== i + 1) return addValue(token.substring(i + 1));
    }
  };
  const shortOrLong = (token: string) => {
    const t = token.startsWith('--') ? token.substring(2) : token.substring(1);
    const eq = t.indexOf('=');
    if (t.length === 1) {
      const def = spec.get(t);
      return def ? handleOption(def) : unknown(token);
    }
    if (eq === -1) {
      const def = spec.get(t);
      return def ? handleOption(def) : concatenated(token);
    }
    const name = t.substring(0, eq);
    const def = name.length === 1 ? spec.get(name) : undefined;
    if (def && def.hasArg) {
      handleOption(def);
      return addValue(t.substring(eq + 1));
    }
    unknown(token);
  };

  for (const token of args) {
    if (skipParsing) cmd.args.push(token);
    else if (token === '--') skipParsing = true;
    else if (current && current.value === null && (!isShortOption(token) || isNegativeNumber(token))) addValue(stripQuotes(token));
    // No zkCli option has a long name, so every "--x" is unrecognized.
    else if (token.startsWith('--')) unknown(token);
    else if (token.startsWith('-') && token !== '-') shortOrLong(token);
    else unknown(token);
  }
  checkRequiredArgs();
  flush();
  const missing = spec.groups.filter((g) => g.required && !selected.has(g));
  if (missing.length > 0) {
    const s = missing.length === 1 ? '' : 's';
    throw parseError('MissingOptionException', `Missing required option${s}: ${missing.map((g) => groupText(spec, g)).join(', ')}`);
  }
  return cmd;
}
