// The IPv6 extension headers a translator walks (RFC 8200 §4), read in place: the bytes and `at`,
// the offset of the extension header's first byte. Import it whole (`import * as extensionHeader`).
//
// Hop-by-Hop Options (§4.3), Routing (§4.4), Destination Options (§4.6) begin alike:
//   |  Next Header  |  Hdr Ext Len  |  (Routing: Routing Type | Segments Left)  ...
// Hdr Ext Len counts 8-octet units beyond the first 8 octets.
//
// Fragment (§4.5), 8 octets, no length field:
//   |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
//   |                         Identification                        |

//
// As in ipv4-header.ts, each accessor reads its bytes itself and calls nothing, to stay cheap in
// TurboFan's inlining budget (`fragmentHeader` in ipv6.ts names the offsets for writers).

/** The header after this one (protocol.ts); the same place in every extension header. */
export function nextHeader(b: Uint8Array, at: number): number {
  return b[at];
}

/** A Hop-by-Hop, Routing or Destination Options header's length in bytes, from Hdr Ext Len. */
export function headerLength(b: Uint8Array, at: number): number {
  return (b[at + 1] + 1) << 3;
}

/** A Routing header's Segments Left: the route nodes still to visit. */
export function segmentsLeft(b: Uint8Array, at: number): number {
  return b[at + 3];
}

/** A Fragment header's Fragment Offset, in 8-octet units. */
export function fragmentOffset(b: Uint8Array, at: number): number {
  return (b[at + 2] << 5) | (b[at + 3] >> 3);
}

/** A Fragment header's M flag: more fragments follow this one. */
export function moreFragments(b: Uint8Array, at: number): boolean {
  return (b[at + 3] & 0x01) !== 0;
}

/** A Fragment header's Identification, an unsigned 32-bit number. */
export function identification(b: Uint8Array, at: number): number {
  return ((b[at + 4] << 24) | (b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7]) >>> 0;
}
