// Why the translator refuses a packet, in words and with the rule's source: one entry per verdict
// of verdict.ts (the type makes a new verdict without its explanation a compile error). The
// recorder pairs it with the field that decided (recorder.ts `refuse`).

import type { VerdictName } from './verdict.js';

export const refusalRules: { readonly [V in VerdictName]: readonly [rule: string, cite: string] } = {
  translated: ['Translated', 'RFC 7915'],
  truncated: ['{from}: the header says the packet is longer than what arrived', 'RFC 791 §3.1, RFC 8200 §3'],
  badVersion: ['Version {from}: not the IP version this side carries', 'RFC 7915 §4, §5'],
  ipv4BadHeaderChecksum: ['Header Checksum {from} is wrong: the header may be corrupt, so it is not translated', 'RFC 1812 §5.2.2'],
  ipv4BadHeader: ['{from}: the IPv4 header length, total length or options are impossible', 'RFC 1812 §5.2.2'],
  ipv6BadExtensionHeader: ['{from}: the extension header chain is cut short or malformed', 'RFC 8200 §4'],
  ttlExpired: ['{from}: a router cannot forward a packet whose hop count would reach 0; Time Exceeded goes back', 'RFC 7915 §4.1, §5.1'],
  ipv4SourceRoute: ['{from}: a source route not yet used up cannot be honoured; Source Route Failed goes back', 'RFC 7915 §4.1'],
  ipv6RoutingHeader: ['Segments Left {from}: a routing header with segments left cannot be translated; Parameter Problem goes back', 'RFC 7915 §5.1'],
  ipv6ExtensionAfterFragment: ['{from}: an extension header after the Fragment header cannot be translated', 'RFC 7915 §5.1'],
  fragmentationNeeded: ['{from}: DF is set and the packet will not fit the IPv6 MTU; Fragmentation Needed goes back', 'RFC 7915 §4.1, §6'],
  packetTooBig: ['{from}: the IPv4 packet would exceed the IPv4 MTU; Packet Too Big goes back', 'RFC 7915 §5.1, §6'],
  illegalSource: ['{from}: a source that may not appear on the wire', 'RFC 1812 §5.3.7, RFC 4291 §2.5'],
  untranslatableSource: ['{from}: neither the EAMT nor the NAT64 prefix maps this source', 'RFC 7915 §4.1, §5.1, RFC 7757'],
  untranslatableDestination: ['{from}: neither the EAMT nor the NAT64 prefix maps this destination', 'RFC 7915 §4.1, §5.1, RFC 7757'],
  wkpNonGlobal: ['{from}: a non-global IPv4 address may not be written under 64:ff9b::/96', 'RFC 6052 §3.1'],
  fragmentedIcmp: ['{from}: a fragmented ICMP message cannot be translated (its checksum would need the whole message)', 'RFC 7915 §1.2, §4.2'],
  icmpUntranslatableType: ['{from}: this ICMP type or code has no counterpart on the other side', 'RFC 7915 §4.2, §5.2'],
  icmpErrorBadChecksum: ['Checksum {from}: an ICMP error is rebuilt, so a wrong checksum stops it here', 'RFC 7915 §4.3, §5.3'],
  icmpErrorBadInner: ['{from}: the packet quoted in the ICMP error cannot be read or translated', 'RFC 7915 §4.3, §5.3'],
  icmpErrorNested: ['Type {from}: an ICMP error quoting an ICMP error is not translated', 'RFC 7915 §4.3, §5.3'],
  transportTruncated: ['{from}: the TCP, UDP or ICMP header is cut short', 'RFC 7915 §4.5, §5.5'],
  udpZeroChecksum: ['Checksum {from}: IPv6 requires a UDP checksum and policy drops zero ones; Port Unreachable goes back', 'RFC 7915 §4.5, RFC 6935'],
  udpZeroChecksumFragment: ['Checksum {from}: a fragment\'s zero UDP checksum cannot be computed; an ICMP error goes back', 'RFC 7915 §4.5'],
  outputTooLarge: ['{from}: the translation would not fit the output buffer', 'RFC 7915'],
};
