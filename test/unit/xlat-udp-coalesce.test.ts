// UDP coalescing for TUN writes (core/xlat/udp-coalesce.ts): which datagrams may join a USO
// super-packet (the kernel's UDP GRO rules), and that the joined super-packet carries the header
// and partial checksum the kernel's segmentation expects.

import { describe, expect, it } from 'vitest';
import { completePartialChecksum } from '../../core/wire/partial-checksum.js';
import { decodeVnetHeader, virtioGsoType, virtioNetFlag } from '../../core/wire/virtio-net-header.js';
import { canJoinUdp6, coalescableUdp6Payload, joinUdp6, maxCoalescedSegments } from '../../core/xlat/udp-coalesce.js';
import { ipv6, pattern, tcp, udp, twoPacketArena as arena } from './packet-builder.js';
import { packetProblems } from './packet-check.js';

const src = '2001:db8:1:2::c1a7';
const dst = '2001:db8:64::cb00:710a';

function datagram(payloadBytes: number, f: { hopLimit?: number; dstPort?: number; trafficClass?: number } = {}): Uint8Array {
  return ipv6({ src, dst, hopLimit: f.hopLimit ?? 64, trafficClass: f.trafficClass ?? 0 }, udp({ dstPort: f.dstPort ?? 5201, payload: pattern(payloadBytes, payloadBytes) }));
}

/** An arena with a 10-byte header room, then `first` (the group), then room to grow, then `second` at 4000. */
describe('UDP coalescing', () => {
  it('takes IPv6 UDP datagrams with a payload, nothing else', () => {
    const d = datagram(64);
    expect(coalescableUdp6Payload(d, 0, d.length)).toBe(64);
    expect(coalescableUdp6Payload(datagram(0), 0, 48)).toBe(-1);
    const segment = ipv6({ src, dst }, tcp({ payload: pattern(64) }));
    expect(coalescableUdp6Payload(segment, 0, segment.length)).toBe(-1);
  });

  it('joins only the same flow, traffic class and hop limit, payloads no longer than the first', () => {
    const first = datagram(100);
    const joins = (second: Uint8Array, segments = 1) => {
      const b = arena(first, second);
      return canJoinUdp6(b, 10, first.length, segments, 100, 4000, coalescableUdp6Payload(b, 4000, second.length));
    };
    expect(joins(datagram(100))).toBe(true);
    expect(joins(datagram(40))).toBe(true);
    expect(joins(datagram(101))).toBe(false);
    expect(joins(datagram(100, { hopLimit: 63 }))).toBe(false);
    expect(joins(datagram(100, { dstPort: 5202 }))).toBe(false);
    expect(joins(datagram(100, { trafficClass: 0x20 }))).toBe(false);
    expect(joins(datagram(100), maxCoalescedSegments)).toBe(false);
  });

  it('builds a super-packet the kernel can segment: UDP_L4, gso_size, the partial checksum for its length', () => {
    const first = datagram(100);
    const second = datagram(60);
    const b = arena(first, second);
    const total = joinUdp6(b, 10, first.length, 100, 4000, second.length);
    expect(total).toBe(48 + 160);
    expect(decodeVnetHeader(b, 0)).toEqual({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.udpL4, hdrLen: 48, gsoSize: 100, csumStart: 40, csumOffset: 6 });
    const superPacket = b.slice(10, 10 + total);
    expect(superPacket.subarray(148)).toEqual(second.subarray(48));
    // Finished as one packet, its checksum is right: the partial sum was for these addresses and length.
    completePartialChecksum(superPacket, 40, 6, superPacket.length);
    expect(packetProblems(superPacket)).toEqual([]);
  });
});
