// The CLAT behind the firewalls desktops have (core/lab/firewalls/): Docker 27's iptables-nft rules,
// a hand-written nftables inet table, the real ufw, the real firewalld, and an IPv4 INPUT chain that
// takes only replies. Each is put into the lab's host namespace before `clatter up`, while it runs,
// and reloaded while it runs (ufw and Docker start after boot and reload at will); each time the
// host's IPv4 must work through the CLAT at full speed: ping, an HTTP download (sha256), UDP echo,
// and TCP carried as super-packets through the TUN's offloads (seen on the TUN by tcpdump, and
// counted in the status's superPackets46/64). After `down` the host's
// ruleset is what it was before `up` (counters aside): whatever the CLAT put into someone else's
// firewall is gone. Each firewall is also shown to really drop what it is there to drop, so that
// a pass above means the CLAT got through it, not that the fixture did nothing.
//
// One lab and one engine (the engine's default delivery) for the whole file; the cases run in order,
// a firewall's cases one after the other, and each firewall is removed before the next is loaded.

import { afterAll, describe, expect, it } from 'vitest';
import { labFirewalls, missingFirewallPackages, rulesetSnapshot, type LabFirewall, type LoadedFirewall } from '../../core/lab/firewalls/index.js';
import type { Lab } from '../../core/lab/lab.js';
import { pollUntil } from '../../core/lab/poll.js';
import { httpGet, udpExchange } from '../../core/lab/probes.js';
import { python3 } from '../../core/lab/required-packages.js';
import { asRunning, EngineProcess, engineDir, removeEngineDir } from './engine-process.js';
import { labWithEngine } from './lab-engine.js';

const isRoot = process.getuid?.() === 0;
const serverIpv4 = '203.0.113.10';
/** The CLAT's IPv4 route MTU (uplink 1500 less 28) less IPv4 and TCP headers: longer is a super-packet. */
const mssBytes = 1500 - 28 - 40;
/** A second of iperf3 moves far more (about 1 Gbit/s in the lab), a path with wrong checksums far less. */
const minimumTransferBytes = 4 * 1024 * 1024;
/** How long a probe waits for what a firewall may be dropping: a failing case fails in seconds. */
const probeTimeoutMs = 3_000;

/** TCP payload lengths tcpdump printed ("…, length N"), for the data packets only. */
function tcpLengths(tcpdumpOutput: string): number[] {
  return [...tcpdumpOutput.matchAll(/Flags \[[^\]]*\], seq [\d:]+, .*length (\d+)/g)].map((match) => Number(match[1])).filter((n) => n > 0);
}

async function pingServer(lab: Lab): Promise<void> {
  const seconds = String(probeTimeoutMs / 1000);
  const ping = await lab.exec('host', ['ping', '-n', '-c', '3', '-i', '0.2', '-w', seconds, serverIpv4], { check: false, timeoutMs: probeTimeoutMs + 5_000 });
  const received = Number(/^\d+ packets transmitted, (\d+) received/m.exec(ping.stdout)?.[1] ?? 0);
  expect(received, `ping through the CLAT: ${ping.stdout.trim().split('\n').slice(-2).join(' ')}`).toBeGreaterThanOrEqual(3);
}

/**
 * iperf3 TCP for 1 s (`download`: from the server) while tcpdump watches that direction on the TUN:
 * the receiver's byte count, and whether segments longer than the MSS crossed the TUN (TSO from the
 * host going out, the engine's coalesced segments coming back).
 */
async function tcpThroughTun(lab: Lab, tun: string, download: boolean): Promise<void> {
  const filter = download ? `ip and tcp and src host ${serverIpv4}` : `ip and tcp and dst host ${serverIpv4}`;
  const capture = lab.spawn('host', ['tcpdump', '-l', '-n', '-i', tun, '-c', '400', filter], { name: 'tcpdump' });
  try {
    await capture.waitForOutput(/listening on/, 10_000);
    const argv = ['iperf3', '--client', serverIpv4, '--port', String(lab.server.iperf3Port), '--time', '1', '--json', '--connect-timeout', String(probeTimeoutMs), ...(download ? ['--reverse'] : [])];
    const run = await lab.exec('host', argv, { check: false, timeoutMs: 30_000 });
    const report = JSON.parse(run.stdout) as { error?: string; end?: { sum_received?: { bytes?: number } } };
    const what = download ? 'TCP download' : 'TCP upload';
    expect(report.error, `${what}: iperf3`).toBeUndefined();
    expect(report.end?.sum_received?.bytes ?? 0, `${what}: bytes received`).toBeGreaterThan(minimumTransferBytes);
    await pollUntil(async () => tcpLengths(capture.output).length >= 50 || null, { timeoutMs: 5_000, what: 'tcpdump to print the transfer' });
    expect(Math.max(...tcpLengths(capture.output)), `${what}: the longest TCP payload on the TUN (super-packets are longer than the MSS)`).toBeGreaterThan(mssBytes);
  } finally {
    await capture.stop();
  }
}

