// The CLAT end to end in the namespace lab: the real engine in the host namespace, turned on with
// `clatter up`, carrying the host's IPv4 traffic to the IPv4-only server through the lab's NAT64;
// the prefix learned from the RA, changed by the RA, and the uplink lost and found again. Every
// assertion is on what arrived: replies, bytes and their hash, packets seen on the ISP's side.
// The tests share one lab and one engine and run in order; each says what it starts from.

import { describe, expect, it } from 'vitest';
import type { Lab } from '../../core/lab/lab.js';
import { pollUntil } from '../../core/lab/poll.js';
import { digShort, httpGet, udpExchange } from '../../core/lab/probes.js';
import { asRunning, isRunning, runningWith } from './engine-process.js';
import { labWithEngine } from './lab-engine.js';

const isRoot = process.getuid?.() === 0;

const serverIpv4 = '203.0.113.10';
const firstPrefix = '2001:db8:64::/96';
const secondPrefix = '2001:db8:6464::/96';

/**
 * Pings the server until `count` replies have arrived (`ping -c count -w deadline` exits 0 only
 * then; it keeps sending meanwhile, so more requests may go out than `count`).
 */
async function pingServer(lab: Lab, count = 3): Promise<void> {
  const { stdout } = await lab.exec('host', ['ping', '-n', '-c', String(count), '-i', '0.2', '-w', '15', serverIpv4], { timeoutMs: 20_000 });
  const replies = stdout.match(/^\d+ bytes from 203\.0\.113\.10: icmp_seq=\d+ ttl=\d+/gm) ?? [];
  expect(replies.length).toBeGreaterThanOrEqual(count);
  expect(stdout).toMatch(new RegExp(`^\\d+ packets transmitted, ${replies.length} received`, 'm'));
}

function echoRequests(tcpdumpOutput: string): string[] {
  return tcpdumpOutput.split('\n').filter((line) => line.includes('ICMP6, echo request'));
}

async function downloadFile(lab: Lab): Promise<void> {
  const response = await httpGet(lab, 'host', `http://${serverIpv4}${lab.server.http.path}`, 20_000);
  expect(response.status).toBe(200);
  expect(response.body.length).toBe(lab.server.http.sizeBytes);
  expect(response.sha256).toBe(lab.server.http.sha256);
}

