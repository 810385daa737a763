// The IPv4 header (RFC 791 §3.1) read in place: every function takes the bytes and `at`, the offset
// of the header's first byte, and reads one field by its RFC name. Nothing is copied or allocated,
// so the packet path can use them per packet. Import it whole (`import * as ipv4Header`).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Version|  IHL  |Type of Service|          Total Length         |
//   |         Identification        |Flags|      Fragment Offset    |
//   |  Time to Live |    Protocol   |         Header Checksum       |
//   |                       Source Address                          |
//   |                    Destination Address                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Validated once, then read freely: `packetLength` says whether a whole header is there and how
// long the packet is; after it answered non-zero, every field of the header may be read. The field
// offsets themselves are `ipv4` in ipv4.ts.

import { read16, read32, readInt32 } from './bytes.js';
import { ipv4 } from './ipv4.js';

export function version(b: Uint8Array, at: number): number {
  return b[at] >> 4;
}

/** IHL in bytes (the field counts 32-bit words). */
export function headerLength(b: Uint8Array, at: number): number {
  return (b[at] & 0x0f) << 2;
}

export function typeOfService(b: Uint8Array, at: number): number {
  return b[at + ipv4.tos];
}

export function totalLength(b: Uint8Array, at: number): number {
  return read16(b, at + ipv4.totalLen);
}

export function identification(b: Uint8Array, at: number): number {
  return read16(b, at + ipv4.identification);
}

/** The DF flag: Don't Fragment. */
export function dontFragment(b: Uint8Array, at: number): boolean {
  return (read16(b, at + ipv4.flagsFragOffset) & ipv4.flagDf) !== 0;
}

/** The MF flag: More Fragments follow this one. */
export function moreFragments(b: Uint8Array, at: number): boolean {
  return (read16(b, at + ipv4.flagsFragOffset) & ipv4.flagMf) !== 0;
}

/** Fragment Offset, in 8-octet units; non-zero for every fragment but the first. */
export function fragmentOffset(b: Uint8Array, at: number): number {
  return read16(b, at + ipv4.flagsFragOffset) & ipv4.fragOffsetMask;
}

export function timeToLive(b: Uint8Array, at: number): number {
  return b[at + ipv4.ttl];
}

/** The next level protocol (protocol.ts names the numbers). */
export function protocol(b: Uint8Array, at: number): number {
  return b[at + ipv4.protocol];
}

export function headerChecksum(b: Uint8Array, at: number): number {
  return read16(b, at + ipv4.checksum);
}

/** Source Address as an unsigned 32-bit number. */
export function source(b: Uint8Array, at: number): number {
  return read32(b, at + ipv4.src);
}

export function destination(b: Uint8Array, at: number): number {
  return read32(b, at + ipv4.dst);
}

/** Source Address as an int32: the same bits, kept unboxed on the packet path (bytes.ts). */
export function sourceInt32(b: Uint8Array, at: number): number {
  return readInt32(b, at + ipv4.src);
}

export function destinationInt32(b: Uint8Array, at: number): number {
  return readInt32(b, at + ipv4.dst);
}

/**
 * The check before the reads: for the IPv4 packet at `b[at, end)`, the bytes its header covers
 * and its data follows, as far as they are there (Total Length, cut to `end`, since a capture or
 * a quoted packet may be short); 0 when no whole header is there (fewer than 20 bytes, an IHL
 * below 5 words or past that length). The version is the caller's to check: a translator knows it
 * from the family it was given.
 */
export function packetLength(b: Uint8Array, at: number, end: number): number {
  const available = end - at;
  if (available < ipv4.minHeaderBytes) return 0;
  const length = Math.min(totalLength(b, at), available);
  const ihl = headerLength(b, at);
  return ihl < ipv4.minHeaderBytes || ihl > length ? 0 : length;
}
