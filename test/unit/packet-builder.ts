// Builds test packets from fields: IPv4 (with options) and IPv6 (with extension headers) around a
// UDP, TCP, ICMP or ICMPv6 message. Every length and checksum is computed (RFC 791 header checksum,
// pseudo-headers of RFC 768/793 and RFC 8200 §8.1) unless a field says otherwise, so a test states
// only what it is about. Everything returns a fresh Uint8Array; nothing is shared between packets.

import { parseIpv4, parseIpv6 } from '../../core/wire/address.js';
import { checksumOf, onesSum, pseudoSum4, pseudoSum6, put16, put32 } from './packet-check.js';

export const proto = { hopByHop: 0, icmp: 1, tcp: 6, udp: 17, routing: 43, fragment: 44, icmpv6: 58, none: 59, destinationOptions: 60 } as const;

export function addr4(text: string): number {
  const v4 = parseIpv4(text);
  if (v4 === undefined) throw new Error(`not an IPv4 address: ${text}`);
  return v4;
}

export function addr6(text: string): Uint8Array {
  const v6 = parseIpv6(text);
  if (v6 === undefined) throw new Error(`not an IPv6 address: ${text}`);
  return v6;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Two packets in one buffer, as a read batch holds them: the first at 10, the second at 4000. */
export function twoPacketArena(first: Uint8Array, second: Uint8Array): Uint8Array {
  const b = new Uint8Array(8000);
  b.set(first, 10);
  b.set(second, 4000);
  return b;
}

/** `length` bytes of a recognizable pattern (byte i = (seed + i) & 0xff). */
export function pattern(length: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed + i) & 0xff);
}

export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** An upper-layer message. The checksum is filled in by `ipv4`/`ipv6` unless given or `checksumAt` is -1. */
export interface Transport {
  readonly proto: number;
  readonly bytes: Uint8Array;
  /** Offset of the checksum field in `bytes`; -1: none to fill. */
  readonly checksumAt: number;
  /** Whether the checksum covers a pseudo-header (TCP, UDP, ICMPv6; not ICMPv4). */
  readonly pseudoHeader: boolean;
  /** A checksum to write instead of the computed one. */
  readonly checksum?: number;
}

export function udp(f: { srcPort?: number; dstPort?: number; payload?: Uint8Array; checksum?: number } = {}): Transport {
  const payload = f.payload ?? text('udp payload');
  const bytes = new Uint8Array(8 + payload.length);
  put16(bytes, 0, f.srcPort ?? 40000);
  put16(bytes, 2, f.dstPort ?? 53);
  put16(bytes, 4, bytes.length);
  bytes.set(payload, 8);
  return { proto: proto.udp, bytes, checksumAt: 6, pseudoHeader: true, checksum: f.checksum };
}

export function tcp(f: {
  srcPort?: number; dstPort?: number; seq?: number; ack?: number; flags?: number; window?: number;
  payload?: Uint8Array; checksum?: number;
} = {}): Transport {
  const payload = f.payload ?? text('tcp payload');
  const bytes = new Uint8Array(20 + payload.length);
  put16(bytes, 0, f.srcPort ?? 40000);
  put16(bytes, 2, f.dstPort ?? 80);
  put32(bytes, 4, f.seq ?? 0x01020304);
  put32(bytes, 8, f.ack ?? 0);
  bytes[12] = 5 << 4; // data offset: 5 words
  bytes[13] = f.flags ?? 0x18; // PSH ACK
  put16(bytes, 14, f.window ?? 65535);
  bytes.set(payload, 20);
  return { proto: proto.tcp, bytes, checksumAt: 16, pseudoHeader: true, checksum: f.checksum };
}

interface IcmpFields {
  type: number;
  code?: number;
  /** The second 32-bit word (identifier/sequence, pointer, MTU, unused). */
  rest?: number;
  payload?: Uint8Array;
  checksum?: number;
}

function icmpMessage(f: IcmpFields): Uint8Array {
  const payload = f.payload ?? new Uint8Array(0);
  const bytes = new Uint8Array(8 + payload.length);
  bytes[0] = f.type;
  bytes[1] = f.code ?? 0;
  put32(bytes, 4, f.rest ?? 0);
  bytes.set(payload, 8);
  return bytes;
}