type TcpDirection = 'upload' | 'download';

/**
 * What the host's IPv4 must do through the CLAT behind each firewall: ping, a download, UDP echo,
 * and TCP in the given directions (each 1 s of iperf3; both carry data one way and ACKs the other).
 */
async function carriesTraffic(lab: Lab, engine: EngineProcess, tcp: readonly TcpDirection[]): Promise<void> {
  const status = asRunning(await engine.status());
  await pingServer(lab);
  const response = await httpGet(lab, 'host', `http://${serverIpv4}${lab.server.http.path}`, probeTimeoutMs);
  expect(response.status).toBe(200);
  expect(response.sha256).toBe(lab.server.http.sha256);
  const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31 + 7) & 0xff);
  expect(new Uint8Array(await udpExchange(lab, 'host', serverIpv4, lab.server.udpEchoPort, payload, probeTimeoutMs))).toEqual(payload);
  for (const direction of tcp) {
    const before = asRunning(await engine.status()).counters;
    await tcpThroughTun(lab, status.tun, direction === 'download');
    const after = asRunning(await engine.status()).counters;
    // An upload goes out as the host's TSO super-packets; a download comes back coalesced.
    const counted = direction === 'upload' ? after.superPackets46 - before.superPackets46 : after.superPackets64 - before.superPackets64;
    expect(counted, `TCP ${direction}: super-packets counted in status`).toBeGreaterThan(0);
  }
}

/** True when the UDP echo answers within 1 s (it answers within milliseconds): whether the path is open. */
async function udpEchoAnswers(lab: Lab): Promise<boolean> {
  try {
    await udpExchange(lab, 'host', serverIpv4, lab.server.udpEchoPort, Uint8Array.of(1, 2, 3), 1_000);
    return true;
  } catch {
    return false;
  }
}

// Waits for datagrams on argv[1] (all of the host's IPv4 addresses); prints "ready" once bound, then
// "received" for each.
const udpListener = String.raw`import socket, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('0.0.0.0', int(sys.argv[1])))
print('ready', flush=True)
while True:
    sock.recvfrom(2048)
    print('received', flush=True)
`;

// Sends three UDP datagrams from argv[1] (the server's address under the NAT64 prefix) to
// argv[2]:argv[3] (the CLAT's IPv6 address), a raw socket writing the whole IPv6 packet (IPPROTO_RAW
// includes the header, raw(7)) since the source is not the router's own: what the CLAT would hand
// the host as IPv4 it never asked for.
const unsolicitedSender = String.raw`import socket, struct, sys, time
source, destination, port = socket.inet_pton(socket.AF_INET6, sys.argv[1]), socket.inet_pton(socket.AF_INET6, sys.argv[2]), int(sys.argv[3])
payload = b'unsolicited'
length = 8 + len(payload)
def ones_sum(data):
    data += b'\0' * (len(data) % 2)
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return total
# RFC 8200 8.1: the pseudo-header is source, destination, upper-layer length, three zeros, next header.
udp = struct.pack('!HHHH', 40001, port, length, 0) + payload
checksum = (~ones_sum(source + destination + struct.pack('!IxxxB', length, 17) + udp) & 0xffff) or 0xffff
udp = udp[:6] + struct.pack('!H', checksum) + payload
packet = struct.pack('!IHBB', 6 << 28, length, 17, 64) + source + destination + udp
sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
for _ in range(3):
    sock.sendto(packet, (sys.argv[2], 0))
    time.sleep(0.1)
`;

/**
 * Whether an IPv4 datagram the host never asked for reaches it through the CLAT: the router sends
 * it as the server would under the NAT64 prefix, straight to the CLAT's IPv6 address.
 */
async function unsolicitedIpv4Arrives(lab: Lab, clatIpv6: string, waitMs: number): Promise<boolean> {
  const port = 40_999;
  const listener = lab.spawn('host', [python3, '-c', udpListener, String(port)], { name: 'udp listener' });
  try {
    await listener.waitForOutput(/ready/, 5_000);
    await lab.exec('isp', [python3, '-c', unsolicitedSender, lab.server.viaNat64[0], clatIpv6, String(port)]);
    return await listener.waitForOutput(/received/, waitMs).then(() => true, () => false);
  } finally {
    await listener.stop();
  }
}

