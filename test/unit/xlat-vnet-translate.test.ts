// Translation with a virtio-net header (core/xlat/vnet-translate.ts): a GSO super-packet's headers
// are translated once, and what the kernel then cuts from it is what translating each segment
// would have given (segment-then-translate equals translate-then-segment, the test's own GSO
// below standing in for tcp_gso_segment / __udp_gso_segment). Partial checksums (NEEDS_CSUM) are
// the pseudo-header sum for the new addresses; gso_size respects the other side's MTU; a UDP
// super-packet too big for it is segmented in user space.

import { describe, expect, it } from 'vitest';
import { completePartialChecksum, pseudoHeaderSum4, pseudoHeaderSum6 } from '../../core/wire/partial-checksum.js';
import { decodeVnetHeader, encodeVnetHeader, virtioGsoType, virtioNetFlag, type VirtioNetHeaderFields } from '../../core/wire/virtio-net-header.js';
import { outputBufferBytes, XlatOutput } from '../../core/xlat/output.js';
import { udpSegmentCount, writeUdpSegment } from '../../core/xlat/udp-segment.js';
import { Verdict } from '../../core/xlat/verdict.js';
import { vnetMismatch, vnetNeedsSegmentation, VnetTranslation } from '../../core/xlat/vnet-translate.js';
import { ipv4, ipv6, pattern, tcp, udp } from './packet-builder.js';
import { get16, get32, onesSum, packetProblems, put16, put32, readIpv4, readIpv6 } from './packet-check.js';
import { makeTranslator, net } from './xlat-fixture.js';

const translator = makeTranslator(); // MTU 1500 both sides
const tcpFlags = { fin: 0x01, psh: 0x08, ack: 0x10, cwr: 0x80 } as const;

interface Translated {
  readonly verdict: number;
  readonly header: VirtioNetHeaderFields;
  readonly packet: Uint8Array;
  readonly count: number;
  readonly segments: number;
}

/** Runs VnetTranslation on `packet` behind `header`; the input must come back unchanged. */
function translateWith(header: VirtioNetHeaderFields, packet: Uint8Array): Translated {
  const input = new Uint8Array(10 + packet.length);
  encodeVnetHeader(input, 0, header);
  input.set(packet, 10);
  const before = input.slice();
  const out = new XlatOutput(new Uint8Array(outputBufferBytes(10)), 10);
  const vnet = new VnetTranslation();
  const verdict = vnet.translate(translator, input, 10, packet.length, out);
  // The header-only translation of a super-packet puts the fields it patched back.
  if (header.gsoType !== 0) expect(input.subarray(10)).toEqual(before.subarray(10));
  if (out.count === 0) return { verdict, header: decodeVnetHeader(new Uint8Array(10), 0), packet: new Uint8Array(0), count: 0, segments: vnet.segments };
  return { verdict, header: decodeVnetHeader(out.buffer, out.start[0] - 10), packet: out.packet(0).slice(), count: out.count, segments: vnet.segments };
}

/** The kernel's view of a super-packet: the transport checksum field holds the pseudo-header sum. */
function partial(packet: Uint8Array, proto: 6 | 17): Uint8Array {
  const p = packet.slice();
  const isIpv4 = p[0] >> 4 === 4;
  const l4 = isIpv4 ? 20 : 40;
  put16(p, l4 + (proto === 6 ? 16 : 6), isIpv4 ? pseudoHeaderSum4(p, 0, proto, p.length - l4) : pseudoHeaderSum6(p, 0, proto, p.length - l4));
  return p;
}
const partialTcp = (packet: Uint8Array) => partial(packet, 6);
const partialUdp = (packet: Uint8Array) => partial(packet, 17);

/**
 * TCP segmentation as tcp_gso_segment does it (net/ipv4/tcp_offload.c): headers copied, sequence
 * numbers advanced, FIN and PSH on the last segment only, CWR on the first only, IPv4
 * Identification + k, lengths and checksums per segment (the partial sum finished).
 */
