// Which /64 of the uplink the CLAT takes its own address in (RFC 6877 §6.3: a dedicated address,
// here formed by SLAAC in the uplink's /64, clat-address.ts). Pure: the engine gathers the offers.
//
// Joining a network fast: the /64 an RA offers counts from the moment the RA arrives, while the
// kernel's own address there is still in DAD (1 s, RFC 4862 §5.4): the CLAT proves its own address
// at the same time instead of after it. Roaming: an address of before a link loss (the kernel keeps
// SLAAC addresses through a carrier loss, RFC 4862 §5.7 leaves their fate open) may belong to the
// network the host has left; its /64 is stale until an RA on the link announces it again, and the
// CLAT does not take an address there that the new network's routers would drop (ingress
// filtering, BCP 38). The engine lets a stale /64 back after a grace time without any RA, for a
// network whose routers stay silent (addresses set by hand).

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
  const fresh = (subnet: string) => !offers.stale.has(subnet) || offers.announced.includes(subnet);
  const offered = [...offers.announced, ...offers.usable, ...offers.tentative].filter(fresh);
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
