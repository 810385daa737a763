// Bad input to the real engine in the lab: each is refused with an error that says what is wrong,
// the command exits non-zero, and the host namespace is exactly as before (host-snapshot.ts) - or,
// when the CLAT was running, the running CLAT is untouched. The tests share one lab and one engine;
// each starts and ends with the CLAT off.

import { chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asRunning, clatterBin, type CliResult } from './engine-process.js';
import { labWithEngine } from './lab-engine.js';
import { hostSnapshot } from './host-snapshot.js';

const isRoot = process.getuid?.() === 0;

/** nobody: neither root nor in a "clatter" group. */
const unprivilegedUid = 65534;

function expectRefused(result: CliResult, message: RegExp): void {
  expect(result.stderr).toMatch(message);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
}

describe.skipIf(!isRoot)('bad input: a clear error, and nothing changes', () => {
  let pristine: string;

  const setup = labWithEngine({
    engine: {},
    beforeEngine: async (lab) => {
      pristine = await hostSnapshot(lab);
    },
  });

  it('up --uplink nosuch: no such interface', async () => {
    expectRefused(await setup.engine.cli(['up', '--uplink', 'nosuch']), /^clatter up: no interface named "nosuch"\n$/);
    expect(await setup.engine.status()).toEqual({ state: 'off', mode: 'manual' });
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
  }, 30_000);

  it('up --prefix 2001:db8::/44: not an RFC 6052 prefix length', async () => {
    expectRefused(
      await setup.engine.cli(['up', '--prefix', '2001:db8::/44']),
      /^clatter up: --prefix: prefix length \/44 is not one of \/32, \/40, \/48, \/56, \/64, \/96 \(RFC 6052 §2\.2\)\n$/,
    );
    expect(await setup.engine.status()).toEqual({ state: 'off', mode: 'manual' });
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
  }, 30_000);

  it('up while up: already up, and the running CLAT is untouched', async () => {
    const clat = setup.engine;
    try {
      await clat.up();
      const before = await clat.waitForRunning();
      const running = await hostSnapshot(setup.lab);
      expectRefused(await clat.cli(['up']), /^clatter up: the CLAT is already running on uplink; run clatter down first\n$/);
      const after = asRunning(await clat.status());
      expect(after.clatIpv6).toBe(before.clatIpv6);
      expect(after.sinceMs).toBe(before.sinceMs);
      expect(await hostSnapshot(setup.lab)).toBe(running);
    } finally {
      await clat.down();
    }
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
  }, 60_000);

  it('a second engine on the same socket (and state dir) exits non-zero and leaves the first and its CLAT alone', async () => {
    const clat = setup.engine;
    try {
      const before = asRunning(await clat.up());
      const running = await hostSnapshot(setup.lab);
      // The same journal too: undoing it would tear down the first engine's CLAT under it.
      const second = setup.lab.spawn('host', [process.execPath, clatterBin, 'engine', '--socket', clat.socket, '--state-dir', clat.stateDir], { name: 'second engine' });
      const exit = await second.exited;
      expect(exit.code).toBe(1);
      expect(second.output).toBe(`clatter engine: another engine is already listening on ${clat.socket}\n`);

      expect(asRunning(await clat.status()).clatIpv6).toBe(before.clatIpv6);
      expect(await hostSnapshot(setup.lab)).toBe(running);
      await setup.lab.exec('host', ['ping', '-n', '-c', '2', '-i', '0.2', '-w', '10', '203.0.113.10'], { timeoutMs: 15_000 });
    } finally {
      await clat.down();
    }
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
  }, 60_000);

  it('a client that is neither root nor in the "clatter" group is refused: by the socket path, or by the engine', async () => {
    const clat = setup.engine;
    // The socket's directory and the socket itself keep others out (0700 here, 0660 root:root)...
    expectRefused(
      await clat.cli(['status'], { uid: unprivilegedUid }),
      new RegExp(`^clatter status: no permission on ${clat.socket}: run as root or as a member of the "clatter" group\\n$`),
    );
    // ...and with both opened up, the engine's SO_PEERCRED check still refuses the process.
    try {
      chmodSync(dirname(clat.socket), 0o755);
      chmodSync(clat.socket, 0o666);
      expectRefused(await clat.cli(['up'], { uid: unprivilegedUid }), /^clatter up: process \d+ \(uid 65534\) is neither root nor in the "clatter" group\n$/);
    } finally {
      chmodSync(clat.socket, 0o660);
      chmodSync(dirname(clat.socket), 0o700);
    }
    expect(clat.log).toMatch(/refused a control connection: process \d+ \(uid 65534\) is neither root nor in the "clatter" group/);
    expect(await clat.status()).toEqual({ state: 'off', mode: 'manual' });
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
  }, 30_000);

  it('native IPv4: up refuses (native-ipv4) unless --force, which takes the IPv4 default route and gives it back', async () => {
    const clat = setup.engine;
    // Native IPv4 in the lab's host namespace only (a documentation address, nothing answers there).
    await setup.lab.exec('host', ['ip', '-4', 'addr', 'add', '198.51.100.77/24', 'dev', 'uplink']);
    await setup.lab.exec('host', ['ip', '-4', 'route', 'add', 'default', 'via', '198.51.100.1', 'dev', 'uplink']);
    try {
      const native = await hostSnapshot(setup.lab);
      expectRefused(
        await clat.cli(['up']),
        /^clatter up: this host has native IPv4 \(default via 198\.51\.100\.1 dev uplink\): a CLAT is not needed\. Use --force to take the IPv4 default route anyway\n$/,
      );
      expect(await clat.status()).toEqual({ state: 'off', mode: 'manual' });
      expect(await hostSnapshot(setup.lab)).toBe(native);

      try {
        const forced = await clat.up(['--force']);
        expect(forced.state).toBe('running');
        // IPv4 to the server now leaves through the CLAT, not the native route.
        expect((await setup.lab.exec('host', ['ip', '-4', 'route', 'get', '203.0.113.10'])).stdout).toMatch(/^203\.0\.113\.10 dev clat src 192\.0\.0\.1 /);
        await setup.lab.exec('host', ['ping', '-n', '-c', '2', '-i', '0.2', '-w', '10', '203.0.113.10'], { timeoutMs: 15_000 });
      } finally {
        await clat.down();
      }
      expect(await hostSnapshot(setup.lab)).toBe(native);
    } finally {
      await setup.lab.exec('host', ['ip', '-4', 'route', 'del', 'default', 'via', '198.51.100.1', 'dev', 'uplink']);
      await setup.lab.exec('host', ['ip', '-4', 'addr', 'del', '198.51.100.77/24', 'dev', 'uplink']);
    }
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
  }, 60_000);
});
