// The two other ways the CLAT's IPv6 packets reach the engine (core/host/host-setup.ts):
// - packet-socket, for kernels before 6.17: a packet socket with a BPF filter reads them, a raw
//   socket sends, the address is joined as anycast and nftables drops the kernel's own copy;
// - nat66, for networks without SLAAC (a DHCPv6 /128 only): a private CLAT address behind NAT66.
// Each carries the host's IPv4 traffic to the IPv4-only server, and `down` leaves the host as before.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab } from '../../core/lab/lab.js';
import { pollUntil } from '../../core/lab/poll.js';
import { digShort, httpGet } from '../../core/lab/probes.js';
import { asRunning, EngineProcess, engineDir, removeEngineDir } from './engine-process.js';
import { hostSnapshot } from './host-snapshot.js';

const isRoot = process.getuid?.() === 0;
const serverIpv4 = '203.0.113.10';

describe.skipIf(!isRoot)('delivery modes: packet-socket and nat66', () => {
  let lab: Lab;
  let dir: string | undefined;
  let engine: EngineProcess | undefined;

  beforeAll(async () => {
    lab = await createLab();
  }, 90_000);

  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
    removeEngineDir(dir);
    dir = undefined;
  }, 60_000);

  afterAll(async () => {
    await lab?.destroy();
  }, 60_000);

  async function carriesTraffic(): Promise<void> {
    const ping = await lab.exec('host', ['ping', '-n', '-c', '3', '-i', '0.2', '-w', '15', serverIpv4], { timeoutMs: 20_000 });
    // -c 3 -w 15: ping exits 0 once 3 replies are in; it may have sent (and got back) more by then.
    const received = Number(/^\d+ packets transmitted, (\d+) received/m.exec(ping.stdout)?.[1]);
    expect(received).toBeGreaterThanOrEqual(3);
    const response = await httpGet(lab, 'host', `http://${serverIpv4}${lab.server.http.path}`, 20_000);
    expect(response.status).toBe(200);
    expect(response.sha256).toBe(lab.server.http.sha256);
    expect(await digShort(lab, 'host', 'A', 'server.example', lab.isp.dns.ipv4)).toEqual([serverIpv4]);
  }

  it('packet-socket: traffic flows, the kernel answers NS for the anycast CLAT address, down restores the host', async () => {
    const before = await hostSnapshot(lab);
    dir = engineDir();
    engine = await EngineProcess.start(lab, { dir, delivery: 'packet-socket' });
    const status = asRunning(await engine.up());
    expect(status.delivery).toBe('packet-socket');
    expect(status.clatIpv6.startsWith('2001:db8:1:2:')).toBe(true);
    // The kernel holds the CLAT address as anycast on the uplink (so it answers NS) …
    const anycast = (await lab.exec('host', ['cat', '/proc/net/anycast6'])).stdout;
    const hex = status.clatIpv6.split(':').map((group) => group.padStart(4, '0')).join('');
    expect(hex).toHaveLength(32);
    expect(anycast).toContain(hex);
    // … and nftables keeps the kernel's own copy of the CLAT's packets from its stack.
    expect((await lab.exec('host', ['nft', 'list', 'table', 'ip6', 'clatter'])).stdout).toContain(`ip6 daddr ${status.clatIpv6}`);
    // The kernel answers the router's solicitation for the anycast address at once (proxy_delay 0,
    // RFC 4861 §7.2.7 would allow a second): the first ping's reply is not held up.
    const first = await lab.exec('host', ['ping', '-n', '-c', '1', '-w', '5', serverIpv4], { timeoutMs: 10_000 });
    expect(Number(/time=([\d.]+) ms/.exec(first.stdout)?.[1])).toBeLessThan(100);
    await carriesTraffic();
    const counters = asRunning(await engine.status()).counters;
    expect(counters.translated46).toBeGreaterThan(0);
    expect(counters.bytes64).toBeGreaterThan(lab.server.http.sizeBytes);
    expect((await engine.down()).state).toBe('off');
    expect(await hostSnapshot(lab)).toBe(before);
  }, 90_000);

  it('nat66: with only a /128 on the uplink (no SLAAC), a private CLAT address behind NAT66 carries the traffic', async () => {
    // Make the host a DHCPv6-only host: no SLAAC address, one /128 (what a DHCPv6 server hands out).
    await lab.exec('host', ['sysctl', '-qw', 'net.ipv6.conf.uplink.autoconf=0']);
    await lab.exec('host', ['ip', '-6', 'addr', 'flush', 'dev', 'uplink', 'scope', 'global']);
    await lab.exec('host', ['ip', '-6', 'addr', 'add', '2001:db8:1:2::100/128', 'dev', 'uplink']);
    // Usable once duplicate address detection is done, as a DHCPv6 client's address would be.
    await pollUntil(async () => !(await lab.exec('host', ['ip', '-6', 'addr', 'show', 'dev', 'uplink', 'tentative'])).stdout.includes('2001:db8:1:2::100') || null, {
      timeoutMs: 10_000,
      what: 'the /128 to leave duplicate address detection',
    });
    const before = await hostSnapshot(lab);
    dir = engineDir();
    engine = await EngineProcess.start(lab, { dir });
    const status = asRunning(await engine.up());
    expect(status.delivery).toBe('nat66');
    expect(status.clatIpv6).toMatch(/^fd[0-9a-f]{2}:/); // RFC 4193 unique local
    // What leaves the host carries the host's own address: the ISP sees 2001:db8:1:2::100.
    const capture = lab.spawn('isp', ['tcpdump', '-n', '-l', '-c', '1', '-i', 'host0', 'ip6 and dst net 2001:db8:64::/96 and icmp6'], { name: 'tcpdump' });
    await capture.waitForOutput(/listening on/, 10_000);
    await carriesTraffic();
    const exit = await capture.exited;
    expect(exit.code).toBe(0);
    expect(capture.output).toMatch(/IP6 2001:db8:1:2::100 > 2001:db8:64::cb00:710a: ICMP6, echo request/);
    expect((await engine.down()).state).toBe('off');
    expect(await hostSnapshot(lab)).toBe(before);
  }, 90_000);
});
