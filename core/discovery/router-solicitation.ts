// A Router Solicitation (RFC 4861 §4.1) as a whole IPv6 packet, for a raw socket that takes the
// IPv6 header from us: it asks the link's routers to advertise now rather than at their next
// periodic RA, which on real networks may be 10 minutes away (MaxRtrAdvInterval up to 1800 s).
//
//   IPv6   version 6, payload length 8, next header 58, hop limit 255 (RFC 4861 §6.1.1: a router
//          drops an RS whose hop limit is not 255), source ::, destination ff02::2 (all routers)
//   ICMPv6 type 133, code 0, checksum (RFC 4443 §2.3, over the pseudo-header), 4 bytes reserved
//
// From the unspecified address and so without the Source Link-Layer Address option (RFC 4861
// §4.1: it MUST NOT be included then): it needs nothing of the interface's own state, so it works
// while the link-local address is still tentative after a link change; a router answers it with a
// multicast RA (RFC 4861 §6.2.6), which every host of the link takes too, and which touches no
// router's neighbour cache. Standard-only.

import { finishChecksum, sumWords } from '../wire/checksum.js';
import { write16 } from '../wire/bytes.js';

export const routerSolicitationType = 133;
/** RFC 4291 §2.7.1: all routers, link-local scope. */
const allRouters = Uint8Array.of(0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02);
const ipv6HeaderBytes = 40;
const icmpBytes = 8;
const nextHeaderIcmpv6 = 58;

/** The 48 bytes of an RS from :: to ff02::2, checksum included. */
export function routerSolicitationPacket(): Uint8Array {
  const packet = new Uint8Array(ipv6HeaderBytes + icmpBytes);
  packet[0] = 0x60;
  write16(packet, 4, icmpBytes);
  packet[6] = nextHeaderIcmpv6;
  packet[7] = 255;
  // Source: the unspecified address, all zeros already.
  packet.set(allRouters, 24);
  packet[ipv6HeaderBytes] = routerSolicitationType;
  // RFC 8200 §8.1 pseudo-header: source, destination, upper-layer length (32 bits), next header.
  let sum = sumWords(packet, 8, 40);
  sum += icmpBytes + nextHeaderIcmpv6;
  sum = sumWords(packet, ipv6HeaderBytes, ipv6HeaderBytes + icmpBytes, sum);
  write16(packet, ipv6HeaderBytes + 2, finishChecksum(sum));
  return packet;
}
