import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommandArgs, parsePort } from '../../core/cli/command.js';
import { runClatter } from './cli-fixture.js';

const run = runClatter;

describe('clatter', () => {
  it('lists its commands for --help, -h and help, on stdout', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const { code, stdout, stderr } = await run(...argv);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: clatter <command>/);
      expect(stdout).toMatch(/^ {2}translate {2}/m);
      expect(stderr).toBe('');
    }
  });

  it('shows a command’s help for `help <command>`', async () => {
    const { code, stdout } = await run('help', 'translate');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: clatter translate --config/);
  });

  it('prints the usage on stderr and exits 2 without a command', async () => {
    const { code, stdout, stderr } = await run();
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Usage: clatter/);
  });

  it('rejects an unknown command or option in one line, exit 2', async () => {
    expect(await run('frobnicate')).toEqual({ code: 2, stdout: '', stderr: "clatter: unknown command 'frobnicate' (see clatter --help)\n" });
    expect(await run('--verbose')).toEqual({ code: 2, stdout: '', stderr: 'clatter: unknown option --verbose (see clatter --help)\n' });
    expect(await run('help', 'frobnicate')).toMatchObject({ code: 2, stderr: "clatter: unknown command 'frobnicate' (see clatter --help)\n" });
  });
});

describe('parseCommandArgs', () => {
  const options = { in: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

  it('reads string and boolean options, short names, and inline values', () => {
    expect(parseCommandArgs(['--in', 'a.pcap', '--json', '-h'], options)).toEqual({ ok: true, values: { in: 'a.pcap', json: true, help: true }, positionals: [] });
    expect(parseCommandArgs(['--in=-odd.pcap'], options)).toEqual({ ok: true, values: { in: '-odd.pcap' }, positionals: [] });
    expect(parseCommandArgs(['--in', '-'], options)).toEqual({ ok: true, values: { in: '-' }, positionals: [] });
    expect(parseCommandArgs(['x', '--', '--y'], options, 2)).toEqual({ ok: true, values: {}, positionals: ['x', '--y'] });
  });

  it('names what is wrong', () => {
    const error = (args: string[]) => {
      const result = parseCommandArgs(args, options);
      return result.ok ? undefined : result.error;
    };
    expect(error(['--fast'])).toBe('unknown option --fast');
    expect(error(['-x'])).toBe('unknown option -x');
    expect(error(['--constructor'])).toBe('unknown option --constructor');
    expect(error(['--in'])).toBe('--in needs a value');
    expect(error(['--in='])).toBe('--in needs a value');
    expect(error(['--in', '--json'])).toMatch(/^--in needs a value \(got the option --json/);
    expect(error(['--json=yes'])).toBe('--json takes no value');
    expect(error(['--in', 'a', '--in', 'b'])).toBe('--in is given twice');
    expect(error(['stray'])).toBe("unexpected argument 'stray'");
  });
});

const bin = fileURLToPath(new URL('../../bin/clatter.js', import.meta.url));

describe('bin/clatter.js (after tsc -b, which npm test runs first)', () => {
  it('exits with the command’s code and prints no stack trace', () => {
    const result = spawnSync(process.execPath, [bin, 'translate', '--in', '/nonexistent.pcap'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('clatter translate: missing --config, --out (see clatter translate --help)\n');
  });
});

describe('parsePort', () => {
  it('takes decimal 0 to 65535 only', () => {
    expect(['0', '80', '65535', '08080'].map(parsePort)).toEqual([0, 80, 65535, 8080]);
    expect(['65536', '-1', '0x50', '1e3', '8.0', '', ' 80', '100000'].map(parsePort)).toEqual(new Array(8).fill(null));
  });
});
