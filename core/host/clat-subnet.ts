// Which /64 of the uplink the CLAT takes its own address in (RFC 6877 §6.3: a dedicated address,
// here formed by SLAAC in the uplink's /64, clat-address.ts). Pure: the engine gathers the offers.
//
// A /64 counts only while the host holds an address in it (the kernel, or NetworkManager, took the
// RA for this link): an RA alone does not say the host uses the network (a connection taken down
// keeps hearing RAs). It counts from the moment that address appears, while it is still in DAD
// (1 s, RFC 4862 §5.4): the CLAT proves its own address at the same time instead of after it.
// Roaming: an address of before a link loss (the kernel keeps SLAAC addresses through a carrier
// loss, and proves them again when it is back) may belong to the network the host has left; its
// /64 is stale until an RA on the link announces it again, and the CLAT does not take an address
// there that the new network's routers would drop (ingress filtering, BCP 38). The engine lets a
// stale /64 back after a grace time without any RA, for a network whose routers stay silent.

import { formatIpv6, parseIpv6 } from '../wire/address.js';
import type { Uplink } from './host-inspect.js';

export interface ClatSubnetOffers {
  /** The /64 the CLAT is in now; kept while still offered, so that routers announcing in turn do not move it. */
  readonly current: string | null;
  /** /64s the uplink's RAs offered for SLAAC since it last gained its link, most recently heard first. */
  readonly announced: readonly string[];
  /** /64s of the host's own addresses on the uplink past DAD, the SLAAC (dynamic) ones first. */
  readonly usable: readonly string[];
  /** /64s of the host's addresses whose DAD is under way. */
  readonly tentative: readonly string[];
  /** /64s the uplink had when it last lost its link, while they count as stale. */
  readonly stale: ReadonlySet<string>;
}

/** The /64 for the CLAT's address ("2001:db8:1:4::"), or null when the uplink offers none yet. */
export function chooseClatSubnet(offers: ClatSubnetOffers): string | null {
  const held = new Set([...offers.usable, ...offers.tentative]);
  const fresh = (subnet: string) => !offers.stale.has(subnet) || offers.announced.includes(subnet);
  // The most recently announced first: after a move, the new network's /64 before any other.
  const offered = [...offers.announced.filter((subnet) => held.has(subnet)), ...offers.usable, ...offers.tentative].filter(fresh);
  if (offers.current !== null && offered.includes(offers.current)) return offers.current;
  return offered[0] ?? null;
}

/** The /64 of `address` as ClatSubnetOffers names it (the address with a zero interface identifier); null if not IPv6. */
export function subnet64Of(address: string): string | null {
  const bytes = parseIpv6(address);
  if (bytes === undefined) return null;
  bytes.fill(0, 8);
  return formatIpv6(bytes);
}

/** The /64s of the uplink's own addresses, as ClatSubnetOffers wants them (the SLAAC ones first). */
export function uplinkSubnets(uplink: Uplink): { usable: string[]; tentative: string[] } {
  const of = (addresses: readonly { address: string; prefixLength: number }[]) =>
    [...new Set(addresses.filter((a) => a.prefixLength === 64).map((a) => subnet64Of(a.address)))].filter((subnet): subnet is string => subnet !== null);
  const usable = [...uplink.globalIpv6].sort((a, b) => Number(b.dynamic) - Number(a.dynamic));
  return { usable: of(usable), tentative: of(uplink.tentativeIpv6) };
}
