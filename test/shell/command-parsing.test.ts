import { flag, OptionsSpec, parseCommandLine, withArg } from '../../lib/shell/command-options';
import { parseCommandLineWords, parseMainOptions } from '../../lib/shell/command-line';
import { CliParseException } from '../../lib/shell/cli-exceptions';
import { shellHistoryFile } from '../../lib/cli/shell-command';

/** commons-cli 1.5's DefaultParser and ZooKeeperMain's own parsing, quirks included. */

const spec = new OptionsSpec([flag('s', 'stats'), flag('R', 'recurse'), withArg('v', 'version')]);
const parse = (...args: string[]) => parseCommandLine(spec, args);
const parseError = (...args: string[]) => {
  try {
    parse(...args);
  } catch (e) {
    expect(e).toBeInstanceOf(CliParseException);
    return (e as Error).message;
  }
  throw new Error('parsed');
};

describe('options as commons-cli parses them', () => {
  test('options may follow the arguments, and args keep their order', () => {
    const cl = parse('ls', '/a', '-s', 'x');
    expect(cl.args).toEqual(['ls', '/a', 'x']);
    expect(cl.hasOption('s')).toBe(true);
    expect(cl.hasOption('R')).toBe(false);
  });

  test('flags combine (-sR) and a value may be attached (-v0) or follow (-v 0)', () => {
    const a = parse('set', '-sR', '/a');
    expect([a.hasOption('s'), a.hasOption('R')]).toEqual([true, true]);
    expect(parse('set', '-v0', '/a').getOptionValue('v')).toBe('0');
    expect(parse('set', '-v', '7', '/a').getOptionValue('v')).toBe('7');
    expect(parse('set', '-v=9', '/a').getOptionValue('v')).toBe('9');
  });

  test('a negative number is a value, not an option', () => {
    expect(parse('set', '-v', '-1', '/a').getOptionValue('v')).toBe('-1');
  });

  test('a word that is not an option is taken as the value, even one starting with "-"', () => {
    const cl = parse('set', '-v', '/a', 'x');
    expect(cl.getOptionValue('v')).toBe('/a');
    expect(cl.args).toEqual(['set', 'x']);
    expect(parse('set', '-v', '-x').getOptionValue('v')).toBe('-x');
  });

  test('"--" ends the options; a lone "-" is an argument', () => {
    expect(parse('get', '--', '-s').args).toEqual(['get', '-s']);
    expect(parse('get', '-').args).toEqual(['get', '-']);
  });

  test('unknown options are refused with commons-cli\'s exception text', () => {
    expect(parseError('create', '-x', '/b')).toBe('org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -x');
    expect(parseError('create', '-sw', '/b')).toBe('org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -sw');
    expect(parseError('ls', '--long')).toBe('org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: --long');
    expect(parseError('ls', '-s=1')).toBe('org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -s=1');
  });

  test('an option missing its value is refused, at the end or before the next option', () => {
    expect(parseError('delete', '-v')).toBe('org.apache.commons.cli.MissingArgumentException: Missing argument for option: v');
    expect(parseError('delete', '-v', '-s', '/a')).toBe('org.apache.commons.cli.MissingArgumentException: Missing argument for option: v');
    expect(parseError('delete', '-v', '--')).toBe('org.apache.commons.cli.MissingArgumentException: Missing argument for option: v');
  });

  test('an option group takes one member, and a required group must be used', () => {
    const quota = new OptionsSpec(
      [withArg('n', 'num soft quota'), withArg('b', 'bytes soft quota')],
      [{ opts: ['n', 'b'], required: true }],
    );
    expect(() => parseCommandLine(quota, ['setquota', '-n', '1', '-b', '2', '/a'])).toThrow(
      "org.apache.commons.cli.AlreadySelectedException: The option 'b' was specified but an option from this group has already been selected: 'n'",
    );
    expect(() => parseCommandLine(quota, ['setquota', '/a'])).toThrow(
      'org.apache.commons.cli.MissingOptionException: Missing required option: [-n num soft quota, -b bytes soft quota]',
    );
    expect(parseCommandLine(quota, ['setquota', '-n', '1', '-n', '2', '/a']).getOptionValue('n')).toBe('1');
  });

  test('word-named options (reconfig\'s -members) are options, quoted values lose their quotes', () => {
    const r = new OptionsSpec([withArg('members', 'm'), withArg('file', 'f')]);
    expect(parseCommandLine(r, ['reconfig', '-members', '"server.1=a:1:2"']).getOptionValue('members')).toBe('server.1=a:1:2');
    expect(() => parseCommandLine(r, ['reconfig', '-m', 'x'])).toThrow('Unrecognized option: -m');
  });
});

describe('a typed line split into words', () => {
  test('blanks separate words; double or single quotes keep blanks in one', () => {
    expect(parseCommandLineWords('create /a "hello world"  x')).toEqual(['create', '/a', 'hello world', 'x']);
    expect(parseCommandLineWords("set /a 'it is'")).toEqual(['set', '/a', 'it is']);
    expect(parseCommandLineWords('  ls   /  ')).toEqual(['ls', '/']);
  });

  test('a quote inside a word starts nothing, and a line of blanks is the command " " (as in zkCli)', () => {
    expect(parseCommandLineWords('create /q a"b c"')).toEqual(['create', '/q', 'a"b', 'c"']);
    expect(parseCommandLineWords('   ')).toEqual([' ']);
    expect(parseCommandLineWords('"')).toBeNull();
  });
});

describe('the shell\'s own options', () => {
  test('-server, -timeout, -r and -waitforconnection come before the command', () => {
    const { options, error } = parseMainOptions(['-server', 'h:1,h:2/app', '-timeout', '5000', '-r', '-waitforconnection', 'get', '-s', '/a']);
    expect(error).toBeNull();
    expect(options).toMatchObject({ server: 'h:1,h:2/app', timeout: '5000', readonly: true, waitForConnection: true, command: 'get' });
    expect(options.cmdArgs).toEqual(['get', '-s', '/a']);
  });

  test('defaults are localhost:2181 and 30 s, interactive when no command is given', () => {
    const { options } = parseMainOptions([]);
    expect(options).toMatchObject({ server: 'localhost:2181', timeout: '30000', readonly: false, command: null });
  });

  test('unknown flags are ignored; a flag without its value is reported and ends parsing', () => {
    expect(parseMainOptions(['-foo', 'ls', '/']).options.cmdArgs).toEqual(['ls', '/']);
    const { options, error } = parseMainOptions(['-timeout', '10', '-server']);
    expect(error).toBe('Error: no argument found for option -server');
    expect(options).toMatchObject({ timeout: '10', server: 'localhost:2181', command: null });
  });
});

describe('where the interactive history is kept', () => {
  test('~/.zoolab_history by default, another file or none through ZOOLAB_SHELL_HISTORY', () => {
    expect(shellHistoryFile({ HOME: '/home/x' })).toMatch(/\.zoolab_history$/);
    expect(shellHistoryFile({ ZOOLAB_SHELL_HISTORY: '/tmp/h' })).toBe('/tmp/h');
    for (const off of ['', 'off', 'NONE', '0']) expect(shellHistoryFile({ ZOOLAB_SHELL_HISTORY: off })).toBeNull();
  });
});
