// The nftables rule set of ingress delivery: the CLAT's IPv6 packets are moved between the uplink
// and the TUN at the two devices' ingress hooks (family netdev), before the kernel's IP layer sees
// them. They never reach prerouting, forward or postrouting, so no firewall's forward policy (Docker's
// and ufw's `FORWARD DROP`, firewalld's zones, a hand-written `inet` table), no conntrack and no
// forwarding sysctl is involved; the host's own IPv4 traffic through the TUN is the host's as before.
//
//   uplink ingress: to the CLAT address, except neighbour discovery → fwd into the TUN
//   TUN ingress:    from the CLAT address → fwd out of the uplink to the next hop (neighbour layer)
//
// `fwd ip6 to ADDRESS device DEV` goes through the neighbour layer: on the uplink it resolves the
// next hop's link-layer address as routing would; on the TUN (no link layer) it hands the packet
// over as it is. Either way the kernel decrements the Hop Limit once, as forwarding would, and the
// packet leaves through dev_queue_xmit, which segments super-packets and finishes partial checksums
// for a device that cannot.

import { formatIpv6, parseIpv6 } from '../wire/address.js';

/** The table of every delivery mode's rules; family netdev for ingress delivery. */
export const ingressTable = { family: 'netdev', name: 'clatter' } as const;

export interface IngressPlan {
  readonly uplink: string;
  readonly tun: string;
  readonly clatIpv6: string;
  /**
   * Where the uplink sends the CLAT's packets: the router of the route to the NAT64 prefix
   * (a link-local address), or null when the prefix is on the uplink's link.
   */
  readonly nextHop: string | null;
}

/**
 * Neighbour discovery for the CLAT address stays with the kernel, which answers for it as an
 * anycast address of the uplink (RFC 4861 §7.2: solicitations, advertisements, and the router
 * messages a node never forwards).
 */
const neighbourDiscovery = 'nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect';

/**
 * Before any other netfilter ingress chain (a firewall's netdev table, priority 0 by default). Packet
 * taps (tcpdump, DHCP clients) and tc see the packets before netfilter's ingress whatever the
 * priority, so captures on the uplink still show the CLAT's traffic.
 */
const ingressPriority = -500;

/** The whole table, replacing any table of the same name in one transaction (`nft -f`). */
export function ingressRuleset(plan: IngressPlan): string {
  const clat = canonical(plan.clatIpv6);
  const nextHop = plan.nextHop === null ? 'ip6 daddr' : canonical(plan.nextHop);
  const { family, name } = ingressTable;
  return [
    // Declaring the table first makes the delete valid when there was none: an atomic replace.
    `add table ${family} ${name}`,
    `delete table ${family} ${name}`,
    `table ${family} ${name} {`,
    '  chain from_uplink {',
    `    type filter hook ingress device ${quote(plan.uplink)} priority ${ingressPriority}; policy accept;`,
    `    ip6 daddr ${clat} icmpv6 type { ${neighbourDiscovery} } accept`,
    `    ip6 daddr ${clat} fwd ip6 to ${clat} device ${quote(plan.tun)}`,
    '  }',
    '  chain from_tun {',
    `    type filter hook ingress device ${quote(plan.tun)} priority ${ingressPriority}; policy accept;`,
    `    ip6 saddr ${clat} fwd ip6 to ${nextHop} device ${quote(plan.uplink)}`,
    '  }',
    '}',
  ].join('\n');
}

/** Interface names are at most 15 bytes of anything but '/', whitespace and NUL (dev_valid_name). */
function quote(ifname: string): string {
  if (!/^[^\s/"\\]{1,15}$/.test(ifname)) throw new Error(`not an interface name: ${JSON.stringify(ifname)}`);
  return `"${ifname}"`;
}

function canonical(address: string): string {
  const bytes = parseIpv6(address);
  if (bytes === undefined) throw new Error(`not an IPv6 address: ${address}`);
  return formatIpv6(bytes);
}
