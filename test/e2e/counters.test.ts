// The engine's counters are exact: a fixed number of pings and UDP datagrams through the CLAT
// shows up as exactly that many packets (and bytes) on each side and direction, no more, no less;
// also when worker threads translate (`--workers 2`), each counting into its own shard.

import { describe, expect, it } from 'vitest';
import type { CounterSnapshot } from '../../core/api/counters.js';
import { EngineClient } from '../../core/client/engine-client.js';
import { python3 } from '../../core/lab/required-packages.js';
import { runningWith } from './engine-process.js';
import { labWithEngine } from './lab-engine.js';

const isRoot = process.getuid?.() === 0;
const serverIpv4 = '203.0.113.10';

/** Sends `count` datagrams of `size` bytes one after the other, each waiting for its echo. */
const udpSeries = `
import socket, sys
address, port, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
for i in range(count):
    s.sendto(bytes([i % 256]) * size, (address, port))
    data, _ = s.recvfrom(65535)
    assert len(data) == size, len(data)
print(count)
`;

async function counters(socket: string): Promise<CounterSnapshot> {
  const connected = await EngineClient.connect(socket);
  if (!connected.ok) throw new Error(connected.error);
  try {
    const answer = await connected.client.call('snapshot', { rateSeconds: 0 });
    if (!answer.ok) throw new Error(answer.error.message);
    return answer.result.counters;
  } finally {
    connected.client.close();
  }
}

function delta(after: CounterSnapshot, before: CounterSnapshot, direction: 'out46' | 'in64', protocol: 'icmp' | 'udp') {
  const a = after[direction].byProtocol[protocol];
  const b = before[direction].byProtocol[protocol];
  return {
    ipv4: { packets: a.ipv4.packets - b.ipv4.packets, bytes: a.ipv4.bytes - b.ipv4.bytes },
    ipv6: { packets: a.ipv6.packets - b.ipv6.packets, bytes: a.ipv6.bytes - b.ipv6.bytes },
  };
}

describe.skipIf(!isRoot).each([0, 2])('exact counters with --workers %i', (workers) => {
  const setup = labWithEngine({
    engine: { workers },
    afterStart: async ({ lab, engine }) => {
      await engine.up();
      // Settled on the RA's prefix: no reconfiguration while counting.
      await engine.waitForStatus(runningWith('2001:db8:64::/96', 'ra'), 'running with the PREF64 prefix', 15_000);
      // The first packets to a new router neighbour: done before counting.
      await lab.exec('host', ['ping', '-n', '-c', '1', '-w', '10', serverIpv4], { timeoutMs: 15_000 });
    },
  });

  it('20 pings and 50 UDP echoes are counted exactly, on both sides, both ways', async () => {
    const before = await counters(setup.engine.socket);
    const ping = await setup.lab.exec('host', ['ping', '-n', '-c', '20', '-i', '0.05', '-s', '56', '-W', '5', serverIpv4], { timeoutMs: 30_000 });
    expect(ping.stdout).toMatch(/^20 packets transmitted, 20 received/m);
    const udp = await setup.lab.exec('host', [python3, '-c', udpSeries, serverIpv4, String(setup.lab.server.udpEchoPort), '50', '100'], { timeoutMs: 60_000 });
    expect(udp.stdout.trim()).toBe('50');
    const after = await counters(setup.engine.socket);

    // ICMP echo: 20 requests out (IPv4 20+8+56 = 84 bytes, IPv6 40+8+56 = 104), 20 replies in.
    expect(delta(after, before, 'out46', 'icmp')).toEqual({ ipv4: { packets: 20, bytes: 20 * 84 }, ipv6: { packets: 20, bytes: 20 * 104 } });
    expect(delta(after, before, 'in64', 'icmp')).toEqual({ ipv4: { packets: 20, bytes: 20 * 84 }, ipv6: { packets: 20, bytes: 20 * 104 } });
    // UDP: 50 datagrams of 100 bytes each way (IPv4 128 bytes, IPv6 148).
    expect(delta(after, before, 'out46', 'udp')).toEqual({ ipv4: { packets: 50, bytes: 50 * 128 }, ipv6: { packets: 50, bytes: 50 * 148 } });
    expect(delta(after, before, 'in64', 'udp')).toEqual({ ipv4: { packets: 50, bytes: 50 * 128 }, ipv6: { packets: 50, bytes: 50 * 148 } });
    // Nothing else went through, and nothing was dropped.
    expect(delta(after, before, 'out46', 'udp').ipv4.packets + delta(after, before, 'out46', 'icmp').ipv4.packets).toBe(after.out46.ipv4.packets - before.out46.ipv4.packets);
    expect(after.dropped).toEqual(before.dropped);
  }, 120_000);
});
