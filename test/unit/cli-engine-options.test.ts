// `clatter engine --offload on|off` and `--workers N`: the switches are documented, and anything
// else is a usage error (exit 2) before the engine touches the host.

import { describe, expect, it } from 'vitest';
import { runClatter } from './cli-fixture.js';

const run = runClatter;

describe('clatter engine --offload', () => {
  it('is in the help', async () => {
    const { code, stdout } = await run('help', 'engine');
    expect(code).toBe(0);
    expect(stdout).toMatch(/--offload on\|off/);
  });

  it('refuses a value other than on or off', async () => {
    const { code, stderr } = await run('engine', '--offload', 'maybe');
    expect(code).toBe(2);
    expect(stderr).toBe('clatter engine: --offload must be on or off\n');
  });
});

describe('clatter engine --workers', () => {
  it('is in the help, with its range', async () => {
    const { code, stdout } = await run('help', 'engine');
    expect(code).toBe(0);
    expect(stdout).toMatch(/--workers N/);
    expect(stdout).toMatch(/0 to 16\)/);
  });

  it.each(['-1', '2.5', 'two', '17', '1e1'])('refuses %j', async (value) => {
    // --workers=VALUE: a value that looks like an option is then still a value.
    const { code, stderr } = await run('engine', `--workers=${value}`);
    expect(code).toBe(2);
    expect(stderr).toBe('clatter engine: --workers must be a whole number from 0 to 16\n');
  });
});