export function icmp4(f: IcmpFields): Transport {
  return { proto: proto.icmp, bytes: icmpMessage(f), checksumAt: 2, pseudoHeader: false, checksum: f.checksum };
}

export function icmp6(f: IcmpFields): Transport {
  return { proto: proto.icmpv6, bytes: icmpMessage(f), checksumAt: 2, pseudoHeader: true, checksum: f.checksum };
}

/** Echo request/reply word: identifier and sequence number (RFC 792, RFC 4443 §4). */
export function echoRest(identifier: number, sequence: number): number {
  return ((identifier << 16) | sequence) >>> 0;
}

/** Bytes carried as they are (a fragment's share of a message, No Next Header, an unknown protocol). */
export function raw(protocol: number, bytes: Uint8Array): Transport {
  return { proto: protocol, bytes, checksumAt: -1, pseudoHeader: false };
}

function finish(l4: Transport, pseudo: (proto: number, length: number) => number): Uint8Array {
  const bytes = l4.bytes.slice();
  if (l4.checksumAt < 0) return bytes;
  put16(bytes, l4.checksumAt, 0);
  const sum = onesSum(bytes, 0, bytes.length, l4.pseudoHeader ? pseudo(l4.proto, bytes.length) : 0);
  const computed = checksumOf(sum);
  // RFC 768: a UDP checksum that computes to 0 is sent as all ones (0 means "no checksum").
  put16(bytes, l4.checksumAt, l4.checksum ?? (computed === 0 && l4.proto === proto.udp ? 0xffff : computed));
  return bytes;
}

export interface Ipv4Fields {
  src: string;
  dst: string;
  tos?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  fragOffsetBytes?: number;
  ttl?: number;
  /** Raw option bytes; padded with End of Option List to a multiple of 4. */
  options?: Uint8Array;
  /** Overrides: the Total Length and header checksum fields, the protocol number. */
  totalLen?: number;
  headerChecksum?: number;
  proto?: number;
}

/** The transport bytes, checksum filled for these IPv4 addresses (to cut into fragments by hand). */
export function transport4(src: string, dst: string, l4: Transport): Uint8Array {
  const pseudoAddresses = new Uint8Array(20);
  put32(pseudoAddresses, 12, addr4(src));
  put32(pseudoAddresses, 16, addr4(dst));
  return finish(l4, (p, n) => pseudoSum4(pseudoAddresses, p, n));
}

export function ipv4(f: Ipv4Fields, l4: Transport): Uint8Array {
  const rawOptions = f.options ?? new Uint8Array(0);
  const options = new Uint8Array((rawOptions.length + 3) & ~3);
  options.set(rawOptions);
  const ihl = 20 + options.length;
  const body = transport4(f.src, f.dst, l4);
  const p = new Uint8Array(ihl + body.length);
  p[0] = 0x40 | (ihl >> 2);
  p[1] = f.tos ?? 0;
  put16(p, 2, f.totalLen ?? p.length);
  put16(p, 4, f.id ?? 0x1234);
  put16(p, 6, (f.df ? 0x4000 : 0) | (f.mf ? 0x2000 : 0) | ((f.fragOffsetBytes ?? 0) >> 3));
  p[8] = f.ttl ?? 64;
  p[9] = f.proto ?? l4.proto;
  put32(p, 12, addr4(f.src));
  put32(p, 16, addr4(f.dst));
  p.set(options, 20);
  put16(p, 10, f.headerChecksum ?? checksumOf(onesSum(p, 0, ihl)));
  p.set(body, ihl);
  return p;
}

/** An IPv4 option (RFC 791 §3.1): type, length, data. */
export function ipv4Option(type: number, data: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(type, 2 + data.length), data);
}

/** Loose (131) or Strict (137) Source Route: pointer (1-based, ≥ 4) and the route (RFC 791 §3.1). */
export function sourceRouteOption(type: 131 | 137, pointer: number, route: string[]): Uint8Array {
  const data = new Uint8Array(1 + 4 * route.length);
  data[0] = pointer;
  route.forEach((a, i) => put32(data, 1 + 4 * i, addr4(a)));
  return ipv4Option(type, data);
}

