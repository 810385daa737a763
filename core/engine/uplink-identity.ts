// Which network the uplink is on, and which kernel events can change that. A new fingerprint
// means a new network: the CLAT takes a new address there (uplink-watch.ts). The network is the
// /64 the CLAT's address is in (core/host/clat-subnet.ts), not every /64 the uplink has: the
// kernel's address in that /64 passing DAD after the CLAT started there, or another router's /64
// appearing, moves nothing. Reading the uplink runs `ip`, so the engine does it only for the
// events mayChangeUplink lets through.

import type { Uplink } from '../host/host-inspect.js';
import { parseIpv6 } from '../wire/address.js';
import { afInet6, ifaFlagDeprecated, type RtnetlinkEvent } from './rtnetlink-events.js';

/**
 * The uplink's network identity: interface, state, MTUs (the link's, and the IPv6 one a router's RA
 * set: the CLAT's route MTU follows it) and the /64 chosen for the CLAT (null: none yet).
 */
export function fingerprintOf(uplink: Uplink, subnet: string | null): string {
  return JSON.stringify([uplink.ifindex, uplink.up, uplink.mtu, uplink.ipv6Mtu, subnet]);
}

/** The uplink's /64s, past DAD or in it, each as the hex of its first 8 bytes. */
function slaacPrefixes(uplink: Uplink): Set<string> {
  const prefixes = new Set<string>();
  for (const a of [...uplink.globalIpv6, ...uplink.tentativeIpv6]) {
    const bytes = a.prefixLength === 64 ? parseIpv6(a.address) : undefined;
    if (bytes !== undefined) prefixes.add(prefix64Hex(bytes));
  }
  return prefixes;
}

function prefix64Hex(address: Uint8Array): string {
  return Array.from(address.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Whether a kernel event can change the uplink's fingerprint, by changing the /64s it offers the
 * CLAT (or, after a failure (`failed`), is worth a retry): a link event of the uplink; the removal
 * or deprecation of a /64 address it counts (the uplink is read without deprecated addresses); a
 * /64 address of a /64 it did not have (one in DAD included: the kernel took a new RA's /64). A router's periodic RA refreshes the SLAAC address, the deprecated temporary addresses
 * (RFC 8981) and the default route; none of those is a change.
 */
export function mayChangeUplink(event: RtnetlinkEvent, uplink: Uplink, failed: boolean): boolean {
  if (event.kind === 'route' || event.ifindex !== uplink.ifindex) return false;
  if (event.kind === 'link' || failed) return true;
  if (event.family !== afInet6 || event.prefixLength !== 64) return false;
  if (event.address === null) return true;
  if (!event.added || (event.flags & ifaFlagDeprecated) !== 0) return counts(uplink, event.address);
  return !slaacPrefixes(uplink).has(prefix64Hex(event.address));
}

/** Whether `address` is one of the uplink's addresses as last read. */
function counts(uplink: Uplink, address: Uint8Array): boolean {
  return [...uplink.globalIpv6, ...uplink.tentativeIpv6].some((a) => {
    const bytes = parseIpv6(a.address);
    return bytes !== undefined && bytes.every((byte, i) => byte === address[i]);
  });
}