function segmentTcp(superPacket: Uint8Array, gsoSize: number): Uint8Array[] {
  const isIpv4 = superPacket[0] >> 4 === 4;
  const l4 = isIpv4 ? (superPacket[0] & 0x0f) << 2 : 40;
  const headerBytes = l4 + ((superPacket[l4 + 12] >> 4) << 2);
  const payload = superPacket.length - headerBytes;
  const segments: Uint8Array[] = [];
  for (let offset = 0, k = 0; offset < payload; offset += gsoSize, k++) {
    const piece = Math.min(gsoSize, payload - offset);
    const seg = new Uint8Array(headerBytes + piece);
    seg.set(superPacket.subarray(0, headerBytes));
    seg.set(superPacket.subarray(headerBytes + offset, headerBytes + offset + piece), headerBytes);
    put32(seg, l4 + 4, (get32(superPacket, l4 + 4) + offset) >>> 0);
    const last = offset + piece >= payload;
    if (!last) seg[l4 + 13] &= ~(tcpFlags.fin | tcpFlags.psh);
    if (k > 0) seg[l4 + 13] &= ~tcpFlags.cwr;
    if (isIpv4) {
      put16(seg, 2, seg.length);
      put16(seg, 4, (get16(superPacket, 4) + k) & 0xffff);
      put16(seg, 10, 0);
      put16(seg, 10, ~onesSum(seg, 0, l4) & 0xffff);
      put16(seg, l4 + 16, pseudoHeaderSum4(seg, 0, 6, seg.length - l4));
    } else {
      put16(seg, 4, seg.length - 40);
      put16(seg, l4 + 16, pseudoHeaderSum6(seg, 0, 6, seg.length - l4));
    }
    completePartialChecksum(seg, l4, 16, seg.length);
    segments.push(seg);
  }
  return segments;
}

/** Finishes the partial checksum of a translated super-packet, to check it as a whole packet. */
function finished(packet: Uint8Array, checksumAt: number): Uint8Array {
  const p = packet.slice();
  const l4 = p[0] >> 4 === 4 ? 20 : 40;
  completePartialChecksum(p, l4, checksumAt, p.length);
  return p;
}

function translatePlain(packet: Uint8Array): Uint8Array {
  const out = new XlatOutput();
  const verdict = translator.translate(packet, out);
  expect(verdict).toBe(Verdict.translated);
  expect(out.count).toBe(1);
  return out.packet(0).slice();
}

const tso4 = (gsoSize: number, ecn = 0) => ({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.tcpv4 | ecn, hdrLen: 54, gsoSize, csumStart: 20, csumOffset: 16 });
const tso6 = (gsoSize: number) => ({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.tcpv6, hdrLen: 74, gsoSize, csumStart: 40, csumOffset: 16 });
const uso4 = (gsoSize: number) => ({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.udpL4, hdrLen: 28, gsoSize, csumStart: 20, csumOffset: 6 });

