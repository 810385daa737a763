// The packets the benchmarks translate: a TCP or UDP packet from the CLAT host (192.0.0.1) to
// 203.0.113.10, and the reply from its IPv6 twin 2001:db8:64::cb00:710a to the CLAT's IPv6 address,
// each with valid checksums, written into an arena at an offset.

import { parseIpv6 } from '../../core/wire/address.js';
import { write16, write32 } from '../../core/wire/bytes.js';
import { finishChecksum, sumWords } from '../../core/wire/checksum.js';
import { protocol } from '../../core/wire/protocol.js';

/** The CLAT's IPv6 address, which the benchmarks' EAMT maps to 192.0.0.1. */
export const clatIpv6 = '2001:db8:1:2::c1a7';

/** The benchmarks' translator configuration (parseSiitConfig's input). */
export const clatConfig = {
  pool6: '2001:db8:64::/96',
  eamt: [{ ipv6: `${clatIpv6}/128`, ipv4: '192.0.0.1/32' }],
  selfIpv4: '192.0.0.2',
  selfIpv6: '2001:db8:1:2::1',
  // 1500-byte IPv4 packets become 1520-byte IPv6 packets: give the IPv6 side room for them.
  mtu: { ipv4: 1500, ipv6: 1520 },
};

/** One benchmark packet: its transport, its size and the host's port (the remote one is 443). */
export interface BenchPacket {
  protocol: typeof protocol.tcp | typeof protocol.udp;
  size: number;
  localPort: number;
}

const remotePort = 443;

/** The transport header and payload at `l4`, up to `end`, with its checksum over `pseudoSum`. */
function writeTransport(arena: Uint8Array, l4: number, end: number, packet: BenchPacket, sourcePort: number, destinationPort: number, pseudoSum: number): void {
  write16(arena, l4, sourcePort);
  write16(arena, l4 + 2, destinationPort);
  const payloadAt = l4 + (packet.protocol === protocol.udp ? 8 : 20);
  if (packet.protocol === protocol.udp) write16(arena, l4 + 4, end - l4);
  else arena[l4 + 12] = 0x50; // data offset 5, no control bits: still a TCP segment
  for (let i = payloadAt; i < end; i++) arena[i] = i & 0xff;
  const checksumAt = l4 + (packet.protocol === protocol.udp ? 6 : 16);
  write16(arena, checksumAt, finishChecksum(sumWords(arena, l4, end, pseudoSum + packet.protocol + (end - l4))));
}

/** The IPv4 packet from the host's program: 192.0.0.1:localPort → 203.0.113.10:443. */
export function writeBenchIpv4(arena: Uint8Array, at: number, packet: BenchPacket): void {
  arena.fill(0, at, at + packet.size);
  arena[at] = 0x45;
  write16(arena, at + 2, packet.size);
  write16(arena, at + 6, 0x4000); // DF
  arena[at + 8] = 64;
  arena[at + 9] = packet.protocol;
  write32(arena, at + 12, 0xc0000001); // 192.0.0.1
  write32(arena, at + 16, 0xcb00710a); // 203.0.113.10
  write16(arena, at + 10, finishChecksum(sumWords(arena, at, at + 20)));
  writeTransport(arena, at + 20, at + packet.size, packet, packet.localPort, remotePort, sumWords(arena, at + 12, at + 20));
}

/** Its reply as the uplink carries it: [2001:db8:64::cb00:710a]:443 → [the CLAT's address]:localPort. */
export function writeBenchIpv6(arena: Uint8Array, at: number, packet: BenchPacket): void {
  arena.fill(0, at, at + packet.size);
  write32(arena, at, 0x60000000);
  write16(arena, at + 4, packet.size - 40);
  arena[at + 6] = packet.protocol;
  arena[at + 7] = 64;
  arena.set(parseIpv6('2001:db8:64::cb00:710a')!, at + 8);
  arena.set(parseIpv6(clatIpv6)!, at + 24);
  writeTransport(arena, at + 40, at + packet.size, packet, remotePort, packet.localPort, sumWords(arena, at + 8, at + 40));
}
