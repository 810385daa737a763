// The finer rules of a host CLAT, in the lab: ICMP errors from IPv6 routers that have no IPv4 form
// reach IPv4 programs from 192.0.0.8 (RFC 7600, as RFC 6791 asks), so traceroute shows the access
// network's hops as that and not as the CLAT; the IPv4 route MTU follows the MTU the router's RAs
// announce (RFC 4861 §4.6.4, minus 28 for the IPv6 and Fragment headers), also when it changes
// while the CLAT runs; and the RFC 1918 setting for the well-known prefix is shown in status.

import { describe, expect, it } from 'vitest';
import type { Lab } from '../../core/lab/lab.js';
import { httpGet } from '../../core/lab/probes.js';
import { asRunning, isRunning } from './engine-process.js';
import { labWithEngine } from './lab-engine.js';

const isRoot = process.getuid?.() === 0;
const serverIpv4 = '203.0.113.10';
const raMtu = 1400;
const changedRaMtu = 1300;

/** The MTU and advmss of the IPv4 default route through the CLAT, as the kernel has them. */
async function ipv4Route(lab: Lab): Promise<{ mtu: number | null; advmss: number | null }> {
  const { stdout } = await lab.exec('host', ['ip', '-4', 'route', 'show', 'default', 'dev', 'clat']);
  const mtu = /\bmtu (\d+)/.exec(stdout);
  const advmss = /\badvmss (\d+)/.exec(stdout);
  return { mtu: mtu === null ? null : Number(mtu[1]), advmss: advmss === null ? null : Number(advmss[1]) };
}

/**
 * The host's own kernel refuses an IPv4 ping with DF one byte over the route MTU ("message too
 * long, mtu=N"): the route MTU is what IPv4 programs get. (Full-size pings cannot go all the way in
 * the lab: tayga fragments the echo reply for IPv6, and fragmented ICMP is untranslatable, RFC 7915.)
 */
async function refusedAbove(lab: Lab, routeMtu: number): Promise<string> {
  const result = await lab.exec('host', ['ping', '-n', '-c', '1', '-w', '2', '-M', 'do', '-s', String(routeMtu - 28 + 1), serverIpv4], { check: false });
  return result.stdout + result.stderr;
}

async function download(lab: Lab): Promise<void> {
  const http = await httpGet(lab, 'host', `http://${serverIpv4}${lab.server.http.path}`);
  expect([http.status, http.sha256]).toEqual([200, lab.server.http.sha256]);
}

/** traceroute's hops: the address each answered from (one probe per hop), '*' for none. */
function hops(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /^\s*\d+\s/.test(line))
    .map((line) => line.trim().split(/\s+/)[1]);
}

describe.skipIf(!isRoot)('the finer rules of a host CLAT', () => {
  const setup = labWithEngine({ lab: { raLinkMtu: raMtu }, engine: {} });

  it('the IPv4 route MTU is the RA MTU minus 28, not the link MTU minus 28', async () => {
    // The kernel applied the RA's MTU to the uplink's IPv6 MTU; the device keeps 1500.
    expect((await setup.lab.exec('host', ['sysctl', '-n', `net.ipv6.conf.${setup.lab.host.uplink}.mtu`])).stdout.trim()).toBe(String(raMtu));
    expect((await setup.lab.exec('host', ['cat', `/sys/class/net/${setup.lab.host.uplink}/mtu`])).stdout.trim()).toBe('1500');
    const status = asRunning(await setup.engine.up());
    expect(status.mtu).toBe(raMtu - 28);
    expect(await ipv4Route(setup.lab)).toEqual({ mtu: raMtu - 28, advmss: raMtu - 28 - 40 });
    expect(await refusedAbove(setup.lab, raMtu - 28)).toMatch(new RegExp(`message too long, mtu=${raMtu - 28}`));
    await download(setup.lab);
  }, 60_000);

  it('traceroute through the CLAT shows the access router (no IPv4 form) as 192.0.0.8, then the NAT64 and the server', async () => {
    const result = await setup.lab.exec('host', ['traceroute', '-n', '-q', '1', '-w', '2', '-m', '8', serverIpv4], { timeoutMs: 60_000 });
    console.log(`traceroute through the CLAT:\n${result.stdout}`);
    const path = hops(result.stdout);
    // The CLAT itself is one router hop (192.0.0.2), then the ISP router's Time Exceeded from
    // 2001:db8:1:2::1, which has no IPv4 form, then tayga (192.0.2.1, under the NAT64 prefix) and
    // what lies behind it.
    expect(path.slice(0, 2)).toEqual(['192.0.0.2', '192.0.0.8']);
    expect(path.indexOf('192.0.2.1')).toBeGreaterThan(1);
    expect(path[path.length - 1]).toBe(serverIpv4);
  }, 90_000);

  it('follows a smaller MTU the router announces while the CLAT runs', async () => {
    setup.lab.setRaLinkMtu(changedRaMtu);
    const status = await setup.engine.waitForStatus((s) => isRunning(s) && s.mtu === changedRaMtu - 28, `running with MTU ${changedRaMtu - 28}`, 30_000);
    expect(asRunning(status).mtu).toBe(changedRaMtu - 28);
    expect(await ipv4Route(setup.lab)).toEqual({ mtu: changedRaMtu - 28, advmss: changedRaMtu - 28 - 40 });
    expect(await refusedAbove(setup.lab, changedRaMtu - 28)).toMatch(new RegExp(`message too long, mtu=${changedRaMtu - 28}`));
    await download(setup.lab);
  }, 60_000);

  it('RFC 1918 under 64:ff9b::/96: off by default, on with --allow-private-wkp, shown in status', async () => {
    expect(asRunning(await setup.engine.status()).allowPrivateWkp).toBe(false);
    expect((await setup.engine.cli(['status'])).stdout).toMatch(/^private IPv4\s+not under 64:ff9b::\/96 \(RFC 6052 §3\.1\)$/m);
    await setup.engine.stop();
    await setup.startEngine({ allowPrivateWkp: true });
    expect(asRunning(await setup.engine.up()).allowPrivateWkp).toBe(true);
    expect((await setup.engine.cli(['status'])).stdout).toMatch(/^private IPv4\s+translated under 64:ff9b::\/96 too \(--allow-private-wkp/m);
  }, 60_000);
});
