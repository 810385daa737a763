// Starting the engine through pkexec, with a fake pkexec: a shell or node script in a temporary
// directory standing in for it, so the real spawn, exit codes, log file and socket polling run.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EngineStarter, engineCommandLine, exitMessage, findOnPath, type Spawn } from '../../../electron/main/engine-starter.js';

const root = mkdtempSync(join(tmpdir(), 'clatter-starter-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let scripts = 0;
function fakePkexec(body: string): string {
  const path = join(root, `pkexec-${++scripts}`);
  writeFileSync(path, body);
  chmodSync(path, 0o755);
  return path;
}

function starter(pkexecPath: string | null, name: string, extra: { timeoutMs?: number; spawn?: Spawn } = {}) {
  return new EngineStarter({
    pkexecPath,
    clatterPath: '/usr/local/bin/clatter',
    socketPath: join(root, `${name}.sock`),
    logPath: join(root, 'logs', `${name}.log`),
    pollMs: 20,
    timeoutMs: extra.timeoutMs ?? 10_000,
    ...(extra.spawn ? { spawn: extra.spawn } : {}),
  });
}

describe('engineCommandLine', () => {
  it('runs `clatter engine` on the socket the shell watches, without pkexec\'s terminal agent', () => {
    expect(engineCommandLine({ clatterPath: '/usr/local/bin/clatter', socketPath: '/run/clatter/engine.sock' })).toEqual([
      '--disable-internal-agent',
      '/usr/local/bin/clatter',
      'engine',
      '--socket',
      '/run/clatter/engine.sock',
    ]);
  });

  it('is what pkexec receives, spawned detached with output to the log', async () => {
    const argvFile = join(root, 'argv.txt');
    const pkexec = fakePkexec(`#!/bin/sh\nprintf '%s\\n' "$@" > ${argvFile}\necho "clatter engine: cannot create TUN device" >&2\nexit 1\n`);
    const spawned = vi.fn<Spawn>();
    const { spawn } = await import('node:child_process');
    spawned.mockImplementation((command, args, options) => spawn(command, [...args], options));
    const s = starter(pkexec, 'argv', { spawn: spawned });
    const result = await s.start();
    expect(readFileSync(argvFile, 'utf8').trim().split('\n')).toEqual(['--disable-internal-agent', '/usr/local/bin/clatter', 'engine', '--socket', join(root, 'argv.sock')]);
    expect(spawned.mock.calls[0][2]).toMatchObject({ detached: true });
    // The engine's stderr went to the log, and its last line explains the failure.
    expect(readFileSync(join(root, 'logs', 'argv.log'), 'utf8')).toContain('cannot create TUN device');
    expect(result).toEqual({ ok: false, error: 'the engine exited with code 1 before it was ready: clatter engine: cannot create TUN device' });
  });
});

describe('EngineStarter', () => {
  it('says pkexec is missing when it is not installed', async () => {
    const s = starter(null, 'none');
    expect(s.canStart).toBe(false);
    const result = await s.start();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^pkexec is not installed/);
  });

  it('says pkexec is missing when its path is gone', async () => {
    const result = await starter(join(root, 'no-such-pkexec'), 'gone').start();
    expect(result).toEqual({ ok: false, error: `pkexec is not installed (no ${join(root, 'no-such-pkexec')})` });
  });

  it('reports a dismissed password dialog (126)', async () => {
    const result = await starter(fakePkexec('#!/bin/sh\nexit 126\n'), 'dismissed').start();
    expect(result).toEqual({ ok: false, error: 'Starting the engine was cancelled: the password dialog was dismissed' });
  });

  it('reports a refusal (127)', async () => {
    const result = await starter(fakePkexec('#!/bin/sh\nexit 127\n'), 'refused').start();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^Not authorized to start the engine/);
  });

  it('succeeds when the engine opens its socket, and leaves it running', async () => {
    const socket = join(root, 'ok.sock');
    const pidFile = join(root, 'ok.pid');
    // A stand-in engine: listens on the socket, then stays up for a while.
    const pkexec = fakePkexec(
      `#!${process.execPath}\nconst fs = require('node:fs');\nfs.writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\n` +
        `setTimeout(() => require('node:net').createServer().listen(${JSON.stringify(socket)}), 100);\nsetTimeout(() => process.exit(0), 5000);\n`,
    );
    const s = starter(pkexec, 'ok');
    const first = s.start();
    // A second click while the first start is under way gets the same answer, not a second engine.
    const second = s.start();
    expect(s.starting).toBe(true);
    await expect(first).resolves.toEqual({ ok: true });
    await expect(second).resolves.toEqual({ ok: true });
    expect(s.starting).toBe(false);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(() => process.kill(pid, 0)).not.toThrow();
    process.kill(pid, 'SIGTERM');
  });

  it('is not fooled by a stale socket from an earlier engine', async () => {
    const socket = join(root, 'stale.sock');
    const { createServer } = await import('node:net');
    const stale = createServer();
    await new Promise<void>((resolve) => stale.listen(socket, resolve));
    // Still there, unchanged: a pkexec that waits for a password nobody types.
    const s = starter(fakePkexec('#!/bin/sh\nsleep 2\n'), 'stale', { timeoutMs: 300 });
    const result = await s.start();
    stale.close();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^no engine socket at .*stale\.sock after 0 s/);
  });
});

describe('exitMessage', () => {
  it('names the signal, the cancel, the refusal and other codes', () => {
    expect(exitMessage(null, 'SIGKILL', null)).toBe('the engine was stopped by SIGKILL before it was ready');
    expect(exitMessage(126, null, 'ignored')).toMatch(/cancelled/);
    expect(exitMessage(127, null, null)).toMatch(/Not authorized/);
    expect(exitMessage(2, null, null)).toBe('the engine exited with code 2 before it was ready');
  });
});

describe('findOnPath', () => {
  it('finds executables only, in PATH order', () => {
    const a = join(root, 'path-a');
    const b = join(root, 'path-b');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'tool'), 'not executable');
    writeFileSync(join(b, 'tool'), '#!/bin/sh\n');
    chmodSync(join(b, 'tool'), 0o755);
    expect(findOnPath('tool', `${a}:${b}`)).toBe(join(b, 'tool'));
    expect(findOnPath('tool', `relative:${a}`)).toBeNull();
    expect(findOnPath('missing', `${a}:${b}`)).toBeNull();
  });
});
