// Packet-socket delivery (`--delivery packet-socket`, the way for kernels before 6.17) with the
// IPv4 server's translated address held by an IPv6 peer on the uplink's own link, no NAT64 in
// between (core/lab/onlink-peer.ts): the peer's kernel sends its TCP and UDP over a veth with
// partial checksums (CHECKSUM_PARTIAL), as super-packets of up to 64 KiB while its TSO is on, and GRO
// on the host's uplink merges segments into such packets. A packet socket receives them all that
// way; the engine must make them whole (core/tun/native/packet-read.c, core/xlat/merged-translate.ts)
// or drop them by name. Before it did, ping worked and TCP and UDP did not, with "dropped none".
//
// One lab and one engine (`clatter up --prefix`, no PREF64 announced); each link mode is set with
// ethtool while the CLAT runs, shown to be what the packet socket sees (tcpdump on the uplink reads
// through a packet socket too: partial checksums show as "incorrect", merged packets as payloads
// longer than the MTU allows), then carries TCP both ways, a download intact, UDP echo and ping.
// Last, a UDP super-packet from the peer, which no packet socket can cut into its datagrams, is a
// named drop rather than one long datagram for the host.

import { beforeAll, describe, expect, it } from 'vitest';
import { startOnlinkPeer, type OnlinkPeer } from '../../core/lab/onlink-peer.js';
import { pollUntil } from '../../core/lab/poll.js';
import { httpGet, udpExchange } from '../../core/lab/probes.js';
import { python3 } from '../../core/lab/required-packages.js';
import { asRunning } from './engine-process.js';
import { labWithEngine } from './lab-engine.js';

const isRoot = process.getuid?.() === 0;
const prefix = '2001:db8:64::/96';
/** The largest IPv6 payload the 1500-byte link carries in one packet. */
const linkPayloadBytes = 1500 - 40;
/** Far less than the path carries in 2 s, far more than one with wrong checksums would (a stalled
 * transfer: the receiver's TCP drops those segments; with merged packets' checksums wrong, 6 MB). */
const minimumTransferBytes = 16 * 1024 * 1024;

// argv: source, destination, port, segment size, bytes: one send with UDP_SEGMENT (linux/udp.h: 103).
const udpSegmentSender = String.raw`import socket, sys
source, destination, port, segment, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
sock.bind((source, 7000))
sock.setsockopt(socket.IPPROTO_UDP, 103, segment)
sock.sendto(bytes(size), (destination, port))
`;

// argv: port. Prints what arrives on 192.0.0.1 (the CLAT's IPv4 address).
const udpReceiver = String.raw`import socket, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('0.0.0.0', int(sys.argv[1])))
print('listening', flush=True)
while True:
    data, peer = sock.recvfrom(65535)
    print('received', len(data), flush=True)
`;

interface LinkMode {
  readonly name: string;
  /** The peer (the router's end of the link) hands its TCP to the veth as super-packets (TSO, GSO). */
  readonly peerSegmentation: boolean;
  /** GRO on the host's uplink, and with fraglist (rx-gro-list), which keeps the first segment's checksum. */
  readonly hostGro: 'off' | 'on' | 'fraglist';
}

const linkModes: readonly LinkMode[] = [
  { name: 'partial checksums, segments of the MTU', peerSegmentation: false, hostGro: 'off' },
  { name: "partial checksums, the peer's TSO super-packets", peerSegmentation: true, hostGro: 'off' },
  { name: 'GRO on the uplink', peerSegmentation: false, hostGro: 'on' },
  { name: 'GRO with fraglist on the uplink', peerSegmentation: false, hostGro: 'fraglist' },
];