describe('GSO super-packets, IPv4 → IPv6', () => {
  const payload = pattern(20_000, 7);
  const whole = ipv4({ src: net.h4, dst: net.r4, df: true, id: 0x4242 }, tcp({ seq: 0xfffff000, flags: tcpFlags.psh | tcpFlags.ack | tcpFlags.fin, payload }));

  it('translates the headers once: TCPV6, hdr_len and csum_start +20, csum_offset kept, the pseudo-header sum of the new addresses', () => {
    // hdr_len as the kernel reports it is only a hint (skb_headlen): 54 here is not the header length.
    const result = translateWith(tso4(1400), partialTcp(whole));
    expect(result.verdict).toBe(Verdict.translated);
    expect(result.count).toBe(1);
    expect(result.header).toEqual({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.tcpv6, hdrLen: 60, gsoSize: 1400, csumStart: 40, csumOffset: 16 });
    expect(result.segments).toBe(Math.ceil(20_000 / 1400));
    const v6 = readIpv6(result.packet);
    expect([v6.src, v6.dst, v6.payloadLen]).toEqual([net.h4as6, net.r4as6, 20 + 20_000]);
    expect(get16(result.packet, 56)).toBe(pseudoHeaderSum6(result.packet, 0, 6, 20 + 20_000));
    // Finished as one packet, the checksum is right: the partial sum was the right one.
    expect(packetProblems(finished(result.packet, 16))).toEqual([]);
    expect(result.packet.subarray(60)).toEqual(payload);
  });

  it('gives the kernel what translating every segment would have given', () => {
    const result = translateWith(tso4(1400), partialTcp(whole));
    const viaOffload = segmentTcp(result.packet, result.header.gsoSize);
    const perSegment = segmentTcp(partialTcp(whole), 1400).map(translatePlain);
    expect(viaOffload).toEqual(perSegment);
    for (const segment of viaOffload) expect(packetProblems(segment)).toEqual([]);
  });

  it('shrinks gso_size so that every IPv6 segment fits the IPv6 MTU (the MSS is 20 bytes less)', () => {
    // 1460 bytes of payload fill a 1500-byte IPv4 packet; as IPv6 that is 1520.
    const result = translateWith(tso4(1460), partialTcp(whole));
    expect(result.header.gsoSize).toBe(1500 - 40 - 20);
    const segments = segmentTcp(result.packet, result.header.gsoSize);
    expect(Math.max(...segments.map((s) => s.length))).toBe(1500);
    // The byte stream is the same: the segments carry the payload in order.
    const joined = new Uint8Array(segments.reduce((n, s) => n + s.length - 60, 0));
    let at = 0;
    for (const s of segments) {
      joined.set(s.subarray(60), at);
      at += s.length - 60;
    }
    expect(joined).toEqual(payload);
  });

  it('DF=0: segments that need no IPv6 fragments (RFC 7915 §4.1 would fragment above 1280 bytes)', () => {
    const mayFragment = partialTcp(ipv4({ src: net.h4, dst: net.r4, df: false, id: 9 }, tcp({ flags: tcpFlags.ack, payload })));
    const result = translateWith(tso4(1400), mayFragment);
    expect(result.header.gsoSize).toBe(1280 - 40 - 20);
    const segments = segmentTcp(result.packet, result.header.gsoSize);
    expect(Math.max(...segments.map((s) => s.length))).toBe(1280);
    for (const segment of segments) expect(packetProblems(segment)).toEqual([]);
    // A UDP super-packet has no such way out: segmented here, each datagram fragmented by the translator.
    const datagrams = partialUdp(ipv4({ src: net.h4, dst: net.r4, df: false }, udp({ payload: pattern(1300 * 3, 3) })));
    expect(translateWith(uso4(1300), datagrams).verdict).toBe(vnetNeedsSegmentation);
    expect(translateWith(uso4(1200), datagrams).verdict).toBe(Verdict.translated); // 1248-byte IPv6 datagrams
  });

  it('keeps the ECN bit of the GSO type (CWR on the first segment, RFC 3168)', () => {
    const result = translateWith(tso4(1400, virtioGsoType.ecn), partialTcp(whole));
    expect(result.header.gsoType).toBe(virtioGsoType.tcpv6 | virtioGsoType.ecn);
  });

  it('translates a UDP super-packet (USO) that fits: UDP_L4, csum_offset 6', () => {
    const datagrams = ipv4({ src: net.h4, dst: net.r4 }, udp({ dstPort: 443, payload: pattern(1200 * 5, 1) }));
    const result = translateWith(uso4(1200), partialUdp(datagrams));
    expect(result.verdict).toBe(Verdict.translated);
    expect(result.header).toEqual({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.udpL4, hdrLen: 48, gsoSize: 1200, csumStart: 40, csumOffset: 6 });
    expect(result.segments).toBe(5);
    expect(packetProblems(finished(result.packet, 6))).toEqual([]);
  });

  it('asks for user-space segmentation when the UDP datagrams would not fit, and those datagrams are whole', () => {
    const datagrams = partialUdp(ipv4({ src: net.h4, dst: net.r4, id: 7 }, udp({ payload: pattern(1470 * 3 + 100, 2) })));
    const result = translateWith(uso4(1470), datagrams);
    expect(result.verdict).toBe(vnetNeedsSegmentation);
    expect(result.count).toBe(0);
    expect(udpSegmentCount(datagrams.length, 28, 1470)).toBe(4);
    const dst = new Uint8Array(2000);
    const lengths = [0, 1, 2, 3].map((k) => {
      const length = writeUdpSegment(datagrams, 0, datagrams.length, 20, 1470, k, dst, 0);
      const segment = dst.slice(0, length);
      expect(packetProblems(segment)).toEqual([]);
      expect(readIpv4(segment).id).toBe(7 + k);
      expect(segment.subarray(28)).toEqual(datagrams.subarray(28 + 1470 * k, 28 + Math.min(1470 * (k + 1), 1470 * 3 + 100)));
      return length;
    });
    expect(lengths).toEqual([1498, 1498, 1498, 128]);
  });

  it('answers a super-packet whose TTL runs out with one ICMP error and a plain header', () => {
    const expiring = partialTcp(ipv4({ src: net.h4, dst: net.r4, ttl: 1 }, tcp({ payload: pattern(5000) })));
    const result = translateWith(tso4(1400), expiring);
    expect(result.verdict).toBe(Verdict.ttlExpired);
    expect(result.count).toBe(1);
    expect(result.header).toEqual({ flags: 0, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 0, csumOffset: 0 });
    expect(readIpv4(result.packet).proto).toBe(1);
  });

  it('refuses a header that does not fit the packet', () => {
    const datagram = partialUdp(ipv4({ src: net.h4, dst: net.r4 }, udp({ payload: pattern(3000) })));
    expect(translateWith(tso4(1400), datagram).verdict).toBe(vnetMismatch); // TCPV4 on UDP
    expect(translateWith({ ...uso4(1400), csumOffset: 16 }, datagram).verdict).toBe(vnetMismatch);
    expect(translateWith({ ...uso4(1400), flags: 0 }, datagram).verdict).toBe(vnetMismatch);
    expect(translateWith({ ...uso4(0) }, datagram).verdict).toBe(vnetMismatch);
    expect(translateWith(tso6(1400), partialTcp(whole)).verdict).toBe(vnetMismatch); // TCPV6 on IPv4
  });
});

