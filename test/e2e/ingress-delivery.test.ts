// Ingress delivery, the default (core/host/ingress-ruleset.ts): the CLAT's IPv6 packets move
// between the uplink and the TUN at the devices' ingress hooks. What that promises, checked in the
// lab: the uplink's forwarding and RA sysctls stay as they were (a host whose RAs NetworkManager
// handles keeps accept_ra 0); the kernel answers for the CLAT address as anycast; a firewall whose
// forward chains drop everything does not stop the CLAT; the rules follow the next hop when another
// router takes over; and no packet leaves with Hop Limit 0 (the kernel's fwd decrements after the
// translator without checking: the translator checks and leaves the decrement to it).

import { describe, expect, it } from 'vitest';
import type { Lab } from '../../core/lab/lab.js';
import { pollUntil } from '../../core/lab/poll.js';
import { httpGet } from '../../core/lab/probes.js';
import { asRunning } from './engine-process.js';
import { labWithEngine } from './lab-engine.js';

const isRoot = process.getuid?.() === 0;
const serverIpv4 = '203.0.113.10';

/** A host firewall that forwards nothing, in both nftables styles desktops have. */
const forwardDropRuleset = `
table inet clatter_test_filter {
  chain forward { type filter hook forward priority filter; policy drop; }
}
table ip6 clatter_test_legacy {
  chain FORWARD { type filter hook forward priority filter; policy drop; }
}`;

async function ping(lab: Lab, extra: string[] = []): Promise<string> {
  const result = await lab.exec('host', ['ping', '-n', '-c', '3', '-i', '0.2', '-w', '10', ...extra, serverIpv4], { timeoutMs: 15_000, check: false });
  return result.stdout;
}

function received(pingOutput: string): number {
  return Number(/^\d+ packets transmitted, (\d+) received/m.exec(pingOutput)?.[1] ?? 0);
}

async function uplinkSysctls(lab: Lab): Promise<string> {
  const keys = ['accept_ra', 'forwarding', 'force_forwarding', 'proxy_ndp'].map((key) => `net.ipv6.conf.${lab.host.uplink}.${key}`);
  return (await lab.exec('host', ['sysctl', ...keys, 'net.ipv6.conf.all.forwarding'])).stdout;
}

