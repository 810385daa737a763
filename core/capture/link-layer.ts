// Link-layer headers in front of the IP packet, for the link types Clatter reads. Numbers are the
// LINKTYPE_ values of https://www.tcpdump.org/linktypes.html, shared by pcap and pcapng.

export const LinkType = {
  /** Ethernet II (IEEE 802.3), possibly with 802.1Q / 802.1ad VLAN tags. */
  ethernet: 1,
  /** Raw IP: the packet starts with the IP header, version by its first nibble. */
  raw: 101,
  /** Linux "cooked" capture v1, what `tcpdump -i any` wrote before libpcap 1.10. */
  linuxSll: 113,
  /** Raw IPv4 only. */
  ipv4: 228,
  /** Raw IPv6 only. */
  ipv6: 229,
  /** Linux "cooked" capture v2, what `tcpdump -i any` writes since libpcap 1.10. */
  linuxSll2: 276,
} as const;

const readable = new Set<number>(Object.values(LinkType));

export function isReadableLinkType(linkType: number): boolean {
  return readable.has(linkType);
}

/** For error messages: "link type 147 is not one Clatter reads (…)". */
export function unreadableLinkTypeError(linkType: number): string {
  return (
    `link type ${linkType} is not one Clatter reads ` +
    '(1 Ethernet, 101/228/229 raw IP, 113/276 Linux cooked)'
  );
}

const etherTypeIpv4 = 0x0800;
const etherTypeIpv6 = 0x86dd;
const etherTypeVlan = 0x8100; // IEEE 802.1Q customer tag
const etherTypeQinQ = 0x88a8; // IEEE 802.1ad service tag
const etherTypeQinQOld = 0x9100; // pre-standard double tagging, still seen in the wild
const arphrdNetlink = 824; // Linux nlmon devices: the "protocol" field is a netlink family

/** What a frame holds: an IP packet, something else, or a header that does not fit. */
export type LinkPayload =
  | { readonly kind: 'ip'; readonly packet: Uint8Array }
  | { readonly kind: 'notIp' }
  | { readonly kind: 'damaged'; readonly description: string };

const notIp: LinkPayload = Object.freeze({ kind: 'notIp' });

/**
 * The IP packet inside `frame`, as a view into it. `linkType` must be readable
 * (`isReadableLinkType`). Raw IP frames are handed on whole; frames from links that pad short
 * frames (Ethernet, and cooked captures of Ethernet devices) are cut to the length the IP header
 * declares, so the padding does not look like payload to the translator.
 */
export function linkPayload(linkType: number, frame: Uint8Array): LinkPayload {
  switch (linkType) {
    case LinkType.raw:
    case LinkType.ipv4:
    case LinkType.ipv6:
      return { kind: 'ip', packet: frame };
    case LinkType.ethernet:
      // Destination (6), source (6), EtherType (2).
      if (frame.length < 14) return short('Ethernet', 14, frame.length);
      return afterEtherType(frame, 12, 14, 'Ethernet');
    case LinkType.linuxSll:
      // Packet type (2), ARPHRD type (2), address length (2), address (8), protocol (2).
      if (frame.length < 16) return short('Linux cooked (SLL)', 16, frame.length);
      if (read16(frame, 2) === arphrdNetlink) return notIp;
      return afterEtherType(frame, 14, 16, 'Linux cooked (SLL)');
    case LinkType.linuxSll2:
      // Protocol (2), reserved (2), interface index (4), ARPHRD type (2), packet type (1),
      // address length (1), address (8).
      if (frame.length < 20) return short('Linux cooked (SLL2)', 20, frame.length);
      if (read16(frame, 8) === arphrdNetlink) return notIp;
      return afterEtherType(frame, 0, 20, 'Linux cooked (SLL2)');
    default:
      return { kind: 'damaged', description: unreadableLinkTypeError(linkType) };
  }
}

/** Reads the EtherType at `typeOffset`, steps over VLAN tags (which start at `payloadOffset`, as
 * the payload would), and returns what follows. */
function afterEtherType(frame: Uint8Array, typeOffset: number, payloadOffset: number, linkName: string): LinkPayload {
  let etherType = read16(frame, typeOffset);
  let offset = payloadOffset;
  // IEEE 802.1Q / 802.1ad: each tag is a 2-byte TCI followed by the next EtherType.
  while (etherType === etherTypeVlan || etherType === etherTypeQinQ || etherType === etherTypeQinQOld) {
    if (frame.length < offset + 4) return short(`${linkName} VLAN tag`, offset + 4, frame.length);
    etherType = read16(frame, offset + 2);
    offset += 4;
  }
  if (etherType !== etherTypeIpv4 && etherType !== etherTypeIpv6) return notIp;
  return { kind: 'ip', packet: trimToIpLength(frame.subarray(offset)) };
}

/** Cuts link padding (and a trailing FCS) off: the IP header says how long the packet is. Leaves
 * the packet alone when the header cannot say (too short, IPv4 total length 0 from segmentation
 * offload, IPv6 jumbograms) or says it is longer: that is for the translator to judge. */
function trimToIpLength(packet: Uint8Array): Uint8Array {
  const version = packet.length > 0 ? packet[0] >> 4 : 0;
  if (version === 4 && packet.length >= 20) {
    const totalLength = read16(packet, 2);
    if (totalLength >= 20 && totalLength < packet.length) return packet.subarray(0, totalLength);
  } else if (version === 6 && packet.length >= 40) {
    const payloadLength = read16(packet, 4);
    if (payloadLength > 0 && 40 + payloadLength < packet.length) return packet.subarray(0, 40 + payloadLength);
  }
  return packet;
}

function short(what: string, needBytes: number, haveBytes: number): LinkPayload {
  return { kind: 'damaged', description: `frame of ${haveBytes} bytes is too short for its ${what} header (${needBytes} bytes)` };
}

function read16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}
