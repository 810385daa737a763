// Reads and checks packets in tests: is this IPv4/IPv6 packet well-formed (lengths, IPv4 header
// checksum, TCP/UDP/ICMP/ICMPv6 checksums with their pseudo-headers)? It has its own ones'
// complement arithmetic (RFC 1071) on purpose: it checks the translator, so it shares none of its code.
// Also: field decoders for assertions, fragment reassembly, and the size of a checksum's error.

import { formatIpv4, formatIpv6 } from '../../core/wire/address.js';

const tcp = 6;
const udp = 17;
const icmp = 1;
const icmpv6 = 58;

/** Ones' complement sum (RFC 1071) of the 16-bit big-endian words of `bytes[start, end)`, folded to 16 bits. */
export function onesSum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  let sum = initial;
  for (let i = start; i < end; i += 2) {
    sum += (bytes[i] << 8) | (i + 1 < end ? bytes[i + 1] : 0);
    if (sum > 0xffff) sum = (sum & 0xffff) + 1;
  }
  return sum;
}

/** Adds two 16-bit ones' complement numbers. */
export function onesAdd(a: number, b: number): number {
  const sum = a + b;
  return sum > 0xffff ? (sum & 0xffff) + 1 : sum;
}

/** The checksum field value for data whose ones' complement sum (checksum field 0) is `sum`. */
export function checksumOf(sum: number): number {
  return ~sum & 0xffff;
}

export function get16(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 8) | bytes[at + 1];
}

export function get32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

export function put16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = (value >>> 8) & 0xff;
  bytes[at + 1] = value & 0xff;
}

export function put32(bytes: Uint8Array, at: number, value: number): void {
  put16(bytes, at, value >>> 16);
  put16(bytes, at + 2, value & 0xffff);
}

/** Pseudo-header sums: RFC 793 §3.1 / RFC 768 (IPv4), RFC 8200 §8.1 (IPv6). */
export function pseudoSum4(packet: Uint8Array, proto: number, length: number): number {
  return onesAdd(onesAdd(onesSum(packet, 12, 20), proto), length);
}

export function pseudoSum6(packet: Uint8Array, proto: number, length: number): number {
  // The upper-layer length is 32 bits; packets here are below 64 KiB, so its high word is 0.
  return onesAdd(onesAdd(onesSum(packet, 8, 40), proto), length);
}

export interface Ipv4View {
  version: number;
  ihl: number;
  tos: number;
  totalLen: number;
  id: number;
  df: boolean;
  mf: boolean;
  fragOffsetBytes: number;
  ttl: number;
  proto: number;
  headerChecksum: number;
  src: string;
  dst: string;
  /** Where the payload starts (IHL × 4). */
  l4: number;
  payload: Uint8Array;
}

export function readIpv4(p: Uint8Array): Ipv4View {
  const ihl = (p[0] & 0x0f) * 4;
  const flags = get16(p, 6);
  const totalLen = get16(p, 2);
  return {
    version: p[0] >> 4,
    ihl,
    tos: p[1],
    totalLen,
    id: get16(p, 4),
    df: (flags & 0x4000) !== 0,
    mf: (flags & 0x2000) !== 0,
    fragOffsetBytes: (flags & 0x1fff) * 8,
    ttl: p[8],
    proto: p[9],
    headerChecksum: get16(p, 10),
    src: formatIpv4(get32(p, 12)),
    dst: formatIpv4(get32(p, 16)),
    l4: ihl,
    payload: p.subarray(ihl, totalLen),
  };
}

export interface FragmentView {
  nextHeader: number;
  offsetBytes: number;
  more: boolean;
  id: number;
}

export interface Ipv6View {
  version: number;
  trafficClass: number;
  flowLabel: number;
  payloadLen: number;
  nextHeader: number;
  hopLimit: number;
  src: string;
  dst: string;
  /** The Fragment header, if the chain has one. */
  fragment: FragmentView | undefined;
  /** The upper-layer protocol after Hop-by-Hop, Routing, Destination Options and Fragment headers. */
  proto: number;
  /** Where the upper-layer header starts. */
  l4: number;
  payload: Uint8Array;
}

/** Extension headers the walk skips (RFC 8200 §4): Hop-by-Hop, Routing, Destination Options. */
const skippable = new Set([0, 43, 60]);