describe.skipIf(!isRoot)('ingress delivery (the default)', () => {
  let sysctlsBefore: string;

  const setup = labWithEngine({
    engine: {},
    beforeEngine: async (lab) => {
      // What NetworkManager leaves on an uplink it manages: the kernel takes no RAs there.
      await lab.exec('host', ['sysctl', '-qw', `net.ipv6.conf.${lab.host.uplink}.accept_ra=0`]);
      sysctlsBefore = await uplinkSysctls(lab);
    },
  });

  it('is chosen by default and changes no forwarding or RA sysctl of the uplink; the kernel answers for the CLAT address as anycast', async () => {
    const status = asRunning(await setup.engine.up(['--prefix', '2001:db8:64::/96']));
    expect(status.delivery).toBe('ingress');
    expect(status.offloads?.length).toBeGreaterThan(0);
    expect(await uplinkSysctls(setup.lab)).toBe(sysctlsBefore);
    expect((await setup.lab.exec('host', ['ip', '-6', 'neigh', 'show', 'proxy'])).stdout).toBe('');
    const hex = status.clatIpv6.split(':').map((group) => group.padStart(4, '0')).join('');
    expect((await setup.lab.exec('host', ['cat', '/proc/net/anycast6'])).stdout).toContain(hex);
    expect(received(await ping(setup.lab))).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('carries traffic with forward chains that drop everything loaded before and while it runs', async () => {
    await setup.lab.exec('host', ['nft', '-f', '-'], { input: forwardDropRuleset });
    try {
      expect(received(await ping(setup.lab))).toBeGreaterThanOrEqual(3);
      const response = await httpGet(setup.lab, 'host', `http://${serverIpv4}${setup.lab.server.http.path}`, 20_000);
      expect(response.sha256).toBe(setup.lab.server.http.sha256);
      // And the firewall is really there: forwarding through this host is what it drops.
      const listed = (await setup.lab.exec('host', ['nft', 'list', 'chain', 'inet', 'clatter_test_filter', 'forward'])).stdout;
      expect(listed).toContain('policy drop');
    } finally {
      await setup.lab.exec('host', ['nft', 'delete', 'table', 'inet', 'clatter_test_filter']);
      await setup.lab.exec('host', ['nft', 'delete', 'table', 'ip6', 'clatter_test_legacy']);
    }
  }, 60_000);

  it('follows the next hop when another router takes over the route to the NAT64 prefix, and back', async () => {
    const nextHopInRules = async () => /fwd ip6 to (\S+) device "uplink"/.exec((await setup.lab.exec('host', ['nft', 'list', 'table', 'netdev', 'clatter'])).stdout)?.[1];
    expect(await nextHopInRules()).toBe(setup.lab.isp.linkLocal);
    // A second router address on the same link (the ISP's), preferred by a lower metric.
    await setup.lab.exec('isp', ['ip', '-6', 'addr', 'add', 'fe80::2/64', 'dev', setup.lab.isp.hostLink, 'nodad']);
    await setup.lab.exec('host', ['ip', '-6', 'route', 'add', 'default', 'via', 'fe80::2', 'dev', setup.lab.host.uplink, 'metric', '10']);
    try {
      await pollUntil(async () => (await nextHopInRules()) === 'fe80::2' || null, { timeoutMs: 5_000, what: 'the rules to name fe80::2' });
      expect(received(await ping(setup.lab))).toBeGreaterThanOrEqual(3);
      const neighbours = (await setup.lab.exec('host', ['ip', '-6', 'neigh', 'show', 'dev', setup.lab.host.uplink])).stdout;
      expect(neighbours).toMatch(/^fe80::2 lladdr/m);
    } finally {
      await setup.lab.exec('host', ['ip', '-6', 'route', 'del', 'default', 'via', 'fe80::2', 'dev', setup.lab.host.uplink]);
    }
    await pollUntil(async () => (await nextHopInRules()) === setup.lab.isp.linkLocal || null, { timeoutMs: 5_000, what: 'the rules to name the first router again' });
    expect(received(await ping(setup.lab))).toBeGreaterThanOrEqual(3);
    await setup.lab.exec('isp', ['ip', '-6', 'addr', 'del', 'fe80::2/64', 'dev', setup.lab.isp.hostLink]);
  }, 60_000);

  it('is one hop: TTL 1 expires at the CLAT, TTL 2 at the next router, and nothing leaves with Hop Limit 0', async () => {
    const capture = setup.lab.spawn('isp', ['tcpdump', '-n', '-l', '-v', '-i', setup.lab.isp.hostLink, 'ip6 and icmp6 and ip6[7] == 0'], { name: 'tcpdump' });
    try {
      await capture.waitForOutput(/listening on/, 10_000);
      expect(await ping(setup.lab, ['-t', '1'])).toMatch(/From 192\.0\.0\.2 icmp_seq=\d+ Time to live exceeded/);
      // The router's Time Exceeded comes from an address with no IPv4 form: 192.0.0.8 (RFC 7600).
      expect(await ping(setup.lab, ['-t', '2'])).toMatch(/From 192\.0\.0\.8 icmp_seq=\d+ Time to live exceeded/);
    } finally {
      await capture.stop();
    }
    expect(capture.output).not.toMatch(/IP6 /);
  }, 60_000);

  it('down removes its table and leaves the sysctls as they were', async () => {
    expect((await setup.engine.down()).state).toBe('off');
    expect((await setup.lab.exec('host', ['nft', 'list', 'tables'])).stdout).not.toContain('netdev clatter');
    expect(await uplinkSysctls(setup.lab)).toBe(sysctlsBefore);
  }, 60_000);
});
