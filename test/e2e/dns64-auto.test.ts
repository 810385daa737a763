// A network without PREF64 RAs (the lab with createLab({ pref64: null })): the CLAT learns the NAT64
// prefix from DNS64 (RFC 7050, ipv4only.arpa); and auto mode, where the engine turns the CLAT on by
// itself on an IPv6-only host and off while native IPv4 is there (RFC 6877 §6.3). One lab; the
// tests run in order, each with its own engine.

import { describe, expect, it } from 'vitest';
import type { Lab } from '../../core/lab/lab.js';
import { digShort, udpExchange } from '../../core/lab/probes.js';
import { isRunning, runningWith } from './engine-process.js';
import { labWithEngine } from './lab-engine.js';
import { hostSnapshot } from './host-snapshot.js';

const isRoot = process.getuid?.() === 0;

const dns64Prefix = '2001:db8:64::/96';

async function pingServer(lab: Lab): Promise<void> {
  const { stdout } = await lab.exec('host', ['ping', '-n', '-c', '3', '-i', '0.2', '-w', '15', '203.0.113.10'], { timeoutMs: 20_000 });
  expect(stdout.match(/^\d+ bytes from 203\.0\.113\.10: /gm)?.length ?? 0).toBeGreaterThanOrEqual(3);
}

/** Native IPv4 in the lab's host namespace only: a documentation address and a default route (nothing answers there). */
async function addNativeIpv4(lab: Lab): Promise<void> {
  await lab.exec('host', ['ip', '-4', 'addr', 'add', '198.51.100.77/24', 'dev', 'uplink']);
  await lab.exec('host', ['ip', '-4', 'route', 'add', 'default', 'via', '198.51.100.1', 'dev', 'uplink']);
}

async function removeNativeIpv4(lab: Lab): Promise<void> {
  await lab.exec('host', ['ip', '-4', 'route', 'del', 'default', 'via', '198.51.100.1', 'dev', 'uplink'], { check: false });
  await lab.exec('host', ['ip', '-4', 'addr', 'del', '198.51.100.77/24', 'dev', 'uplink'], { check: false });
}

describe.skipIf(!isRoot)('without PREF64: the prefix from DNS64; auto mode', () => {
  let pristine: string;
  /** The host with native IPv4 added and no CLAT. */
  let withNativeIpv4: string;

  const setup = labWithEngine({
    lab: { pref64: null },
    engine: null,
    beforeEngine: async (lab) => {
      pristine = await hostSnapshot(lab);
      await addNativeIpv4(lab);
      withNativeIpv4 = await hostSnapshot(lab);
      await removeNativeIpv4(lab);
      expect(await hostSnapshot(lab)).toBe(pristine);
    },
  });

  it('takes the prefix from DNS64 when no RA carries PREF64', async () => {
    expect(setup.lab.pref64.current).toBeNull();
    await setup.startEngine();
    await setup.engine.up();
    const status = await setup.engine.waitForStatus(runningWith(dns64Prefix, 'dns'), 'running with the DNS64 prefix', 15_000);
    // RFC 7050: valid for the TTL of the AAAA record, so it expires.
    expect(status.prefix.expiresAtMs).toBeGreaterThan(Date.now());
    await pingServer(setup.lab);
    expect(await digShort(setup.lab, 'host', 'A', 'server.example', setup.lab.isp.dns.ipv4)).toEqual(['203.0.113.10']);
    expect(await setup.engine.down()).toEqual({ state: 'off', mode: 'manual' });
    expect(await setup.engine.stop()).toEqual({ code: 0, signal: null });
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
  }, 60_000);

  it('auto mode: on by itself on the IPv6-only host, off while native IPv4 is there, on again after', async () => {
    await setup.startEngine({ auto: true });
    const clat = setup.engine;
    // No `clatter up`: the engine found an IPv6 default route, no IPv4 one, and a prefix.
    const first = await clat.waitForStatus(runningWith(dns64Prefix, 'dns'), 'running by itself', 15_000);
    expect(first.mode).toBe('auto');
    expect(first.auto).toBe('on: no native IPv4');
    await pingServer(setup.lab);

    await addNativeIpv4(setup.lab);
    try {
      const off = await clat.waitForStatus((status) => status.state === 'off', 'off after native IPv4 appeared', 10_000);
      expect(off).toEqual({
        state: 'off',
        mode: 'auto',
        reason: 'native IPv4 appeared (default via 198.51.100.1 dev uplink)',
        auto: 'off: the host has native IPv4 (default via 198.51.100.1 dev uplink)',
      });
      // Off means the CLAT's changes are undone: the host is exactly the host with native IPv4.
      expect(await hostSnapshot(setup.lab)).toBe(withNativeIpv4);
      // And it stays off while native IPv4 remains.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await clat.status()).state).toBe('off');
    } finally {
      await removeNativeIpv4(setup.lab);
    }

    const again = await clat.waitForStatus(isRunning, 'running again after native IPv4 went', 15_000);
    expect(again).toMatchObject({ mode: 'auto', auto: 'on: no native IPv4', uplink: 'uplink', prefix: { prefix: dns64Prefix, source: 'dns' } });
    await pingServer(setup.lab);
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    expect(new Uint8Array(await udpExchange(setup.lab, 'host', '203.0.113.10', setup.lab.server.udpEchoPort, payload))).toEqual(payload);

    // Stopping the auto engine turns the CLAT off and restores the host.
    expect(await clat.stop()).toEqual({ code: 0, signal: null });
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
  }, 90_000);
});
