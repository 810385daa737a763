// The ICMP (RFC 792) and ICMPv6 (RFC 4443) header read in place; the two share its layout. `at` is
// the offset of the message's first byte. Import it whole (`import * as icmpHeader`).
//
//   | Type | Code | Checksum |
//   | the rest of the header: Identifier and Sequence Number of an echo (RFC 792, RFC 4443 §4.1),
//     MTU of Packet Too Big, Pointer of Parameter Problem, the RFC 4884 length of an error; here
//     the two families differ, so those accessors name theirs (`icmp4…`, `icmp6…`) |
//   | an error's quoted packet (RFC 792: its IP header and first 8 data bytes), at `quoteAt` |

//
// As in ipv4-header.ts, each accessor reads its bytes itself and calls nothing, to stay cheap in
// TurboFan's inlining budget.

export function type(b: Uint8Array, at: number): number {
  return b[at];
}

export function code(b: Uint8Array, at: number): number {
  return b[at + 1];
}

export function checksum(b: Uint8Array, at: number): number {
  return (b[at + 2] << 8) | b[at + 3];
}

/** An echo's Identifier. */
export function identifier(b: Uint8Array, at: number): number {
  return (b[at + 4] << 8) | b[at + 5];
}

/** An echo's Sequence Number. */
export function sequenceNumber(b: Uint8Array, at: number): number {
  return (b[at + 6] << 8) | b[at + 7];
}

/** ICMPv4 Parameter Problem's Pointer (RFC 792): the octet of the quoted header in error. */
export function icmp4Pointer(b: Uint8Array, at: number): number {
  return b[at + 4];
}

/** ICMPv4 Fragmentation Needed's Next-Hop MTU (RFC 1191 §4); 0 from a router older than it. */
export function icmp4NextHopMtu(b: Uint8Array, at: number): number {
  return (b[at + 6] << 8) | b[at + 7];
}

/** ICMPv4 error's Length (RFC 4884 §4.1): the original datagram's, in 32-bit words; 0: not given. */
export function icmp4Length(b: Uint8Array, at: number): number {
  return b[at + 5];
}

/** ICMPv6 Packet Too Big's MTU (RFC 4443 §3.2). */
export function icmp6Mtu(b: Uint8Array, at: number): number {
  return ((b[at + 4] << 24) | (b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7]) >>> 0;
}

/** ICMPv6 Parameter Problem's Pointer (RFC 4443 §3.4): the octet of the quoted packet in error. */
export function icmp6Pointer(b: Uint8Array, at: number): number {
  return ((b[at + 4] << 24) | (b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7]) >>> 0;
}

/** ICMPv6 error's Length (RFC 4884 §4.2): the original datagram's, in 64-bit words; 0: not given. */
export function icmp6Length(b: Uint8Array, at: number): number {
  return b[at + 4];
}

/** Where an error message's quoted packet begins. */
export function quoteAt(at: number): number {
  return at + 8; // Type, Code, Checksum and the 4 bytes of the rest of the header
}
