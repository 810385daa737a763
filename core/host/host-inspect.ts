// Reading the host's network state (never changing it): the uplink, its SLAAC prefix and MTU,
// and whether native IPv4 is present. All through `ip -j`, which every Linux has, and /proc/sys.

import { readdirSync, readFileSync } from 'node:fs';
import { ipJson } from './run-command.js';
import { readSysctl, sysctlKey } from './sysctl.js';

interface IpLink {
  ifindex: number;
  ifname: string;
  mtu: number;
  operstate: string;
  flags: string[];
}

interface IpAddrInfo {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  scope: string;
  dynamic?: boolean;
  temporary?: boolean;
  tentative?: boolean;
  dadfailed?: boolean;
  deprecated?: boolean;
}

interface IpAddr {
  ifname: string;
  addr_info: IpAddrInfo[];
}

interface IpRoute {
  dst: string;
  dev?: string;
  gateway?: string;
  flags?: string[];
}

export interface Uplink {
  readonly name: string;
  readonly ifindex: number;
  /** The device's MTU. */
  readonly mtu: number;
  /**
   * The MTU IPv6 uses on the link (`net.ipv6.conf.<if>.mtu`): the device's, or the smaller one a
   * router announced in the RA's MTU option (RFC 4861 §6.3.4), as whoever processes the RAs (the
   * kernel, NetworkManager, systemd-networkd) applied it. Never above `mtu`.
   */
  readonly ipv6Mtu: number;
  readonly up: boolean;
  /** Global IPv6 addresses with their prefix lengths (past DAD, not deprecated). */
  readonly globalIpv6: readonly { address: string; prefixLength: number; dynamic: boolean }[];
  /** Global IPv6 addresses still in DAD (RFC 4862 §5.4): an RA's /64 a moment after the RA. */
  readonly tentativeIpv6: readonly { address: string; prefixLength: number }[];
}

export type Found<T> = { ok: true; value: T } | { ok: false; error: string };

export async function readUplink(name: string): Promise<Found<Uplink>> {
  const links = await ipJson<IpLink[]>(['link', 'show', 'dev', name]);
  if (!links.ok || links.value.length === 0) return { ok: false, error: `no interface named "${name}"` };
  const link = links.value[0];
  const addrs = await ipJson<IpAddr[]>(['-6', 'addr', 'show', 'dev', name, 'scope', 'global']);
  if (!addrs.ok) return addrs;
  const infos = addrs.value.flatMap((entry) => entry.addr_info).filter((info) => info.family === 'inet6' && !info.dadfailed && !info.deprecated);
  const globalIpv6 = infos.filter((info) => !info.tentative).map((info) => ({ address: info.local, prefixLength: info.prefixlen, dynamic: info.dynamic === true }));
  const tentativeIpv6 = infos.filter((info) => info.tentative === true).map((info) => ({ address: info.local, prefixLength: info.prefixlen }));
  return {
    ok: true,
    value: {
      name: link.ifname,
      ifindex: link.ifindex,
      mtu: link.mtu,
      ipv6Mtu: ipv6LinkMtu(link.ifname, link.mtu),
      up: link.flags.includes('UP') && link.operstate !== 'DOWN',
      globalIpv6,
      tentativeIpv6,
    },
  };
}

/**
 * The IPv6 MTU the kernel uses on `name`. Read rather than taken from the RA ourselves: the kernel
 * applies an RA's MTU only when it is valid (at least 1280, at most the device's, RFC 4861 §6.3.4)
 * and accept_ra_mtu allows it, and where NetworkManager or systemd-networkd handle RAs they write
 * this same value; so it is the MTU the uplink's IPv6 packets really get, whoever set it.
 */
function ipv6LinkMtu(name: string, deviceMtu: number): number {
  const read = readSysctl(sysctlKey('net', 'ipv6', 'conf', name, 'mtu'));
  const value = read.ok ? Number(read.value) : NaN;
  // No IPv6 on the link (disabled): the device's MTU is all there is.
  return Number.isInteger(value) && value >= 1280 ? Math.min(value, deviceMtu) : deviceMtu;
}

/**
 * The name of interface `ifindex` (from /sys/class/net, without running anything), or null. For a
 * link-local address's zone and a socket bound to the device, which want the name.
 */
export function interfaceName(ifindex: number): string | null {
  try {
    for (const name of readdirSync('/sys/class/net')) {
      try {
        if (Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8')) === ifindex) return name;
      } catch {
        // Gone while we looked: not this one.
      }
    }
  } catch {
    // No sysfs: no name.
  }
  return null;
}

/**
 * The interface of the IPv6 default route: the uplink a CLAT uses when none is named. Routes come
 * in the kernel's order (lowest metric first); one whose interface lost its carrier (the kernel
 * keeps it, flagged linkdown: Wi-Fi gone, a cable pulled) counts only when no other is left.
 */
export async function findIpv6DefaultUplink(): Promise<Found<string>> {
  const routes = await ipJson<IpRoute[]>(['-6', 'route', 'show', 'default']);
  if (!routes.ok) return routes;
  const linkDown = (route: IpRoute) => (route.flags ?? []).includes('linkdown');
  const withDev = [...routes.value.filter((route) => !linkDown(route)), ...routes.value.filter(linkDown)].find((route) => route.dev !== undefined);
  if (withDev?.dev === undefined) return { ok: false, error: 'no IPv6 default route: is this host on an IPv6 network?' };
  return { ok: true, value: withDev.dev };
}

/** The state of one IPv6 address on an interface, for duplicate address detection. */
export async function ipv6AddressState(dev: string, address: string): Promise<'absent' | 'tentative' | 'dadfailed' | 'valid'> {
  const addrs = await ipJson<IpAddr[]>(['-6', 'addr', 'show', 'dev', dev]);
  if (!addrs.ok) return 'absent';
  for (const info of addrs.value.flatMap((entry) => entry.addr_info)) {
    if (info.local !== address) continue;
    if (info.dadfailed) return 'dadfailed';
    return info.tentative ? 'tentative' : 'valid';
  }
  return 'absent';
}

/**
 * The next hop out of `uplink` towards `destination` (an address under the NAT64 prefix): the
 * router's address, or null when the destination is on the uplink's link.
 */
export async function ipv6NextHop(uplink: string, destination: string): Promise<Found<string | null>> {
  const routes = await ipJson<IpRoute[]>(['-6', 'route', 'get', destination, 'oif', uplink]);
  if (!routes.ok) return { ok: false, error: `no route to ${destination} through ${uplink}: ${routes.error}` };
  const route = routes.value[0];
  if (route === undefined || route.dev !== uplink) return { ok: false, error: `no route to ${destination} through ${uplink}` };
  return { ok: true, value: route.gateway ?? null };
}