export function readIpv6(p: Uint8Array): Ipv6View {
  const end = Math.min(p.length, 40 + get16(p, 4));
  let next = p[6];
  let at = 40;
  let fragment: FragmentView | undefined;
  for (;;) {
    if (skippable.has(next) && at + 2 <= end) {
      const length = (p[at + 1] + 1) * 8;
      next = p[at];
      at += length;
    } else if (next === 44 && at + 8 <= end) {
      const word = get16(p, at + 2);
      fragment = { nextHeader: p[at], offsetBytes: word & 0xfff8, more: (word & 1) !== 0, id: get32(p, at + 4) };
      next = p[at];
      at += 8;
    } else {
      break;
    }
  }
  return {
    version: p[0] >> 4,
    trafficClass: ((p[0] & 0x0f) << 4) | (p[1] >> 4),
    flowLabel: ((p[1] & 0x0f) << 16) | get16(p, 2),
    payloadLen: get16(p, 4),
    nextHeader: p[6],
    hopLimit: p[7],
    src: formatIpv6(p, 8),
    dst: formatIpv6(p, 24),
    fragment,
    proto: next,
    l4: at,
    payload: p.subarray(at, end),
  };
}

/** The word sum the L4 checksum must make valid, checksum field included; undefined if not checkable. */
function l4Sum(p: Uint8Array): { sum: number; field: number; proto: number } | undefined {
  const version = p[0] >> 4;
  if (version === 4) {
    const h = readIpv4(p);
    if (h.mf || h.fragOffsetBytes !== 0) return undefined;
    const l4 = h.payload;
    const at = h.proto === tcp ? 16 : h.proto === udp ? 6 : h.proto === icmp ? 2 : -1;
    if (at < 0 || l4.length < at + 2) return undefined;
    const pseudo = h.proto === icmp ? 0 : pseudoSum4(p, h.proto, l4.length);
    return { sum: onesSum(l4, 0, l4.length, pseudo), field: get16(l4, at), proto: h.proto };
  }
  if (version === 6) {
    const h = readIpv6(p);
    if (h.fragment !== undefined && (h.fragment.more || h.fragment.offsetBytes !== 0)) return undefined;
    const l4 = h.payload;
    const at = h.proto === tcp ? 16 : h.proto === udp ? 6 : h.proto === icmpv6 ? 2 : -1;
    if (at < 0 || l4.length < at + 2) return undefined;
    return { sum: onesSum(l4, 0, l4.length, pseudoSum6(p, h.proto, l4.length)), field: get16(l4, at), proto: h.proto };
  }
  return undefined;
}

/**
 * What is wrong with a packet, as readable lines; [] when it is well-formed. Checks the version,
 * lengths, the IPv4 header checksum, and the TCP/UDP/ICMP/ICMPv6 checksum of unfragmented packets
 * and of reassembled ones (IPv4 UDP checksum 0 means "none", RFC 768; in IPv6 it is an error, RFC 8200 §8.1).
 */
export function packetProblems(p: Uint8Array): string[] {
  const problems: string[] = [];
  if (p.length < 1) return ['empty'];
  const version = p[0] >> 4;
  if (version === 4) {
    if (p.length < 20) return [`IPv4 packet of ${p.length} bytes`];
    const h = readIpv4(p);
    if (h.ihl < 20) problems.push(`IHL ${h.ihl} bytes`);
    if (h.totalLen !== p.length) problems.push(`total length ${h.totalLen}, packet ${p.length} bytes`);
    if (onesSum(p, 0, h.ihl) !== 0xffff) problems.push(`IPv4 header checksum 0x${h.headerChecksum.toString(16)} is wrong`);
    if (h.proto === udp && !h.mf && h.fragOffsetBytes === 0 && h.payload.length >= 8 && get16(h.payload, 4) !== h.payload.length) {
      problems.push(`UDP length ${get16(h.payload, 4)}, payload ${h.payload.length} bytes`);
    }
  } else if (version === 6) {
    if (p.length < 40) return [`IPv6 packet of ${p.length} bytes`];
    const h = readIpv6(p);
    if (40 + h.payloadLen !== p.length) problems.push(`payload length ${h.payloadLen}, packet ${p.length} bytes`);
    if (h.l4 > p.length) problems.push('extension headers run past the end');
    const whole = h.fragment === undefined || (!h.fragment.more && h.fragment.offsetBytes === 0);
    if (h.proto === udp && whole && h.payload.length >= 8) {
      if (get16(h.payload, 4) !== h.payload.length) problems.push(`UDP length ${get16(h.payload, 4)}, payload ${h.payload.length} bytes`);
      if (get16(h.payload, 6) === 0) problems.push('IPv6 UDP checksum is 0');
    }
  } else {
    return [`version ${version}`];
  }
  const l4 = l4Sum(p);
  if (l4 !== undefined && l4.sum !== 0xffff && !(version === 4 && l4.proto === udp && l4.field === 0)) {
    problems.push(`protocol ${l4.proto} checksum 0x${l4.field.toString(16)} is wrong (off by 0x${checksumError(p).toString(16)})`);
  }
  return problems;
}

