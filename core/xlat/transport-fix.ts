// What the transport fix-ups of both directions (transport-46.ts, transport-64.ts) share: the
// outcomes they report to the caller, which alone knows whether the packet is the outer one (and
// is refused) or a quote in an ICMP error (and is carried as it is), and the UDP checksum rule.

/** What a transport fix-up (transport-46.ts, transport-64.ts) did with an upper-layer header. */
export const TransportFix = {
  /** Translated (or a protocol with nothing to fix). */
  fixed: 0,
  /** Too few bytes for the header: left as it is. */
  tooShort: 1,
  /** A UDP checksum of zero: left as it is, for the caller's rule. */
  zeroUdpChecksum: 2,
  /** An ICMP type with no counterpart: left as it is. */
  untranslatableIcmp: 3,
} as const;

/** RFC 768: a UDP checksum that comes out as zero is sent as all ones, since zero means "none". */
export function udpChecksumToSend(checksum: number): number {
  return checksum === 0 ? 0xffff : checksum;
}