describe('GSO super-packets, IPv6 → IPv4', () => {
  const payload = pattern(30_000, 9);
  const whole = ipv6({ src: net.r4as6, dst: net.h4as6, hopLimit: 60 }, tcp({ srcPort: 80, dstPort: 40000, seq: 77, flags: tcpFlags.psh | tcpFlags.ack, payload }));

  it('translates the headers once: TCPV4, hdr_len and csum_start −20, DF set, a valid IPv4 header', () => {
    const result = translateWith(tso6(1428), partialTcp(whole));
    expect(result.verdict).toBe(Verdict.translated);
    expect(result.header).toEqual({ flags: virtioNetFlag.needsCsum, gsoType: virtioGsoType.tcpv4, hdrLen: 40, gsoSize: 1428, csumStart: 20, csumOffset: 16 });
    const v4 = readIpv4(result.packet);
    expect([v4.src, v4.dst, v4.totalLen, v4.df, v4.ttl]).toEqual([net.r4, net.h4, 20 + 20 + 30_000, true, 59]);
    expect(packetProblems(finished(result.packet, 16))).toEqual([]);
  });

  it('refuses a super-packet whose IPv4 form would not fit Total Length', () => {
    const huge = ipv6({ src: net.r4as6, dst: net.h4as6 }, tcp({ payload: pattern(65_510) })); // 65530 bytes of IPv6 payload
    const refused = translateWith(tso6(1428), partialTcp(huge));
    expect([refused.verdict, refused.count]).toEqual([Verdict.outputTooLarge, 0]); // no header-only packet left to write
  });

  it('gives the kernel what translating every segment would have given (but the Identification it numbers)', () => {
    const result = translateWith(tso6(1428), partialTcp(whole));
    const viaOffload = segmentTcp(result.packet, 1428);
    const perSegment = segmentTcp(partialTcp(whole), 1428).map(translatePlain);
    expect(viaOffload.length).toBe(perSegment.length);
    for (let k = 0; k < viaOffload.length; k++) {
      expect(packetProblems(viaOffload[k])).toEqual([]);
      const [a, b] = [viaOffload[k].slice(), perSegment[k].slice()];
      for (const p of [a, b]) put32(p, 4, 0); // drop the Identification and flags
      for (const p of [a, b]) put16(p, 10, 0); // and the header checksum that covers them
      // RFC 7915 §5.1 sets DF on translations above 1260 bytes; the kernel copies the super-packet's
      // DF to every segment, so only a short last segment differs, in DF alone.
      expect(readIpv4(viaOffload[k]).df).toBe(true);
      if (perSegment[k].length > 1260) expect(readIpv4(perSegment[k]).df).toBe(true);
      expect(a).toEqual(b);
    }
  });
});