/** An IPv6 extension header: its type (the Next Header value naming it) and its bytes, byte 0 filled later. */
export interface ExtensionHeader {
  readonly type: number;
  readonly bytes: Uint8Array;
}

/** Hop-by-Hop (0) or Destination Options (60) header: the options padded with PadN to 8n bytes (RFC 8200 §4.2). */
export function optionsHeader(type: 0 | 60, options: Uint8Array = new Uint8Array(0)): ExtensionHeader {
  const length = (2 + options.length + 7) & ~7;
  const bytes = new Uint8Array(length);
  bytes[1] = length / 8 - 1;
  bytes.set(options, 2);
  const pad = length - 2 - options.length;
  if (pad === 1) bytes[2 + options.length] = 0; // Pad1
  if (pad >= 2) {
    bytes[2 + options.length] = 1; // PadN
    bytes[3 + options.length] = pad - 2;
  }
  return { type, bytes };
}

/** A Routing header (RFC 8200 §4.4) with a list of addresses after the 4 reserved bytes (type 0 layout). */
export function routingHeader(f: { segmentsLeft: number; routingType?: number; addresses?: string[] }): ExtensionHeader {
  const addresses = f.addresses ?? ['2001:db8:ffff::2'];
  const bytes = new Uint8Array(8 + 16 * addresses.length);
  bytes[1] = 2 * addresses.length;
  bytes[2] = f.routingType ?? 0;
  bytes[3] = f.segmentsLeft;
  addresses.forEach((a, i) => bytes.set(addr6(a), 8 + 16 * i));
  return { type: proto.routing, bytes };
}

/** A Fragment header (RFC 8200 §4.5). */
export function fragmentHeader(f: { offsetBytes?: number; more?: boolean; id: number }): ExtensionHeader {
  const bytes = new Uint8Array(8);
  put16(bytes, 2, (f.offsetBytes ?? 0) | (f.more ? 1 : 0));
  put32(bytes, 4, f.id);
  return { type: proto.fragment, bytes };
}

export interface Ipv6Fields {
  src: string;
  dst: string;
  trafficClass?: number;
  flowLabel?: number;
  hopLimit?: number;
  extensions?: ExtensionHeader[];
  /** Override of the Payload Length field. */
  payloadLen?: number;
}

/** The transport bytes, checksum filled for these IPv6 addresses (to cut into fragments by hand). */
export function transport6(src: string, dst: string, l4: Transport): Uint8Array {
  const pseudoAddresses = new Uint8Array(40);
  pseudoAddresses.set(addr6(src), 8);
  pseudoAddresses.set(addr6(dst), 24);
  return finish(l4, (p, n) => pseudoSum6(pseudoAddresses, p, n));
}

export function ipv6(f: Ipv6Fields, l4: Transport): Uint8Array {
  const extensions = f.extensions ?? [];
  const chain = extensions.map((e, i) => {
    const bytes = e.bytes.slice();
    bytes[0] = i + 1 < extensions.length ? extensions[i + 1].type : l4.proto;
    return bytes;
  });
  // RFC 8200 §8.1: the pseudo-header holds the final destination; for the packets built here
  // (no Routing header with segments left, or one the translator refuses) that is `dst`.
  const payload = concat(...chain, transport6(f.src, f.dst, l4));
  const p = new Uint8Array(40 + payload.length);
  const trafficClass = f.trafficClass ?? 0;
  const flowLabel = f.flowLabel ?? 0;
  put32(p, 0, ((6 << 28) | (trafficClass << 20) | flowLabel) >>> 0);
  put16(p, 4, f.payloadLen ?? payload.length);
  p[6] = extensions.length > 0 ? extensions[0].type : l4.proto;
  p[7] = f.hopLimit ?? 64;
  p.set(addr6(f.src), 8);
  p.set(addr6(f.dst), 24);
  p.set(payload, 40);
  return p;
}
