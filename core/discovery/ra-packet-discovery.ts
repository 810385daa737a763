// PREF64 from Router Advertisements read directly, from a raw ICMPv6 socket: where NetworkManager
// or systemd-networkd process RAs in user space, the kernel does not parse them and nothing
// arrives on the netlink ND user option group (ra-discovery.ts). Both may run at once: the same
// announcement from both paths is the same input to the state machine, which keys RA entries by
// router and prefix.

import { formatIpv6 } from '../wire/address.js';
import { RaUplinkFilter, type RaDiscovery, type RaDiscoveryOptions } from './ra-discovery.js';
import { parseRouterAdvertisement } from './router-advertisement.js';

/** A raw ICMPv6 socket passing Router Advertisements, or a test double. */
export interface RaPacketSource {
  /**
   * Sets the one listener: `icmp` is the RA from its type byte, valid only during the call;
   * `router` the 16-byte source address; `hopLimit` as received (-1 unknown).
   */
  onRouterAdvertisement(listener: (icmp: Uint8Array, ifindex: number, router: Uint8Array, hopLimit: number) => void): void;
  close(): void;
}

export function raPacketDiscovery(source: RaPacketSource, options: RaDiscoveryOptions): RaDiscovery {
  const filter = new RaUplinkFilter(options.uplinkIfindex, () => source.close());
  source.onRouterAdvertisement((icmp, ifindex, router, hopLimit) => {
    if (!filter.accepts(ifindex)) return;
    // RFC 4861 §6.1.2: an RA comes from a link-local address with hop limit 255 (it was not routed).
    if (hopLimit !== 255 || router[0] !== 0xfe || (router[1] & 0xc0) !== 0x80) return;
    const parsed = parseRouterAdvertisement(icmp);
    if (!parsed.ok) return;
    const atMs = options.nowMs();
    const routerText = formatIpv6(router);
    for (const { prefix, lifetimeS } of parsed.ra.pref64) {
      options.onPref64({ kind: 'pref64', atMs, ifindex, router: routerText, prefix, lifetimeS });
    }
    options.onRa?.({ ifindex, atMs, router: routerText, pref64: parsed.ra.pref64, rdnss: parsed.ra.rdnss, slaacPrefixes: parsed.ra.slaacPrefixes });
  });
  return filter;
}
