// tayga's configuration, one per NAT64 prefix of the lab. tayga is a stateless translator (SIIT,
// RFC 7915) that gives each IPv6 source an address from its dynamic pool; with the pool masqueraded
// behind the router (nat-ruleset.ts) the router acts as the stateful NAT64 (RFC 6146) of an operator.
// tayga does not configure its TUN: the lab makes it (`tayga --mktun`) and routes prefix and pool in.

import type { Nat64Plan } from './topology.js';

/** tayga.conf(5) for `plan`, keeping its dynamic.map in `dataDir`. */
export function taygaConfig(plan: Nat64Plan, dataDir: string): string {
  return [
    `tun-device ${plan.tun}`,
    `ipv4-addr ${plan.taygaIpv4}`,
    `prefix ${plan.prefix}`,
    `dynamic-pool ${plan.pool}`,
    `data-dir ${dataDir}`,
    '',
  ].join('\n');
}