describe.skipIf(!isRoot)('the CLAT behind desktop firewalls', () => {
  /** The host's ruleset with no firewall and the CLAT off. */
  let bare: string;

  const setup = labWithEngine({
    engine: {},
    beforeEngine: async () => {
      const missing = missingFirewallPackages();
      if (missing.length > 0) throw new Error(`missing Debian packages: ${missing.join(' ')} (sh scripts/ensure-test-tools.sh installs them)`);
    },
    afterStart: async ({ lab }) => {
      bare = await rulesetSnapshot(lab);
    },
  });

  async function ensureDown(): Promise<void> {
    if ((await setup.engine.status()).state !== 'off') expect((await setup.engine.down()).state).toBe('off');
  }

  describe.each(labFirewalls)('$name', (firewall: LabFirewall) => {
    let loaded: LoadedFirewall | null = null;
    /** The host's ruleset with this firewall just loaded, the CLAT never having been up beside it. */
    let firewallAlone: string;

    async function load(): Promise<void> {
      loaded = await firewall.load(setup.lab);
    }

    /** Removes the firewall; what is left is the bare ruleset (the CLAT is off). */
    async function unload(): Promise<void> {
      const firewallNow = loaded;
      loaded = null;
      await firewallNow?.remove();
      expect(await rulesetSnapshot(setup.lab), `the ruleset after removing ${firewall.name}`).toBe(bare);
    }

    afterAll(async () => {
      await ensureDown();
      await unload();
    }, 60_000);

    it('loaded before up: ping, HTTP, UDP and TCP with offloads through the CLAT', async () => {
      await load();
      firewallAlone = await rulesetSnapshot(setup.lab);
      expect(firewallAlone).not.toBe(bare);
      expect((await setup.engine.up()).state).toBe('running');
      await carriesTraffic(setup.lab, setup.engine, ['upload', 'download']);
    }, 60_000);

    it('loaded before up: down leaves its ruleset as it was before up', async () => {
      await ensureDown();
      expect(await rulesetSnapshot(setup.lab)).toBe(firewallAlone);
    }, 60_000);

    it('loaded while running: ping, HTTP, UDP and a TCP download with offloads through the CLAT', async () => {
      await ensureDown();
      await unload();
      expect((await setup.engine.up()).state).toBe('running');
      await load();
      await carriesTraffic(setup.lab, setup.engine, ['download']);
    }, 60_000);

    it('loaded while running: down leaves its ruleset as it is without the CLAT', async () => {
      await ensureDown();
      expect(await rulesetSnapshot(setup.lab)).toBe(firewallAlone);
    }, 60_000);

    it('reloaded while running: ping, HTTP, UDP and a TCP upload with offloads; down leaves its ruleset as before up', async () => {
      await ensureDown();
      if (loaded === null) await load();
      // One reload first, without the CLAT: ufw's first reload fills two chains its enable left
      // empty, so "as before up" is the ruleset after a reload.
      await loaded!.reload();
      const beforeUp = await rulesetSnapshot(setup.lab);
      expect((await setup.engine.up()).state).toBe('running');
      try {
        await loaded!.reload();
        await carriesTraffic(setup.lab, setup.engine, ['upload']);
      } finally {
        await ensureDown();
      }
      expect(await rulesetSnapshot(setup.lab)).toBe(beforeUp);
    }, 60_000);

    if (firewall.drops === 'forward') {
      it('really drops IPv6 forwarded through the host: with --delivery force-forwarding, UDP stops when it is loaded', async () => {
        await ensureDown();
        await unload();
        const forwardingDir = engineDir();
        const forwarding = await EngineProcess.start(setup.lab, { dir: forwardingDir, delivery: 'force-forwarding' });
        try {
          expect(asRunning(await forwarding.up()).delivery).toBe('force-forwarding');
          const answered = await pollUntil(async () => (await udpEchoAnswers(setup.lab)) || null, { timeoutMs: 5_000, what: 'UDP echo through the forward hook, no firewall' }).then(() => true, () => false);
          expect(answered, 'UDP echo through the forward hook, no firewall').toBe(true);
          await load();
          expect(await udpEchoAnswers(setup.lab), `UDP echo through the forward hook, ${firewall.name} loaded`).toBe(false);
        } finally {
          await forwarding.stop();
          removeEngineDir(forwardingDir);
        }
      }, 60_000);
    } else {
      it('really drops IPv4 the host did not ask for: an unasked datagram through the CLAT stops when it is loaded', async () => {
        await ensureDown();
        await unload();
        const clatIpv6 = asRunning(await setup.engine.up()).clatIpv6;
        try {
          // Arriving gets a loaded machine's time; not arriving, the half second the lab needs at most.
          expect(await unsolicitedIpv4Arrives(setup.lab, clatIpv6, 5_000), 'an unasked datagram, no firewall').toBe(true);
          await load();
          expect(await unsolicitedIpv4Arrives(setup.lab, clatIpv6, 500), `an unasked datagram, ${firewall.name} loaded`).toBe(false);
        } finally {
          await ensureDown();
        }
      }, 60_000);
    }
  });
});