describe.skipIf(!isRoot)('CLAT in the lab: traffic, PREF64, prefix change, uplink loss', () => {
  const setup = labWithEngine({
    engine: {},
    afterStart: async ({ engine }) => {
      const status = await engine.up();
      expect(status.state).toBe('running');
    },
  });

  it("carries the host's IPv4 to the IPv4-only server: ping, an HTTP download, UDP echo, DNS over IPv4", async () => {
    const clat = setup.engine;
    // The host has no IPv4 but the CLAT's: the route to the server is the CLAT's default route.
    expect((await setup.lab.exec('host', ['ip', '-4', 'route', 'get', serverIpv4])).stdout).toMatch(/^203\.0\.113\.10 dev clat src 192\.0\.0\.1 /);

    await pingServer(setup.lab);
    await downloadFile(setup.lab);
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31 + 7) & 0xff);
    const echoed = await udpExchange(setup.lab, 'host', serverIpv4, setup.lab.server.udpEchoPort, payload);
    expect(new Uint8Array(echoed)).toEqual(payload);
    // unbound's IPv4 address, reached over IPv4 through the CLAT and the NAT64.
    expect(await digShort(setup.lab, 'host', 'A', 'server.example', setup.lab.isp.dns.ipv4)).toEqual([serverIpv4]);

    const status = asRunning(await clat.status());
    expect(status).toMatchObject({ mode: 'manual', uplink: 'uplink', tun: 'clat', clatIpv4: '192.0.0.1', mtu: 1500 - 28, delivery: 'ingress' });
    // The CLAT's own address in the uplink's SLAAC /64, not the host's.
    expect(status.clatIpv6).toMatch(/^2001:db8:1:2:/);
    expect(status.clatIpv6).not.toBe(setup.lab.host.address);
    expect(status.prefix.prefix).toBe(firstPrefix);
    expect(['ra', 'dns']).toContain(status.prefix.source);
    expect(status.counters.translated46).toBeGreaterThan(0);
    expect(status.counters.translated64).toBeGreaterThan(0);
    // The 1 MiB download came back through the IPv6 → IPv4 direction.
    expect(status.counters.bytes64).toBeGreaterThan(setup.lab.server.http.sizeBytes);
    expect(status.counters.bytes46).toBeGreaterThan(0);
  }, 60_000);

  it("takes the prefix from the RA's PREF64 (RFC 8781) once one arrives, even if DNS64 answered first", async () => {
    const status = await setup.engine.waitForStatus(runningWith(firstPrefix, 'ra'), 'running with the PREF64 prefix', 15_000);
    const lifetimeMs = setup.lab.pref64.current!.lifetimeSeconds * 1000;
    expect(status.prefix.expiresAtMs).not.toBeNull();
    expect(status.prefix.expiresAtMs!).toBeGreaterThan(Date.now() - 1000);
    expect(status.prefix.expiresAtMs!).toBeLessThanOrEqual(Date.now() + lifetimeMs + 1000);
    await pingServer(setup.lab);
  }, 60_000);

  it('follows a PREF64 change while running: the new prefix in the status and on the wire', async () => {
    const clat = setup.engine;
    const before = await clat.waitForRunning();
    await setup.lab.pref64.set(secondPrefix);
    // The lab sends an RA with the new prefix at once, then every interval. (The first prefix is
    // left announced no more: going back to it would take until the second one's lifetime ran out,
    // since among RA prefixes the one learned last wins, core/discovery/select-prefix.ts.)
    const intervalMs = setup.lab.pref64.current!.intervalMs;
    const status = await clat.waitForStatus(runningWith(secondPrefix, 'ra'), 'running with the new PREF64 prefix', 3 * intervalMs + 2_000);
    // Same data path, new translator: the CLAT's addresses stay.
    expect(status.clatIpv6).toBe(before.clatIpv6);

    // Every echo request the CLAT sends now goes to the server under the new prefix (second tayga).
    const capture = setup.lab.spawn('isp', ['tcpdump', '-l', '-n', '-i', setup.lab.isp.hostLink, `ip6 and src host ${status.clatIpv6} and icmp6[icmp6type] == icmp6-echo`], { name: 'tcpdump' });
    try {
      await capture.waitForOutput(/listening on/, 10_000);
      await pingServer(setup.lab, 5);
      // tcpdump -l prints each packet as it sees it.
      await pollUntil(async () => echoRequests(capture.output).length >= 5 || null, { timeoutMs: 5_000, what: 'tcpdump to print the 5 echo requests' });
    } finally {
      await capture.stop();
    }
    const requests = echoRequests(capture.output);
    expect(requests.length).toBeGreaterThanOrEqual(5);
    for (const line of requests) expect(line).toContain(`${status.clatIpv6} > ${setup.lab.server.viaNat64[1]}: ICMP6, echo request`);

    await downloadFile(setup.lab);
  }, 60_000);

  it('stops translating when the uplink loses its carrier and comes back running by itself', async () => {
    const clat = setup.engine;
    await clat.waitForRunning();
    await setup.lab.uplinkDown();
    try {
      const down = await clat.waitForStatus((status) => !isRunning(status), 'out of running after the uplink went down', 10_000);
      expect(down).toMatchObject({ state: 'discovering', uplink: 'uplink' });
      // The data path is torn down: the TUN and the CLAT's IPv4 route are gone.
      expect((await setup.lab.exec('host', ['ip', 'link', 'show', 'clat'], { check: false })).code).not.toBe(0);
      expect((await setup.lab.exec('host', ['ip', '-4', 'route', 'show', 'default'])).stdout).toBe('');
    } finally {
      await setup.lab.uplinkUp();
    }
    const status = await clat.waitForRunning(30_000);
    expect(status.uplink).toBe('uplink');
    await pingServer(setup.lab);
    await downloadFile(setup.lab);
  }, 90_000);
});
