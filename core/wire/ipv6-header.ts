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
//
// As in ipv4-header.ts, each accessor reads its bytes itself at the diagram's offsets (`ipv6` in
// ipv6.ts names them for writers) and calls nothing, to stay cheap in TurboFan's inlining budget.

export function version(b: Uint8Array, at: number): number {
  return b[at] >> 4;
}

export function trafficClass(b: Uint8Array, at: number): number {
  return ((b[at] & 0x0f) << 4) | (b[at + 1] >> 4);
}

export function flowLabel(b: Uint8Array, at: number): number {
  return ((b[at + 1] & 0x0f) << 16) | (b[at + 2] << 8) | b[at + 3];
}

export function payloadLength(b: Uint8Array, at: number): number {
  return (b[at + 4] << 8) | b[at + 5];
}

/** The header after this one: an extension header or the upper-layer protocol (protocol.ts). */
export function nextHeader(b: Uint8Array, at: number): number {
  return b[at + 6];
}

export function hopLimit(b: Uint8Array, at: number): number {
  return b[at + 7];
}

/** Where the 16 bytes of the Source Address are. */
export function sourceAt(at: number): number {
  return at + 8;
}

export function destinationAt(at: number): number {
  return at + 24;
}
