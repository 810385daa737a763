// The packet socket reader's checksum step (core/tun/native/transport-checksum.c), over literal
// bytes: packets as a packet socket hands them over with TP_STATUS_CSUMNOTREADY, whose TCP or UDP
// checksum field holds only the pseudo-header sum (the kernel's CHECKSUM_PARTIAL), and merged
// packets whose field holds a segment's; each comes out with the checksum a sender would have put
// there, or is refused unchanged when its transport header cannot be found. The expected values
// were computed independently (RFC 1071 in Python) and are checked again with packet-check.ts.

import { describe, expect, it } from 'vitest';
import { nativeAddon } from '../../core/tun/native-addon.js';
import { fragmentHeader, ipv6, optionsHeader, pattern, proto, raw, routingHeader, tcp, udp } from './packet-builder.js';
import { get16, packetProblems } from './packet-check.js';

const addon = nativeAddon();
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));

// 2001:db8:64::cb00:710a → 2001:db8:1:2::c1a7 (the lab's peer → a CLAT address).
const header = (payloadLength: string, nextHeader: string) =>
  `60000000 ${payloadLength} ${nextHeader} 40 20010db80064000000000000cb00710a 20010db800010002000000000000c1a7`;

describe('the packet reader finishes TCP and UDP checksums', () => {
  it('computes a TCP checksum over a field holding the pseudo-header sum, an odd byte at the end', () => {
    // TCP 80 → 40000, ACK PSH, "hello, world\n" (13 bytes); field 0x59b3: the folded pseudo-header sum.
    const packet = bytes(`${header('0021', '06')} 0050 9c40 00000001 00000001 5018 01f6 59b3 0000 68656c6c6f2c20776f726c640a`);
    expect(addon.ipv6TransportChecksum(packet)).toBe(true);
    expect(get16(packet, 40 + 16)).toBe(0x6d5f);
    expect(packetProblems(packet)).toEqual([]);
  });

  it('finds UDP behind Hop-by-Hop and Destination Options headers', () => {
    const packet = bytes(`${header('001d', '00')} 3c00 0104 00000000  1100 0104 00000000  0035 9c41 000d 59aa 6162636465`);
    expect(addon.ipv6TransportChecksum(packet)).toBe(true);
    expect(get16(packet, 40 + 16 + 6)).toBe(0xe00a);
    expect(packetProblems(packet)).toEqual([]);
  });

  it('sends a UDP checksum that comes out 0 as 0xffff (RFC 768, RFC 8200 §8.1)', () => {
    const packet = bytes(`${header('000c', '11')} 0035 9c41 000c 0000 000009d4`);
    expect(addon.ipv6TransportChecksum(packet)).toBe(true);
    expect(get16(packet, 46)).toBe(0xffff);
    expect(packetProblems(packet)).toEqual([]);
  });

  it('computes a merged packet anew, whatever segment checksum its field holds (GRO with fraglist)', () => {
    const segment = ipv6({ src: '2001:db8:64::cb00:710a', dst: '2001:db8:1:2::c1a7' }, tcp({ payload: pattern(1400) }));
    const merged = ipv6({ src: '2001:db8:64::cb00:710a', dst: '2001:db8:1:2::c1a7' }, tcp({ payload: pattern(30_000) }));
    const right = get16(merged, 56);
    merged.set(segment.subarray(56, 58), 56); // the first segment's checksum, as fraglist GRO leaves it
    expect(get16(merged, 56)).not.toBe(right);
    expect(addon.ipv6TransportChecksum(merged)).toBe(true);
    expect(get16(merged, 56)).toBe(right);
  });

  it('sums up to the payload length, not over padding after it', () => {
    const packet = ipv6({ src: '2001:db8:64::cb00:710a', dst: '2001:db8:1:2::c1a7' }, udp({ payload: pattern(9) }));
    const right = get16(packet, 46);
    const padded = new Uint8Array(packet.length + 5).fill(0xee);
    padded.set(packet);
    padded[46] = 0x12;
    padded[47] = 0x34;
    expect(addon.ipv6TransportChecksum(padded)).toBe(true);
    expect(get16(padded, 46)).toBe(right);
    expect(padded.subarray(packet.length)).toEqual(new Uint8Array(5).fill(0xee));
  });

  it('refuses, leaving the bytes as they were, what has no TCP or UDP header it can find', () => {
    const src = '2001:db8:64::cb00:710a';
    const dst = '2001:db8:1:2::c1a7';
    const refused = {
      fragment: ipv6({ src, dst, extensions: [fragmentHeader({ id: 7, more: true })] }, udp({ payload: pattern(16) })),
      sctp: ipv6({ src, dst }, raw(132, pattern(32))),
      icmpv6: ipv6({ src, dst }, raw(proto.icmpv6, pattern(16))),
      routingSegmentsLeft: ipv6({ src, dst, extensions: [routingHeader({ segmentsLeft: 1 })] }, tcp()),
      chainCutShort: ipv6({ src, dst, extensions: [optionsHeader(60, pattern(40))], payloadLen: 16 }, udp()),
      tcpHeaderCutShort: ipv6({ src, dst, payloadLen: 12 }, tcp()),
      jumbogram: ipv6({ src, dst, payloadLen: 0 }, tcp()),
      longerThanRead: ipv6({ src, dst, payloadLen: 2000 }, tcp()),
      notIpv6: Uint8Array.from({ length: 60 }, (_, i) => (i === 0 ? 0x45 : 0)),
      short: new Uint8Array(39).fill(0x60),
    };
    for (const [what, packet] of Object.entries(refused)) {
      const before = packet.slice();
      expect(addon.ipv6TransportChecksum(packet), what).toBe(false);
      expect(packet, what).toEqual(before);
    }
  });

  it('agrees with the TypeScript checksum on packets of every length', () => {
    for (let size = 0; size < 70; size++) {
      for (const l4 of [tcp({ payload: pattern(size, size) }), udp({ payload: pattern(size, 3 * size) })]) {
        const packet = ipv6({ src: '2001:db8:64::cb00:710a', dst: '2001:db8:1:2::c1a7', extensions: size % 3 === 0 ? [optionsHeader(0)] : [] }, l4);
        const checksumAt = packet.length - l4.bytes.length + l4.checksumAt;
        const right = get16(packet, checksumAt);
        packet[checksumAt] ^= 0x5a;
        expect(addon.ipv6TransportChecksum(packet)).toBe(true);
        expect(get16(packet, checksumAt)).toBe(right);
      }
    }
  });
});
