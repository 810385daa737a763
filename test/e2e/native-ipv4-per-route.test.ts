// Native IPv4 judged per IPv4 default route in auto mode (issue 12, part 4; core/host/native-ipv4.ts):
//   - a 169.254/16 link-local-only interface with a default route (what avahi-autoipd leaves on a
//     link without DHCP) does not keep the CLAT off, where the same interface with a routable address
//     does;
//   - an IPv4-only tunnel whose endpoint is reached through the CLAT, with its own IPv4 default
//     route, leaves the CLAT on, and traffic flows inside it. The kernel here has no WireGuard, GRE
//     or IPIP, but VXLAN (RFC 7348, UDP port 4789): the host's end points at the server's IPv4
//     address through the CLAT; the server's end points back at the address the NAT64 masquerades
//     the CLAT's traffic to (the router's 203.0.113.1). Both ends send from port 4789 too, so that
//     the server's packets (to 203.0.113.1:4789) are the replies of the NAT's mapping and find their
//     way back through the NAT64 and the CLAT.
// status.auto says why the CLAT is on each time. One lab, one auto engine; the host as before at the end.

import { describe, expect, it } from 'vitest';
import type { Lab } from '../../core/lab/lab.js';
import { pollUntil } from '../../core/lab/poll.js';
import { isRunning, type RunningStatus } from './engine-process.js';
import { labWithEngine } from './lab-engine.js';
import { hostSnapshot } from './host-snapshot.js';
import { seconds, TimedLines } from './timed-lines.js';

const isRoot = process.getuid?.() === 0;

/** The link-local-only interface: a veth pair inside the host namespace, nothing behind it. */
const linkLocal = { dev: 'll0', peer: 'll0p', address: '169.254.10.20/16', routable: '198.51.100.77/24', metric: 3000 };
/** The tunnel: VXLAN id 42, an overlay /30 (RFC 5737), and an address behind the server's end. */
const tunnel = { dev: 'vx0', id: '42', port: '4789', mtu: '1400', hostOverlay: '198.51.100.201', serverOverlay: '198.51.100.202', overlayLength: 30, behind: '198.51.100.99', metric: 50 };

async function pingCount(lab: Lab, address: string, count = 3): Promise<number> {
  const { stdout } = await lab.exec('host', ['ping', '-n', '-c', String(count), '-i', '0.2', '-w', '10', address], { check: false, timeoutMs: 15_000 });
  return stdout.match(new RegExp(`^\\d+ bytes from ${address.replace(/\./g, '\\.')}: `, 'gm'))?.length ?? 0;
}

