// The engine's ears for Router Advertisements, from its start to its end, CLAT on or off: what each
// RA says (PREF64, RDNSS) goes into the RA cache (core/discovery/ra-cache.ts) that `up` takes at
// once. Two ways in, as for a running CLAT's discovery: the kernel's relay of the options it parsed
// (RTM_NEWNDUSEROPT on the engine's netlink subscription, which also says when a link goes down),
// and a raw ICMPv6 socket on every interface for hosts where NetworkManager or systemd-networkd
// handle RAs in user space and the kernel relays nothing (accept_ra 0).

import { raPacketDiscovery } from '../discovery/ra-packet-discovery.js';
import type { HeardRa, RaCache } from '../discovery/ra-cache.js';
import { feedRaCache } from '../discovery/ra-cache-netlink.js';
import type { NativeAddon } from '../tun/native-addon.js';
import type { NetlinkSubscription } from './netlink-subscription.js';
import { RaSocket } from './ra-socket.js';

/**
 * Feeds `cache` until close(); the netlink subscription stays the caller's. `onHeard` hears each RA
 * read whole from the raw socket once the cache has taken it in (the engine moves to a new /64 then).
 */
export function watchRouterAdvertisements(
  addon: NativeAddon,
  netlink: NetlinkSubscription,
  cache: RaCache,
  log: (line: string) => void,
  onHeard: (ra: HeardRa) => void = () => {},
): { close(): void } {
  const fromNetlink = (datagram: Uint8Array) => feedRaCache(cache, datagram, Date.now());
  netlink.onMessage(fromNetlink);
  const socket = RaSocket.open(addon, null);
  if (!socket.ok) log(`RAs heard only through the kernel while the CLAT is off: ${socket.error}`);
  const heard = (ra: HeardRa) => {
    cache.observe(ra);
    onHeard(ra);
  };
  const fromSocket = socket.ok ? raPacketDiscovery(socket.socket, { uplinkIfindex: null, nowMs: Date.now, onPref64: () => {}, onRa: heard }) : null;
  return {
    close: () => {
      netlink.removeListener(fromNetlink);
      fromSocket?.close();
    },
  };
}
