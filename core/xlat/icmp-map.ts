// The ICMP ↔ ICMPv6 type and code tables of RFC 7915 §4.2 and §5.2, the Parameter Problem pointer
// maps (Figures 3 and 6), and the RFC 1191 plateaus for Fragmentation Needed without an MTU.

/** Packs an ICMPv6 or ICMPv4 type and code; -1 means "silently drop". */
function pack(type: number, code: number): number {
  return (type << 8) | code;
}

const drop = -1;

/** RFC 7915 §4.2: ICMPv4 type/code → ICMPv6 type/code (packed), or -1. */
export function icmp4to6(type: number, code: number): number {
  switch (type) {
    case 8: return pack(128, 0); // Echo → Echo Request (code 0)
    case 0: return pack(129, 0); // Echo Reply
    case 3: // Destination Unreachable
      switch (code) {
        case 0: case 1: case 5: case 6: case 7: case 8: case 11: case 12:
          return pack(1, 0); // No route to destination
        case 2: return pack(4, 1); // Protocol Unreachable → Parameter Problem, unrecognized Next Header
        case 3: return pack(1, 4); // Port Unreachable
        case 4: return pack(2, 0); // Fragmentation Needed → Packet Too Big
        case 9: case 10: case 13: case 15:
          return pack(1, 1); // administratively prohibited
        default: return drop; // 14 (host precedence violation) and unknown codes
      }
    case 11: return code <= 1 ? pack(3, code) : drop; // Time Exceeded, code unchanged
    case 12: // Parameter Problem: 0 (pointer) and 2 (bad length) → erroneous header field
      return code === 0 || code === 2 ? pack(4, 0) : drop;
    default:
      return drop; // Information, Timestamp, Address Mask, Router Advertisement/Solicitation,
    // Source Quench, Redirect, Alternative Host Address and unknown types: single hop or obsolete.
  }
}

/** RFC 7915 §5.2: ICMPv6 type/code → ICMPv4 type/code (packed), or -1. */
export function icmp6to4(type: number, code: number): number {
  switch (type) {
    case 128: return pack(8, 0);
    case 129: return pack(0, 0);
    case 1: // Destination Unreachable
      switch (code) {
        case 0: case 2: case 3: return pack(3, 1); // host unreachable
        case 1: return pack(3, 10); // communication with destination host administratively prohibited
        case 4: return pack(3, 3); // port unreachable
        default: return drop;
      }
    case 2: return pack(3, 4); // Packet Too Big → Fragmentation Needed
    case 3: return code <= 1 ? pack(11, code) : drop;
    case 4: // Parameter Problem
      if (code === 0) return pack(12, 0);
      if (code === 1) return pack(3, 2); // unrecognized Next Header → Protocol Unreachable
      return drop; // code 2 (unrecognized IPv6 option) and others
    default:
      return drop; // MLD, Neighbor Discovery and unknown informational types
  }
}

// RFC 7915 Figure 3: IPv4 header byte → IPv6 header byte; -1: no counterpart (drop).
const pointer4to6Table = Int8Array.of(0, 1, 4, 4, -1, -1, -1, -1, 7, 6, -1, -1, 8, 8, 8, 8, 24, 24, 24, 24);

export function mapPointer4to6(pointer: number): number {
  return pointer < pointer4to6Table.length ? pointer4to6Table[pointer] : -1;
}

/** RFC 7915 Figure 6: IPv6 header byte → IPv4 header byte; -1: no counterpart (drop). */
export function mapPointer6to4(pointer: number): number {
  if (pointer <= 1) return pointer; // Version/Traffic Class
  if (pointer <= 3) return -1; // Flow Label
  if (pointer <= 5) return 2; // Payload Length → Total Length
  if (pointer === 6) return 9; // Next Header → Protocol
  if (pointer === 7) return 8; // Hop Limit → TTL
  if (pointer <= 23) return 12; // Source Address
  if (pointer <= 39) return 16; // Destination Address
  return -1;
}

const plateaus = [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68];

/** RFC 1191 §7: the greatest plateau below the Total Length of the packet that was too big. */
export function plateauBelow(totalLength: number): number {
  for (const plateau of plateaus) if (plateau < totalLength) return plateau;
  return 68;
}