describe.skipIf(!isRoot)('packet-socket delivery with an IPv6 peer on the uplink link', () => {
  let peer: OnlinkPeer;
  const setup = labWithEngine({
    lab: { pref64: null },
    engine: { delivery: 'packet-socket' },
    beforeEngine: async (lab) => {
      peer = await startOnlinkPeer(lab);
    },
    afterStart: async ({ engine }) => {
      const status = asRunning(await engine.up(['--prefix', prefix]));
      expect(status.delivery).toBe('packet-socket');
      expect(status.prefix).toMatchObject({ prefix, source: 'manual' });
    },
  });

  async function iperf3(download: boolean): Promise<number> {
    const argv = ['iperf3', '--client', peer.ipv4, '--port', String(peer.iperf3Port), '--time', '2', '--json', '--connect-timeout', '3000', ...(download ? ['--reverse'] : [])];
    const run = await setup.lab.exec('host', argv, { check: false, timeoutMs: 60_000 });
    const report = JSON.parse(run.stdout) as { error?: string; end?: { sum_received?: { bytes?: number } } };
    expect(report.error).toBeUndefined();
    return report.end?.sum_received?.bytes ?? -1;
  }

  describe.each(linkModes)('$name', (mode) => {
    /** The drops counted before this mode: what the mode drops comes on top. */
    let droppedBefore: Record<string, number>;

    beforeAll(async () => {
      droppedBefore = asRunning(await setup.engine.status()).counters.dropped;
      const onOff = (on: boolean) => (on ? 'on' : 'off');
      await setup.lab.exec('isp', ['ethtool', '-K', 'host0', 'tso', onOff(mode.peerSegmentation), 'gso', onOff(mode.peerSegmentation)]);
      await setup.lab.exec('host', ['ethtool', '-K', 'uplink', 'gro', onOff(mode.hostGro !== 'off'), 'rx-gro-list', onOff(mode.hostGro === 'fraglist')]);
    }, 30_000);

    it('the packet socket sees partial checksums, and merged packets where the mode makes them', async () => {
      const capture = setup.lab.spawn('host', ['tcpdump', '-n', '-vv', '-l', '-i', 'uplink', '-c', '300', `ip6 and tcp and src host ${peer.ipv6} and ip6[4:2] > 100`], { name: 'tcpdump' });
      try {
        await capture.waitForOutput(/listening on/, 10_000);
        expect(await iperf3(true)).toBeGreaterThan(minimumTransferBytes);
        await pollUntil(async () => (capture.output.match(/payload length/g)?.length ?? 0) >= 100 || null, { timeoutMs: 5_000, what: 'tcpdump to print the transfer' });
      } finally {
        await capture.stop();
      }
      const payloads = [...capture.output.matchAll(/payload length: (\d+)/g)].map((match) => Number(match[1]));
      expect(capture.output).toMatch(/cksum 0x[0-9a-f]{4} \(incorrect -> 0x[0-9a-f]{4}\)/);
      const merged = mode.peerSegmentation || mode.hostGro !== 'off';
      if (merged) expect(Math.max(...payloads)).toBeGreaterThan(linkPayloadBytes);
      else expect(Math.max(...payloads)).toBeLessThanOrEqual(linkPayloadBytes);
    }, 90_000);

    it('carries TCP both ways at speed (iperf3 and iperf3 -R)', async () => {
      expect(await iperf3(false)).toBeGreaterThan(minimumTransferBytes);
      expect(await iperf3(true)).toBeGreaterThan(minimumTransferBytes);
    }, 90_000);

    it('carries a download intact, UDP echo of every size up to the MTU and ping, dropping nothing', async () => {
      const response = await httpGet(setup.lab, 'host', `http://${peer.ipv4}${peer.http.path}`, 20_000);
      expect(response.status).toBe(200);
      expect(response.body.length).toBe(peer.http.sizeBytes);
      expect(response.sha256).toBe(peer.http.sha256);
      for (const size of [1, 64, 1000, 1444]) {
        const payload = Uint8Array.from({ length: size }, (_, i) => (i * 7 + size) & 0xff);
        expect(new Uint8Array(await udpExchange(setup.lab, 'host', peer.ipv4, peer.udpEchoPort, payload))).toEqual(payload);
      }
      const ping = await setup.lab.exec('host', ['ping', '-n', '-c', '3', '-i', '0.2', '-w', '10', peer.ipv4], { timeoutMs: 15_000 });
      expect(ping.stdout).toMatch(/3 packets transmitted, 3 received/);
      const counters = asRunning(await setup.engine.status()).counters;
      expect(counters.dropped).toEqual(droppedBefore);
      expect(counters.bytes64).toBeGreaterThan(peer.http.sizeBytes);
    }, 60_000);
  });

  it('drops by name a UDP super-packet from the peer (UDP_SEGMENT), which has no datagram bounds to cut at', async () => {
    // The peer hands the veth its UDP unsegmented (GSO on), the uplink merges nothing itself.
    await setup.lab.exec('isp', ['ethtool', '-K', 'host0', 'tso', 'on', 'gso', 'on']);
    await setup.lab.exec('host', ['ethtool', '-K', 'uplink', 'gro', 'off', 'rx-gro-list', 'off']);
    const before = asRunning(await setup.engine.status());
    const droppedBefore = before.counters.dropped;
    const listener = setup.lab.spawn('host', [python3, '-c', udpReceiver, '5555'], { name: 'udp receiver' });
    try {
      await listener.waitForOutput(/listening/, 10_000);
      // Three datagrams of 1000 bytes in one send: over the veth they stay one 3048-byte packet.
      await setup.lab.exec('isp', [python3, '-c', udpSegmentSender, peer.ipv6, before.clatIpv6, '5555', '1000', '3000']);
      const status = await setup.engine.waitForStatus(
        (s) => s.state === 'running' && (s.counters.dropped.mergedUntranslatable ?? 0) > (droppedBefore.mergedUntranslatable ?? 0),
        'counting the UDP super-packet as mergedUntranslatable',
        10_000,
      );
      expect(asRunning(status).counters.dropped).toEqual({ ...droppedBefore, mergedUntranslatable: (droppedBefore.mergedUntranslatable ?? 0) + 1 });
      // Nothing of it reached the host as one 3000-byte datagram.
      expect(listener.output).not.toMatch(/received \d+/);
    } finally {
      await listener.stop();
    }
  }, 60_000);
});
