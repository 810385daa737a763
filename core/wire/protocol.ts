// Internet protocol numbers: IPv4's Protocol field and IPv6's Next Header (RFC 8200 §4: the same
// values), as IANA's "Assigned Internet Protocol Numbers" registry gives them. The one table of
// them in Clatter: the translator, the observers, the engine's socket lookups and the firewall
// walk all name a protocol from here.

export const protocol = {
  /** IPv6 Hop-by-Hop Options (RFC 8200 §4.3). */
  hopByHop: 0,
  icmp: 1,
  tcp: 6,
  udp: 17,
  /** IPv6 Routing header (RFC 8200 §4.4). */
  routing: 43,
  /** IPv6 Fragment header (RFC 8200 §4.5). */
  fragment: 44,
  icmpv6: 58,
  noNextHeader: 59,
  /** IPv6 Destination Options (RFC 8200 §4.6). */
  destinationOptions: 60,
} as const;

/** The protocols' keywords in /etc/protocols, the ones nftables prints ("ipv6-icmp" for ICMPv6). */
export const protocolKeywords: Readonly<Record<string, number>> = { icmp: protocol.icmp, tcp: protocol.tcp, udp: protocol.udp, 'ipv6-icmp': protocol.icmpv6 };
