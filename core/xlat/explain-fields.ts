// The header fields an explanation names (core/api/explanation.ts), as their RFCs spell them, and
// where they lie in a packet. The translator's recording mode (recorder.ts) notes what it did to a
// range of bytes; this names the fields inside such a range: the translator decided, this only
// labels. Off the packet path: it allocates freely.
//
//   IPv4 (RFC 791 §3.1)            IPv6 (RFC 8200 §3)           Fragment (RFC 8200 §4.5)
//   Version 4 | IHL 4 | ToS 8      Version 4 | TC 8 | FL 20      Next Header 8 | Reserved 8
//   Total Length 16                Payload Length 16             Fragment Offset 13 | Res 2 | M 1
//   Identification 16              Next Header 8 | Hop Limit 8   Identification 32
//   Flags 3 | Fragment Offset 13   Source Address 128
//   TTL 8 | Protocol 8 | Csum 16   Destination Address 128
//   Source, Destination 32 each; Options

import type { FieldPlace } from '../api/explanation.js';
import { read16 } from '../wire/bytes.js';
import { isIcmp4Error, isIcmp6Error } from '../wire/icmp.js';
import { protocol } from '../wire/protocol.js';

export type HeaderName = FieldPlace['header'];

/** A field at a fixed place in its header: byte offset from the header's start, then bits. */
export interface FieldSpec {
  readonly header: HeaderName;
  readonly name: string;
  readonly byte: number;
  readonly bit: number;
  readonly bits: number;
}

function spec(header: HeaderName, name: string, byte: number, bit: number, bits: number): FieldSpec {
  return { header, name, byte, bit, bits };
}

export const ipv4Field = {
  version: spec('ipv4', 'Version', 0, 0, 4),
  ihl: spec('ipv4', 'IHL', 0, 4, 4),
  typeOfService: spec('ipv4', 'Type of Service', 1, 0, 8),
  totalLength: spec('ipv4', 'Total Length', 2, 0, 16),
  identification: spec('ipv4', 'Identification', 4, 0, 16),
  flags: spec('ipv4', 'Flags', 6, 0, 3),
  fragmentOffset: spec('ipv4', 'Fragment Offset', 6, 3, 13),
  timeToLive: spec('ipv4', 'Time to Live', 8, 0, 8),
  protocol: spec('ipv4', 'Protocol', 9, 0, 8),
  headerChecksum: spec('ipv4', 'Header Checksum', 10, 0, 16),
  source: spec('ipv4', 'Source Address', 12, 0, 32),
  destination: spec('ipv4', 'Destination Address', 16, 0, 32),
} as const;

export const ipv6Field = {
  version: spec('ipv6', 'Version', 0, 0, 4),
  trafficClass: spec('ipv6', 'Traffic Class', 0, 4, 8),
  flowLabel: spec('ipv6', 'Flow Label', 1, 4, 20),
  payloadLength: spec('ipv6', 'Payload Length', 4, 0, 16),
  nextHeader: spec('ipv6', 'Next Header', 6, 0, 8),
  hopLimit: spec('ipv6', 'Hop Limit', 7, 0, 8),
  source: spec('ipv6', 'Source Address', 8, 0, 128),
  destination: spec('ipv6', 'Destination Address', 24, 0, 128),
} as const;

export const fragmentField = {
  nextHeader: spec('fragment', 'Next Header', 0, 0, 8),
  reserved: spec('fragment', 'Reserved', 1, 0, 8),
  fragmentOffset: spec('fragment', 'Fragment Offset', 2, 0, 13),
  res: spec('fragment', 'Res', 3, 5, 2),
  m: spec('fragment', 'M', 3, 7, 1),
  identification: spec('fragment', 'Identification', 4, 0, 32),
} as const;

export const extensionField = {
  nextHeader: spec('extension', 'Next Header', 0, 0, 8),
  hdrExtLen: spec('extension', 'Hdr Ext Len', 1, 0, 8),
  segmentsLeft: spec('extension', 'Segments Left', 3, 0, 8),
} as const;

export const tcpField = {
  sourcePort: spec('tcp', 'Source Port', 0, 0, 16),
  destinationPort: spec('tcp', 'Destination Port', 2, 0, 16),
  checksum: spec('tcp', 'Checksum', 16, 0, 16),
} as const;

export const udpField = {
  length: spec('udp', 'Length', 4, 0, 16),
  checksum: spec('udp', 'Checksum', 6, 0, 16),
} as const;

