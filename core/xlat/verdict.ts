// Every packet the translator is given ends in exactly one verdict from this table: `translated`,
// or a named reason why it was not. The engine counts them in a typed array indexed by the
// verdict's number, and the UI shows the same descriptions (Jool's `stats.h` does the same).
// The order is part of the engine's API: append new reasons, never reorder.

export const verdictTable = {
  translated: 'Translated',
  truncated: 'Shorter than its IP header says',
  badVersion: 'Not an IP packet of the family its side carries',
  ipv4BadHeaderChecksum: 'IPv4 header checksum is wrong',
  ipv4BadHeader: 'IPv4 header length or total length is impossible',
  ipv6BadExtensionHeader: 'IPv6 extension header chain is cut short or malformed',
  ttlExpired: 'TTL or hop limit would reach 0 (ICMP Time Exceeded sent back)',
  ipv4SourceRoute: 'IPv4 source route option not yet used up (ICMP Source Route Failed sent back)',
  ipv6RoutingHeader: 'IPv6 routing header with segments left (ICMPv6 Parameter Problem sent back)',
  ipv6ExtensionAfterFragment: 'IPv6 extension header after the Fragment header (ICMPv6 error sent back)',
  fragmentationNeeded: 'IPv4 packet with DF too big for the IPv6 side (ICMP Fragmentation Needed sent back)',
  packetTooBig: 'IPv6 packet too big for the IPv4 side (ICMPv6 Packet Too Big sent back)',
  illegalSource: 'Source address may not appear on the wire (RFC 1812 §5.3.7, RFC 4291)',
  untranslatableSource: 'Source address has no mapping (neither EAMT nor pool6)',
  untranslatableDestination: 'Destination address has no mapping (neither EAMT nor pool6)',
  wkpNonGlobal: 'Well-known prefix 64:ff9b::/96 with a non-global IPv4 address (RFC 6052 §3.1)',
  fragmentedIcmp: 'Fragmented ICMP cannot be translated (RFC 7915 §1.2)',
  icmpUntranslatableType: 'ICMP type or code with no counterpart (RFC 7915 §4.2, §5.2)',
  icmpErrorBadChecksum: 'ICMP error with a wrong checksum',
  icmpErrorBadInner: 'ICMP error whose embedded packet cannot be read',
  icmpErrorNested: 'ICMP error inside an ICMP error',
  transportTruncated: 'TCP, UDP or ICMP header cut short',
  udpZeroChecksum: 'IPv4 UDP with checksum 0 (policy drop; ICMP error sent back)',
  udpZeroChecksumFragment: 'Fragmented IPv4 UDP with checksum 0 cannot get a checksum (ICMP error sent back)',
  outputTooLarge: 'Translation does not fit the output buffer',
} as const;

export type VerdictName = keyof typeof verdictTable;

/** The verdicts in table order; a verdict's number is its index here. */
export const verdictNames = Object.keys(verdictTable) as VerdictName[];

/** Verdict numbers by name, for the hot path (`return Verdict.ttlExpired`). */
export const Verdict = Object.freeze(
  Object.fromEntries(verdictNames.map((name, index) => [name, index])),
) as { readonly [N in VerdictName]: number };

export const verdictCount = verdictNames.length;

export function verdictName(verdict: number): VerdictName | undefined {
  return verdictNames[verdict];
}

export function verdictDescription(verdict: number): string {
  const name = verdictNames[verdict];
  return name === undefined ? `unknown verdict ${verdict}` : verdictTable[name];
}