/**
 * How far the TCP/UDP/ICMP(v6) checksum of an unfragmented packet is from the right one: the ones'
 * complement difference (right − actual), 0 when it is right (±0 are the same number, RFC 1624 §3).
 */
export function checksumError(p: Uint8Array): number {
  const l4 = l4Sum(p);
  if (l4 === undefined) throw new Error('checksumError: not an unfragmented TCP, UDP, ICMP or ICMPv6 packet');
  // right = ~(sum without the field); right − actual = ~(sum without the field) + ~actual = ~sum.
  const error = ~l4.sum & 0xffff;
  return error === 0xffff ? 0 : error;
}

/** Reassembles IPv6 fragments (any order) into one unfragmented IPv6 packet. */
export function reassembleIpv6(fragments: Uint8Array[]): Uint8Array {
  const parts = fragments.map((f) => ({ h: readIpv6(f), f })).sort((a, b) => a.h.fragment!.offsetBytes - b.h.fragment!.offsetBytes);
  const first = parts[0];
  if (first.h.fragment === undefined) throw new Error('reassembleIpv6: not a fragment');
  // The unfragmentable part (RFC 8200 §4.5): the IPv6 header, here without extension headers before the Fragment header.
  if (first.h.nextHeader !== 44) throw new Error('reassembleIpv6: extension headers before the Fragment header');
  let expected = 0;
  const pieces: Uint8Array[] = [];
  for (const { h } of parts) {
    const frag = h.fragment!;
    if (frag.offsetBytes !== expected) throw new Error(`reassembleIpv6: gap or overlap at ${expected} (fragment at ${frag.offsetBytes})`);
    if (frag.id !== first.h.fragment.id) throw new Error('reassembleIpv6: mixed identifications');
    pieces.push(h.payload);
    expected += h.payload.length;
  }
  if (parts[parts.length - 1].h.fragment!.more) throw new Error('reassembleIpv6: last fragment has M set');
  const out = new Uint8Array(40 + expected);
  out.set(first.f.subarray(0, 40));
  put16(out, 4, expected);
  out[6] = first.h.fragment.nextHeader;
  let at = 40;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** Reassembles IPv4 fragments (any order) into one IPv4 packet with a fresh header checksum. */
export function reassembleIpv4(fragments: Uint8Array[]): Uint8Array {
  const parts = fragments.map((f) => ({ h: readIpv4(f), f })).sort((a, b) => a.h.fragOffsetBytes - b.h.fragOffsetBytes);
  let expected = 0;
  const pieces: Uint8Array[] = [];
  for (const { h } of parts) {
    if (h.fragOffsetBytes !== expected) throw new Error(`reassembleIpv4: gap or overlap at ${expected} (fragment at ${h.fragOffsetBytes})`);
    if (h.id !== parts[0].h.id) throw new Error('reassembleIpv4: mixed identifications');
    pieces.push(h.payload);
    expected += h.payload.length;
  }
  if (parts[parts.length - 1].h.mf) throw new Error('reassembleIpv4: last fragment has MF set');
  const first = parts[0];
  const out = new Uint8Array(first.h.ihl + expected);
  out.set(first.f.subarray(0, first.h.ihl));
  put16(out, 2, out.length);
  put16(out, 6, get16(out, 6) & 0x4000); // MF 0, offset 0; DF kept
  put16(out, 10, 0);
  put16(out, 10, checksumOf(onesSum(out, 0, first.h.ihl)));
  let at = first.h.ihl;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');
}