describe('GSO super-packets, IPv6 → IPv4, segments of at most 1260 bytes', () => {
  it('leave with DF clear and an Identification, as RFC 7915 §5.1 gives each of them', () => {
    const whole = ipv6({ src: net.r4as6, dst: net.h4as6 }, tcp({ srcPort: 80, dstPort: 40000, flags: tcpFlags.ack, payload: pattern(5000, 4) }));
    const result = translateWith(tso6(1000), partialTcp(whole));
    const v4 = readIpv4(result.packet);
    expect(v4.df).toBe(false);
    const viaOffload = segmentTcp(result.packet, 1000);
    const perSegment = segmentTcp(partialTcp(whole), 1000).map(translatePlain);
    for (let k = 0; k < viaOffload.length; k++) expect(readIpv4(viaOffload[k]).df).toBe(readIpv4(perSegment[k]).df);
    expect(v4.id).not.toBe(0); // an Identification for the kernel to count on from
  });
});

describe('single packets with a partial checksum', () => {
  it('are finished before translation and leave whole, with a plain header', () => {
    const packet = ipv4({ src: net.h4, dst: net.r4 }, udp({ payload: pattern(64) }));
    const result = translateWith({ flags: virtioNetFlag.needsCsum, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 20, csumOffset: 6 }, partialUdp(packet));
    expect(result.verdict).toBe(Verdict.translated);
    expect(result.header.flags).toBe(0);
    expect(result.packet).toEqual(translatePlain(packet));
  });

  it('pass unchanged when the checksum is already whole', () => {
    const packet = ipv6({ src: net.r4as6, dst: net.h4as6 }, tcp({ payload: pattern(500) }));
    const result = translateWith({ flags: 0, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 0, csumOffset: 0 }, packet);
    const plain = translatePlain(packet);
    // The Identification comes from the translator's counter (RFC 7915 §5.1): the rest is the same.
    for (const p of [result.packet, plain]) put32(p, 4, 0);
    for (const p of [result.packet, plain]) put16(p, 10, 0);
    expect(result.packet).toEqual(plain);
  });

  it('refuse a checksum place beyond the packet', () => {
    const packet = ipv4({ src: net.h4, dst: net.r4 }, udp({ payload: pattern(10) }));
    expect(translateWith({ flags: virtioNetFlag.needsCsum, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 32, csumOffset: 6 }, packet).verdict).toBe(vnetMismatch); // 32 + 6 + 2 > 38
  });
});
