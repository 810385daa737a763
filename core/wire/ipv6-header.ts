// The IPv6 header (RFC 8200 §3) read in place, as ipv4-header.ts reads IPv4: the bytes and `at`,
// the offset of the header's first byte, one field per function by its RFC name. Addresses are
// 128 bits, so the view gives where they are (`sourceAt`, `destinationAt`) rather than a value.
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Version| Traffic Class |           Flow Label                  |
//   |         Payload Length        |  Next Header  |   Hop Limit   |
//   |                 Source Address (128 bits)                     |
//   |              Destination Address (128 bits)                   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import { read16, read32 } from './bytes.js';
import { ipv6 } from './ipv6.js';

export function version(b: Uint8Array, at: number): number {
  return b[at] >> 4;
}

export function trafficClass(b: Uint8Array, at: number): number {
  return (read16(b, at) >> 4) & 0xff;
}

export function flowLabel(b: Uint8Array, at: number): number {
  return read32(b, at) & 0xfffff;
}

export function payloadLength(b: Uint8Array, at: number): number {
  return read16(b, at + ipv6.payloadLen);
}

/** The header after this one: an extension header or the upper-layer protocol (protocol.ts). */
export function nextHeader(b: Uint8Array, at: number): number {
  return b[at + ipv6.nextHeader];
}

export function hopLimit(b: Uint8Array, at: number): number {
  return b[at + ipv6.hopLimit];
}

/** Where the 16 bytes of the Source Address are. */
export function sourceAt(at: number): number {
  return at + ipv6.src;
}

export function destinationAt(at: number): number {
  return at + ipv6.dst;
}
