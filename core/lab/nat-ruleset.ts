// The router's nftables ruleset (isp namespace only): tayga hands the kernel IPv4 packets from its
// pool addresses; towards the server they leave masqueraded behind the router's own IPv4 address, as
// a NAT64 operator's public address would be. Loaded with `nft -f -` inside the namespace, it goes
// away with the namespace.

import { nat64Plans, topology } from './topology.js';

export const natTableName = 'clatter_lab';

export function natRuleset(): string {
  const pools = nat64Plans.map((plan) => plan.pool).join(', ');
  return `table ip ${natTableName} {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "${topology.isp.serverLink}" ip saddr { ${pools} } masquerade
  }
}
`;
}
