// TCP coalescing on the return path (core/xlat/tcp-coalesce.ts): which translated IPv4 segments may
// join a TSO super-packet (tcp_gro_receive's rules), that a joined group is what the segments were
// (payload in order, PSH carried, the partial checksum for its length), and that a segment whose
// checksum is wrong is recognised as such.

import { describe, expect, it } from 'vitest';
import { completePartialChecksum } from '../../core/wire/partial-checksum.js';
import { decodeVnetHeader, virtioGsoType, virtioNetFlag } from '../../core/wire/virtio-net-header.js';
import { canJoinTcp4, coalescableTcp4Headers, joinTcp4, tcp4ChecksumIsValid } from '../../core/xlat/tcp-coalesce.js';
import { ipv4, pattern, tcp, twoPacketArena as arena } from './packet-builder.js';
import { packetProblems } from './packet-check.js';

const flags = { fin: 0x01, syn: 0x02, psh: 0x08, ack: 0x10, cwr: 0x80 } as const;

function segment(seq: number, payloadBytes: number, f: { flags?: number; ttl?: number; ack?: number; srcPort?: number } = {}): Uint8Array {
  return ipv4({ src: '203.0.113.10', dst: '192.0.0.1', df: true, id: 0, ttl: f.ttl ?? 62 }, tcp({ srcPort: f.srcPort ?? 80, dstPort: 40000, seq, ack: f.ack ?? 5000, flags: f.flags ?? flags.ack, payload: pattern(payloadBytes, seq & 0xff) }));
}

describe('TCP coalescing', () => {
  it('takes data segments with ACK and at most PSH', () => {
    const take = (p: Uint8Array) => coalescableTcp4Headers(p, 0, p.length);
    expect(take(segment(1, 100))).toBe(40);
    expect(take(segment(1, 100, { flags: flags.ack | flags.psh }))).toBe(40);
    expect(take(segment(1, 0))).toBe(-1); // a pure ACK
    expect(take(segment(1, 100, { flags: flags.ack | flags.fin }))).toBe(-1);
    expect(take(segment(1, 100, { flags: flags.syn | flags.ack }))).toBe(-1);
    expect(take(segment(1, 100, { flags: flags.ack | flags.cwr }))).toBe(-1);
  });

  it('joins only the next segment of the same flow with the same acknowledgment and TTL', () => {
    const first = segment(1000, 100);
    const joins = (second: Uint8Array, gsoSize = 100) => canJoinTcp4(arena(first, second), 10, first.length, gsoSize, 4000, second.length, 40);
    expect(joins(segment(1100, 100))).toBe(true);
    expect(joins(segment(1100, 60))).toBe(true);
    expect(joins(segment(1100, 101))).toBe(false); // longer than gso_size
    expect(joins(segment(1101, 100))).toBe(false); // not the next byte
    expect(joins(segment(1100, 100, { ack: 5001 }))).toBe(false);
    expect(joins(segment(1100, 100, { ttl: 61 }))).toBe(false);
    expect(joins(segment(1100, 100, { srcPort: 81 }))).toBe(false);
    const pushed = segment(1000, 100, { flags: flags.ack | flags.psh });
    expect(canJoinTcp4(arena(pushed, segment(1100, 100)), 10, pushed.length, 100, 4000, 140, 40)).toBe(false); // PSH ends a group
  });

  it('builds a super-packet the host can take: TCPV4, gso_size, PSH carried, the partial checksum for its length', () => {
    const first = segment(1000, 100);
    const second = segment(1100, 80, { flags: flags.ack | flags.psh });
    const b = arena(first, second);
    const total = joinTcp4(b, 10, first.length, 100, 4000, second.length, 40);
    expect(total).toBe(40 + 180);
    expect(decodeVnetHeader(b, 0)).toEqual({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.tcpv4, hdrLen: 40, gsoSize: 100, csumStart: 20, csumOffset: 16 });
    const superPacket = b.slice(10, 10 + total);
    expect(superPacket[33] & flags.psh).toBe(flags.psh);
    expect(superPacket.subarray(140)).toEqual(second.subarray(40));
    completePartialChecksum(superPacket, 20, 16, superPacket.length);
    expect(packetProblems(superPacket)).toEqual([]);
  });

  it('tells a segment with a wrong checksum', () => {
    const good = segment(1, 300);
    expect(tcp4ChecksumIsValid(good, 0, good.length)).toBe(true);
    const bad = good.slice();
    bad[200] ^= 0x10;
    expect(tcp4ChecksumIsValid(bad, 0, bad.length)).toBe(false);
  });
});
