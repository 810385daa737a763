// Wireshark as an independent judge: valid TCP, UDP, ICMP and ICMPv6 packets of both families,
// echo and error messages, a fragmented DF=0 datagram, replayed with `clatter translate`; tshark
// must find every IPv4 header, TCP, UDP, ICMP and ICMPv6 checksum of the output valid.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapngWriter } from '../../core/capture/pcapng-writer.js';
import { main } from '../../core/cli/main.js';
import { echoRest, icmp4, icmp6, ipv4, ipv6, pattern, tcp, udp } from './packet-builder.js';
import { packetProblems } from './packet-check.js';
import { tshark } from './tshark.js';
import { net } from './xlat-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'clatter-checksums-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function validInputs(): Uint8Array[] {
  const udp4 = ipv4({ src: net.h4, dst: net.h6as4, ttl: 64 }, udp({ srcPort: 5000, dstPort: 53, payload: pattern(100) }));
  const tcp6 = ipv6({ src: net.h6, dst: net.h4as6, hopLimit: 64 }, tcp({ srcPort: 443, dstPort: 40000, payload: pattern(700) }));
  return [
    udp4,
    ipv4({ src: net.h4, dst: net.h6as4, ttl: 64, df: true }, tcp({ srcPort: 40000, dstPort: 80, payload: pattern(1000) })),
    ipv4({ src: net.h4, dst: net.h6as4, ttl: 64 }, icmp4({ type: 8, code: 0, rest: echoRest(7, 1), payload: pattern(56) })),
    ipv4({ src: net.h4, dst: net.h6as4, ttl: 64 }, udp({ payload: pattern(3000) })), // DF=0: fragmented
    // An ICMPv4 Port Unreachable quoting the IPv6 host's packet, as translated to IPv4.
    ipv4({ src: net.h4, dst: net.h6as4, ttl: 64 }, icmp4({ type: 3, code: 3, payload: ipv4({ src: net.h6as4, dst: net.h4, ttl: 63 }, udp({ payload: pattern(40) })) })),
    tcp6,
    ipv6({ src: net.h6, dst: net.h4as6, hopLimit: 64 }, udp({ srcPort: 53, dstPort: 5000, payload: pattern(200) })),
    ipv6({ src: net.h6, dst: net.h4as6, hopLimit: 64 }, icmp6({ type: 129, code: 0, rest: echoRest(7, 1), payload: pattern(56) })),
    // An ICMPv6 Packet Too Big quoting a packet from the IPv4 host, as translated to IPv6.
    ipv6({ src: net.r6, dst: net.h4as6, hopLimit: 64 }, icmp6({ type: 2, code: 0, rest: 1400, payload: ipv6({ src: net.h4as6, dst: net.h6, hopLimit: 63 }, udp({ payload: pattern(600) })) })),
  ];
}

describe('checksums of translated packets, as tshark sees them', () => {
  it('are all valid for valid input', async () => {
    const inputs = validInputs();
    for (const packet of inputs) expect(packetProblems(packet)).toEqual([]);
    const writer = new PcapngWriter();
    const id = writer.addInterface('input');
    inputs.forEach((packet, i) => writer.addPacket(id, BigInt(i + 1) * 1_000_000_000n, packet));
    const input = join(root, 'valid.pcapng');
    const output = join(root, 'translated.pcapng');
    writeFileSync(input, writer.take());
    writeFileSync(join(root, 'siit.json'), JSON.stringify({ pool6: net.pool6, selfIpv4: net.selfIpv4, selfIpv6: net.selfIpv6 }));
    const code = await main(['translate', '--config', join(root, 'siit.json'), '--in', input, '--out', output], { stdout: () => {}, stderr: () => {} });
    expect(code).toBe(0);

    const fields = ['frame.protocols', 'ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status', 'icmp.checksum.status', 'icmpv6.checksum.status'];
    const text = tshark([
      '-r', output,
      '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE',
      '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((field) => ['-e', field]),
    ]);
    const rows = text.trimEnd().split('\n').map((line) => line.split('|'));
    // One row per output packet: 9 inputs, the 3000-byte datagram in 3 fragments.
    expect(rows).toHaveLength(11);
    for (const [protocols, ...statuses] of rows) {
      // 0 is "Bad" in every *.checksum.status field (1 good, 2 unverified: e.g. a non-first fragment).
      for (const status of statuses.flatMap((s) => s.split(','))) expect(status, protocols).not.toBe('0');
    }
    const verified = rows.map(([protocols, ...statuses]) => `${protocols} ${statuses.join('|')}`);
    // Every unfragmented translation had its transport checksum verified good by tshark.
    expect(verified.filter((row) => row.includes(':tcp') && row.split(' ')[1].split('|')[1] === '1')).toHaveLength(2);
    expect(verified.filter((row) => row.includes(':icmpv6') && row.split(' ')[1].split('|')[4].startsWith('1'))).toHaveLength(2);
    expect(verified.filter((row) => row.startsWith('raw:ip:icmp') && row.split(' ')[1].split('|')[3].startsWith('1'))).toHaveLength(2);
  });
});