describe.skipIf(!isRoot)('auto mode judges native IPv4 per route', () => {
  let pristine: string;

  const setup = labWithEngine({
    engine: null,
    beforeEngine: async (lab) => {
      pristine = await hostSnapshot(lab);
    },
  });

  it('a 169.254/16-only interface with a default route does not keep the CLAT off; a routable address on it does', async () => {
    const { dev, peer } = linkLocal;
    await setup.lab.exec('host', ['ip', 'link', 'add', dev, 'type', 'veth', 'peer', 'name', peer]);
    await setup.lab.exec('host', ['ip', 'link', 'set', peer, 'up']);
    await setup.lab.exec('host', ['ip', 'link', 'set', dev, 'up']);
    await setup.lab.exec('host', ['ip', 'address', 'add', linkLocal.address, 'dev', dev]);
    await setup.lab.exec('host', ['ip', 'route', 'add', 'default', 'dev', dev, 'metric', String(linkLocal.metric)]);
    const llRoute = `default via - dev ${dev}`;

    // The engine starts with the link-local default route there: auto mode turns the CLAT on.
    const startedMs = Date.now();
    await setup.startEngine({ auto: true });
    const clat = setup.engine;
    const log = new TimedLines(clat.process);
    const on = await clat.waitForStatus(isRunning, 'running by itself beside the link-local route', 15_000);
    console.log(`link-local: CLAT running ${seconds(Date.now() - startedMs)} after the auto engine started (at most, polled)`);
    expect(on.auto).toBe(`on: no native IPv4; not native IPv4: ${llRoute}: ${dev} has only link-local IPv4 (169.254/16)`);
    expect(await pingCount(setup.lab, setup.lab.server.ipv4)).toBe(3);

    // The control: a routable address on the same interface makes its default route native IPv4.
    const routableMs = Date.now();
    await setup.lab.exec('host', ['ip', 'address', 'add', linkLocal.routable, 'dev', dev]);
    const aside = await log.waitFor(/CLAT down: native IPv4 appeared/, routableMs, 10_000);
    expect(await clat.status()).toMatchObject({ state: 'off', auto: `off: the host has native IPv4 (${llRoute})` });
    await setup.lab.exec('host', ['ip', 'address', 'del', linkLocal.routable, 'dev', dev]);
    const back = await log.waitFor(/CLAT running: /, aside.atMs, 15_000);
    expect(await clat.waitForStatus(isRunning, 'running again with only link-local IPv4 beside it', 5_000)).toMatchObject({ auto: on.auto });
    console.log(`link-local: a routable address on ${dev} took the CLAT down in ${seconds(aside.atMs - routableMs)}; without it the CLAT was back ${seconds(back.atMs - aside.atMs)} later`);

    await setup.lab.exec('host', ['ip', 'link', 'del', dev]);
    await pollUntil(async () => (await clat.status()).auto === 'on: no native IPv4' || null, { timeoutMs: 5_000, what: 'status without the link-local route' });
  }, 60_000);

  it('an IPv4-only tunnel over the CLAT with its own default route keeps the CLAT on, and traffic flows inside it', async () => {
    const clat = setup.engine;
    const before = await clat.waitForRunning();
    const log = new TimedLines(clat.process);
    const { dev } = tunnel;
    const overlay = (address: string) => `${address}/${tunnel.overlayLength}`;
    const vxlan = ['type', 'vxlan', 'id', tunnel.id, 'dstport', tunnel.port, 'srcport', tunnel.port, String(Number(tunnel.port) + 1), 'udpcsum'];
    // The server's end, towards the address the NAT64 masquerades the CLAT's traffic to.
    await setup.lab.exec('server', ['ip', 'link', 'add', dev, ...vxlan, 'remote', setup.lab.isp.ipv4, 'local', setup.lab.server.ipv4]);
    await setup.lab.exec('server', ['ip', 'link', 'set', dev, 'mtu', tunnel.mtu, 'up']);
    await setup.lab.exec('server', ['ip', 'address', 'add', overlay(tunnel.serverOverlay), 'dev', dev]);
    await setup.lab.exec('server', ['ip', 'address', 'add', `${tunnel.behind}/32`, 'dev', 'lo']);
    // The host's end, as a VPN client would set it up: the endpoint pinned to the path it has (the
    // CLAT), the tunnel's own default route ahead of the CLAT's.
    const tunnelMs = Date.now();
    await setup.lab.exec('host', ['ip', 'link', 'add', dev, ...vxlan, 'remote', setup.lab.server.ipv4]);
    await setup.lab.exec('host', ['ip', 'link', 'set', dev, 'mtu', tunnel.mtu, 'up']);
    await setup.lab.exec('host', ['ip', 'address', 'add', overlay(tunnel.hostOverlay), 'dev', dev]);
    await setup.lab.exec('host', ['ip', 'route', 'add', `${setup.lab.server.ipv4}/32`, 'dev', before.tun]);
    await setup.lab.exec('host', ['ip', 'route', 'add', 'default', 'via', tunnel.serverOverlay, 'dev', dev, 'metric', String(tunnel.metric)]);

    const why = `on: no native IPv4; not native IPv4: default via ${tunnel.serverOverlay} dev ${dev}: ${dev} is a vxlan tunnel whose endpoint ${setup.lab.server.ipv4} is reached through the CLAT`;
    await clat.waitForStatus((status) => status.auto === why, 'judging the tunnel', 10_000);
    console.log(`tunnel: status named the tunnel as not native IPv4 within ${seconds(Date.now() - tunnelMs)} (polled)`);
    // It stays on: no "CLAT down", the same data path as before.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(log.find(/CLAT down/, tunnelMs)).toBeNull();
    const still = await clat.status();
    expect(still).toMatchObject({ state: 'running', clatIpv6: before.clatIpv6, auto: why });

    // Traffic inside the tunnel: to the overlay peer, and beyond it through the tunnel's default
    // route; the encapsulated packets reach the server from the NAT64's address, so they crossed
    // the CLAT (whose 4→6 counter grows by them).
    expect((await setup.lab.exec('host', ['ip', '-4', 'route', 'get', tunnel.behind])).stdout).toContain(`dev ${dev}`);
    const capture = setup.lab.spawn('server', ['tcpdump', '-l', '-n', '-i', 'eth0', `udp and src host ${setup.lab.isp.ipv4} and src port ${tunnel.port} and dst port ${tunnel.port}`], { name: 'tcpdump' });
    try {
      await capture.waitForOutput(/listening on/, 10_000);
      const translatedBefore = (still as RunningStatus).counters.translated46;
      expect(await pingCount(setup.lab, tunnel.serverOverlay)).toBe(3);
      expect(await pingCount(setup.lab, tunnel.behind)).toBe(3);
      await pollUntil(async () => (capture.output.match(/ > /g)?.length ?? 0) >= 6 || null, { timeoutMs: 5_000, what: 'tcpdump to print the encapsulated echo requests' });
      const after = await clat.waitForStatus((status): status is RunningStatus => isRunning(status) && status.counters.translated46 - translatedBefore >= 6, 'counting the tunnel packets', 5_000);
      console.log(`tunnel: 6 pings inside ${dev} answered; ${capture.output.match(/ > /g)?.length} VXLAN packets from ${setup.lab.isp.ipv4} at the server; CLAT 4→6 count +${after.counters.translated46 - translatedBefore}`);
    } finally {
      await capture.stop();
    }

    // The link flaps under the tunnel: the CLAT's TUN goes while the carrier is lost, and with it the
    // route that pinned the endpoint there, so the endpoint is routed into the tunnel itself. That
    // must not count as native IPv4, or the CLAT would never come back under the tunnel.
    const lostMs = Date.now();
    await setup.lab.uplinkDown();
    const looped = `on: no native IPv4; not native IPv4: default via ${tunnel.serverOverlay} dev ${dev}: ${dev} is a vxlan tunnel whose endpoint ${setup.lab.server.ipv4} is routed into the tunnel itself`;
    const away = await clat.waitForStatus((status) => !isRunning(status) && status.auto === looped, 'waiting for the link, the tunnel judged looped', 10_000);
    expect(away.state).toBe('discovering');
    const upMs = Date.now();
    await setup.lab.uplinkUp();
    const backRunning = await log.waitFor(/CLAT running: /, upMs, 20_000);
    expect(log.find(/CLAT down/, lostMs)).toBeNull();
    // The VPN client pins its endpoint to the CLAT again, and the tunnel carries traffic once more.
    await setup.lab.exec('host', ['ip', 'route', 'replace', `${setup.lab.server.ipv4}/32`, 'dev', before.tun]);
    await clat.waitForStatus((status) => isRunning(status) && status.auto === why, 'running, the tunnel over it again', 10_000);
    expect(await pingCount(setup.lab, tunnel.behind)).toBe(3);
    console.log(`tunnel: after ${seconds(upMs - lostMs)} without carrier, the CLAT was running again ${seconds(backRunning.atMs - upMs)} after it came back, and the tunnel carried pings again`);

    // The tunnel gone, the CLAT is still on with no tunnel to mention; then off, and the host as before.
    await setup.lab.exec('host', ['ip', 'link', 'del', dev]);
    await setup.lab.exec('host', ['ip', 'route', 'del', `${setup.lab.server.ipv4}/32`, 'dev', before.tun]);
    await pollUntil(async () => (await clat.status()).auto === 'on: no native IPv4' || null, { timeoutMs: 5_000, what: 'status without the tunnel' });
    expect(await clat.stop()).toEqual({ code: 0, signal: null });
    expect(await hostSnapshot(setup.lab)).toBe(pristine);
  }, 60_000);
});