export const icmpField = {
  type: spec('icmp', 'Type', 0, 0, 8),
  code: spec('icmp', 'Code', 1, 0, 8),
  checksum: spec('icmp', 'Checksum', 2, 0, 16),
  pointer: spec('icmp', 'Pointer', 4, 0, 8),
  length: spec('icmp', 'Length', 5, 0, 8),
  nextHopMtu: spec('icmp', 'Next-Hop MTU', 6, 0, 16),
  restOfHeader: spec('icmp', 'Rest of Header', 4, 0, 32),
} as const;

export const icmpv6Field = {
  type: spec('icmpv6', 'Type', 0, 0, 8),
  code: spec('icmpv6', 'Code', 1, 0, 8),
  checksum: spec('icmpv6', 'Checksum', 2, 0, 16),
  mtu: spec('icmpv6', 'MTU', 4, 0, 32),
  pointer: spec('icmpv6', 'Pointer', 4, 0, 32),
  length: spec('icmpv6', 'Length', 4, 0, 8),
  restOfHeader: spec('icmpv6', 'Rest of Header', 4, 0, 32),
} as const;

/** A field found in a packet: where it lies, in bits from the packet's first bit. */
export interface LaidOutField {
  readonly header: HeaderName;
  readonly name: string;
  readonly depth: 0 | 1;
  readonly bitOffset: number;
  readonly bitLength: number;
}

/** Fields named `Data` (payload), `Options` and the like are spans, not header fields proper. */
export const dataName = 'Data';

class Layout {
  readonly fields: LaidOutField[] = [];
  constructor(private readonly end: number) {}

  /** Adds `spec` of the header at byte `base`, cut at the end of the bytes. */
  add(base: number, s: FieldSpec, depth: 0 | 1): void {
    this.span(s.header, s.name, depth, (base + s.byte) * 8 + s.bit, s.bits);
  }

  span(header: HeaderName, name: string, depth: 0 | 1, bitOffset: number, bitLength: number): void {
    const endBit = this.end * 8;
    if (bitOffset >= endBit || bitLength <= 0) return;
    this.fields.push({ header, name, depth, bitOffset, bitLength: Math.min(bitLength, endBit - bitOffset) });
  }

  /** Fields named by byte ranges: [name, bytes] pairs from `base`. */
  bytes(header: HeaderName, depth: 0 | 1, base: number, names: readonly (readonly [string, number])[]): number {
    let at = base;
    for (const [name, width] of names) {
      this.span(header, name, depth, at * 8, width * 8);
      at += width;
    }
    return at;
  }
}

/**
 * The fields of the packet `bytes[0, end)`: its IP header and extension headers, its transport
 * header, and, inside an ICMP error, the quoted packet's (depth 1). Whatever follows is `Data`.
 * Never reads past `end`; a cut header yields the fields it still holds.
 */
export function layOutPacket(bytes: Uint8Array, end: number): LaidOutField[] {
  const layout = new Layout(end);
  layOutIp(layout, bytes, 0, end, 0);
  return layout.fields;
}

function layOutIp(layout: Layout, b: Uint8Array, s: number, end: number, depth: 0 | 1): void {
  if (s >= end) return;
  const version = b[s] >> 4;
  let l4: number;
  let proto: number;
  let isLaterFragment = false;
  let isFragment = false;
  if (version === 4) {
    for (const field of Object.values(ipv4Field)) layout.add(s, field, depth);
    const ihl = (b[s] & 0x0f) << 2;
    if (ihl > 20) layout.span('ipv4-options', 'Options', depth, (s + 20) * 8, (ihl - 20) * 8);
    l4 = s + Math.max(20, ihl);
    proto = s + 9 < end ? b[s + 9] : -1;
    if (s + 8 <= end) {
      const flags = read16(b, s + 6);
      isLaterFragment = (flags & 0x1fff) !== 0;
      isFragment = isLaterFragment || (flags & 0x2000) !== 0;
    }
  } else if (version === 6) {
    for (const field of Object.values(ipv6Field)) layout.add(s, field, depth);
    let next = s + 6 < end ? b[s + 6] : -1;
    let at = s + 40;
    for (;;) {
      if (at + 2 > end) break;
      if (next === protocol.hopByHop || next === protocol.destinationOptions || next === protocol.routing) {
        const length = (b[at + 1] + 1) << 3;
        layout.add(at, extensionField.nextHeader, depth);
        layout.add(at, extensionField.hdrExtLen, depth);
        if (next === protocol.routing) {
          layout.span('extension', 'Routing Type', depth, (at + 2) * 8, 8);
          layout.add(at, extensionField.segmentsLeft, depth);
          layout.span('extension', 'Type-specific Data', depth, (at + 4) * 8, (length - 4) * 8);
        } else {
          layout.span('extension', 'Options', depth, (at + 2) * 8, (length - 2) * 8);
        }
        next = b[at];
        at += length;
      } else if (next === protocol.fragment) {
        for (const field of Object.values(fragmentField)) layout.add(at, field, depth);
        if (at + 4 <= end) {
          isLaterFragment = (read16(b, at + 2) & 0xfff8) !== 0;
          isFragment = isLaterFragment || (b[at + 3] & 1) !== 0;
        }
        next = b[at];
        at += 8;
      } else {
        break;
      }
    }
    l4 = at;
    proto = next;
  } else {
    layout.span(depth === 0 ? 'ipv4' : 'ipv4', dataName, depth, s * 8, (end - s) * 8);
    return;
  }
  if (l4 >= end) return;
  const dataFrom = isLaterFragment ? l4 : layOutTransport(layout, b, l4, end, proto, version, depth, isFragment);
  if (dataFrom < end) layout.span(transportHeaderName(proto, version), dataName, depth, dataFrom * 8, (end - dataFrom) * 8);
}

