// The ICMP (RFC 792) and ICMPv6 (RFC 4443) header read in place; the two share its layout. `at` is
// the offset of the message's first byte. Import it whole (`import * as icmpHeader`).
//
//   | Type | Code | Checksum |
//   | the rest of the header: Identifier and Sequence Number of an echo (RFC 792, RFC 4443 §4.1),
//     MTU of Packet Too Big, Pointer of Parameter Problem, unused for the rest |
//   | an error's quoted packet (RFC 792: its IP header and first 8 data bytes), at `quoteAt` |

import { read16 } from './bytes.js';
import { icmpHeaderBytes } from './icmp.js';

export function type(b: Uint8Array, at: number): number {
  return b[at];
}

export function code(b: Uint8Array, at: number): number {
  return b[at + 1];
}

export function checksum(b: Uint8Array, at: number): number {
  return read16(b, at + 2);
}

/** An echo's Identifier. */
export function identifier(b: Uint8Array, at: number): number {
  return read16(b, at + 4);
}

/** An echo's Sequence Number. */
export function sequenceNumber(b: Uint8Array, at: number): number {
  return read16(b, at + 6);
}

/** Where an error message's quoted packet begins. */
export function quoteAt(at: number): number {
  return at + icmpHeaderBytes;
}
