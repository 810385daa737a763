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
// long the packet is; after it answered non-zero, every field of the header may be read.
//
// Each accessor reads its bytes itself at the offset the diagram gives (`ipv4` in ipv4.ts names
// the same offsets for writers), calling nothing: TurboFan inlines it at a cost in its inlining
// budget of about the bytecode it replaced, where a call to `read16` with `ipv4.totalLen` cost twice
// that and pushed larger functions out of translate64.
//
// On the packet path, copy the view into a module constant (`import * as ipv4HeaderExports`, then
// `const ipv4Header = { ...ipv4HeaderExports }`): TurboFan knows a constant's functions when it
// compiles the caller and inlines them outright, while a call through the import reloads the
// function from its export cell and checks it on every call (in a micro-benchmark of six reads,
// 18 % slower than the raw reads; the constant: as fast). Measure the caller, though: translate64
// was faster through the imports (translate-64.ts says why).

export function version(b: Uint8Array, at: number): number {
  return b[at] >> 4;
}

/** IHL in bytes (the field counts 32-bit words). */
export function headerLength(b: Uint8Array, at: number): number {
  return (b[at] & 0x0f) << 2;
}

export function typeOfService(b: Uint8Array, at: number): number {
  return b[at + 1];
}

export function totalLength(b: Uint8Array, at: number): number {
  return (b[at + 2] << 8) | b[at + 3];
}

export function identification(b: Uint8Array, at: number): number {
  return (b[at + 4] << 8) | b[at + 5];
}

/**
 * Flags and Fragment Offset as the one 16-bit word they share, for a reader that wants all three
 * from one read: `ipv4.flagDf`, `ipv4.flagMf` and `ipv4.fragOffsetMask` (ipv4.ts) take it apart.
 */
export function flagsAndFragmentOffset(b: Uint8Array, at: number): number {
  return (b[at + 6] << 8) | b[at + 7];
}

/** The DF flag: Don't Fragment. */
export function dontFragment(b: Uint8Array, at: number): boolean {
  return (b[at + 6] & 0x40) !== 0;
}

/** The MF flag: More Fragments follow this one. */
export function moreFragments(b: Uint8Array, at: number): boolean {
  return (b[at + 6] & 0x20) !== 0;
}

/** A fragment: MF set (not the last) or a Fragment Offset (not the first); either way, a piece of a datagram. */
export function isFragment(b: Uint8Array, at: number): boolean {
  return (((b[at + 6] << 8) | b[at + 7]) & 0x3fff) !== 0;
}

/** Fragment Offset, in 8-octet units; non-zero for every fragment but the first. */
export function fragmentOffset(b: Uint8Array, at: number): number {
  return ((b[at + 6] & 0x1f) << 8) | b[at + 7];
}

export function timeToLive(b: Uint8Array, at: number): number {
  return b[at + 8];
}

/** The next level protocol (protocol.ts names the numbers). */
export function protocol(b: Uint8Array, at: number): number {
  return b[at + 9];
}

export function headerChecksum(b: Uint8Array, at: number): number {
  return (b[at + 10] << 8) | b[at + 11];
}

/** Source Address as an unsigned 32-bit number. */
export function source(b: Uint8Array, at: number): number {
  return ((b[at + 12] << 24) | (b[at + 13] << 16) | (b[at + 14] << 8) | b[at + 15]) >>> 0;
}

export function destination(b: Uint8Array, at: number): number {
  return ((b[at + 16] << 24) | (b[at + 17] << 16) | (b[at + 18] << 8) | b[at + 19]) >>> 0;
}

/** Source Address as an int32: the same bits, kept unboxed on the packet path (bytes.ts, `readInt32`). */
export function sourceInt32(b: Uint8Array, at: number): number {
  return (b[at + 12] << 24) | (b[at + 13] << 16) | (b[at + 14] << 8) | b[at + 15];
}

export function destinationInt32(b: Uint8Array, at: number): number {
  return (b[at + 16] << 24) | (b[at + 17] << 16) | (b[at + 18] << 8) | b[at + 19];
}

const minHeaderBytes = 20;

/**
 * The check before the reads: for the IPv4 packet at `b[at, end)`, the bytes its header covers
 * and its data follows, as far as they are there (Total Length, cut to `end`, since a capture or
 * a quoted packet may be short); 0 when no whole header is there (fewer than 20 bytes, an IHL
 * below 5 words or past that length). The version is the caller's to check: a translator knows it
 * from the family it was given.
 */
export function packetLength(b: Uint8Array, at: number, end: number): number {
  const available = end - at;
  if (available < minHeaderBytes) return 0;
  const length = Math.min(totalLength(b, at), available);
  const ihl = headerLength(b, at);
  return ihl < minHeaderBytes || ihl > length ? 0 : length;
}