function transportHeaderName(proto: number, version: number): HeaderName {
  if (proto === protocol.tcp) return 'tcp';
  if (proto === protocol.udp) return 'udp';
  if (proto === protocol.icmp) return 'icmp';
  if (proto === protocol.icmpv6) return 'icmpv6';
  return version === 4 ? 'ipv4' : 'ipv6';
}

/** Lays out the transport header at `h`; returns where its data (or the quoted packet) begins. */
function layOutTransport(layout: Layout, b: Uint8Array, h: number, end: number, proto: number, version: number, depth: 0 | 1, isFragment: boolean): number {
  if (proto === protocol.tcp) {
    const at = layout.bytes('tcp', depth, h, [['Source Port', 2], ['Destination Port', 2], ['Sequence Number', 4], ['Acknowledgment Number', 4]]);
    layout.span('tcp', 'Data Offset', depth, at * 8, 4);
    layout.span('tcp', 'Reserved', depth, at * 8 + 4, 4);
    const after = layout.bytes('tcp', depth, at + 1, [['Control Bits', 1], ['Window', 2], ['Checksum', 2], ['Urgent Pointer', 2]]);
    const dataOffset = h + 12 < end ? (b[h + 12] >> 4) << 2 : 20;
    if (dataOffset > 20) layout.span('tcp', 'Options', depth, after * 8, (dataOffset - 20) * 8);
    return h + Math.max(20, dataOffset);
  }
  if (proto === protocol.udp) {
    return layout.bytes('udp', depth, h, [['Source Port', 2], ['Destination Port', 2], ['Length', 2], ['Checksum', 2]]);
  }
  const isIcmp4 = proto === protocol.icmp && version === 4;
  const isIcmp6 = proto === protocol.icmpv6 && version === 6;
  if (!isIcmp4 && !isIcmp6) return h;
  const header: HeaderName = isIcmp4 ? 'icmp' : 'icmpv6';
  const type = b[h];
  const code = h + 1 < end ? b[h + 1] : 0;
  layout.bytes(header, depth, h, [['Type', 1], ['Code', 1], ['Checksum', 2]]);
  const isError = isIcmp4 ? isIcmp4Error(type) : isIcmp6Error(type);
  const isEcho = isIcmp4 ? type === 0 || type === 8 : type === 128 || type === 129;
  if (isEcho) {
    layout.bytes(header, depth, h + 4, [['Identifier', 2], ['Sequence Number', 2]]);
  } else if (isIcmp4 && isError) {
    layout.bytes(header, depth, h + 4, [[type === 12 ? 'Pointer' : 'Unused', 1], ['Length', 1], [type === 3 && code === 4 ? 'Next-Hop MTU' : 'Unused', 2]]);
  } else if (isIcmp6 && (type === 2 || type === 4)) {
    layout.bytes(header, depth, h + 4, [[type === 2 ? 'MTU' : 'Pointer', 4]]);
  } else if (isIcmp6 && (type === 1 || type === 3)) {
    layout.bytes(header, depth, h + 4, [['Length', 1], ['Unused', 3]]);
  } else {
    layout.bytes(header, depth, h + 4, [['Rest of Header', 4]]);
  }
  // RFC 7915 §4.3, §5.3: an error quotes the packet that caused it; one level deep only.
  if (isError && depth === 0 && !isFragment && h + 8 < end) {
    layOutIp(layout, b, h + 8, end, 1);
    return end;
  }
  return h + 8;
}
