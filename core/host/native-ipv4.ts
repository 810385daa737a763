// Whether the host has native IPv4, judged per IPv4 default route (RFC 6877 §6.3: the CLAT is for
// hosts without it). A default route is native IPv4 unless it is:
// - the CLAT's own (its TUN);
// - link-local only: an interface whose IPv4 addresses are all in 169.254/16 (RFC 3927, what
//   avahi-autoipd gives a link without DHCP), which reaches no further than the link;
// - a tunnel that runs over the CLAT: an IPv4-only VPN whose endpoint is reached through the CLAT
//   (tearing the CLAT down would cut the tunnel's own path), or a tunnel whose endpoint cannot be
//   read (WireGuard, a userspace VPN's TUN): a tunnel carries nothing without an underlay, and a
//   CLAT beside one that has another underlay costs nothing, where taking the CLAT away from one
//   that rides on it breaks it. A tunnel whose endpoint is routed into itself carries nothing either.
// Pure judgement here (judgeIpv4DefaultRoute); reading the routes and links through `ip -j` below.

import { ipJson } from './run-command.js';
import type { Found } from './host-inspect.js';

export interface Ipv4DefaultRoute {
  readonly dev: string;
  readonly gateway: string | null;
}

/** What `ip -d link` says of the route's interface, and where a tunnel's endpoint is routed. */
export interface RouteInterface {
  /** IFLA_INFO_KIND: 'wireguard', 'gre', 'vxlan', 'tun', …; null for a plain device. */
  readonly kind: string | null;
  /** The tunnel's IPv4 endpoint (IFLA_*_REMOTE), when the kind has one and it is set. */
  readonly remote: string | null;
  /** The interface the route to `remote` goes out of, when there is one. */
  readonly remoteDev: string | null;
  readonly ipv4Addresses: readonly string[];
}

export type RouteJudgement =
  | { readonly native: true; readonly route: string }
  | { readonly native: false; readonly route: string; readonly why: string };

/** Link kinds that encapsulate: their packets need another path (the underlay) to go anywhere. */
const tunnelKinds: ReadonlySet<string> = new Set([
  'wireguard', 'tun', 'gre', 'gretap', 'ipip', 'sit', 'vxlan', 'geneve', 'ip6tnl', 'ip6gre', 'ip6gretap', 'vti', 'vti6', 'xfrm', 'l2tp', 'bareudp',
]);

export function describeRoute(route: Ipv4DefaultRoute): string {
  return `default via ${route.gateway ?? '-'} dev ${route.dev}`;
}

export function judgeIpv4DefaultRoute(route: Ipv4DefaultRoute, clatTun: string, link: RouteInterface | null): RouteJudgement {
  const text = describeRoute(route);
  if (route.dev === clatTun) return { native: false, route: text, why: "the CLAT's own" };
  if (link === null) return { native: true, route: text };
  if (link.ipv4Addresses.length > 0 && link.ipv4Addresses.every(isLinkLocal4) && (route.gateway === null || isLinkLocal4(route.gateway))) {
    return { native: false, route: text, why: `${route.dev} has only link-local IPv4 (169.254/16)` };
  }
  if (link.kind !== null && tunnelKinds.has(link.kind)) {
    if (link.remote === null) return { native: false, route: text, why: `${route.dev} is a ${link.kind} tunnel whose endpoint is not known: it may run over the CLAT` };
    if (link.remoteDev === null) return { native: false, route: text, why: `${route.dev} is a ${link.kind} tunnel whose endpoint ${link.remote} has no route` };
    if (link.remoteDev === clatTun) return { native: false, route: text, why: `${route.dev} is a ${link.kind} tunnel whose endpoint ${link.remote} is reached through the CLAT` };
    // Routed into the tunnel itself (by the tunnel's own default route): a loop that carries nothing.
    // So it is while the CLAT is away (a link flap removes its TUN, and with it a route that pinned the
    // endpoint there): counted as native, it would keep the CLAT from coming back under the tunnel.
    if (link.remoteDev === route.dev) return { native: false, route: text, why: `${route.dev} is a ${link.kind} tunnel whose endpoint ${link.remote} is routed into the tunnel itself` };
  }
  return { native: true, route: text };
}

function isLinkLocal4(address: string): boolean {
  return address.startsWith('169.254.');
}

interface IpRoute {
  readonly dev?: string;
  readonly gateway?: string;
}

interface IpLinkDetail {
  readonly ifname: string;
  readonly linkinfo?: { readonly info_kind?: string; readonly info_data?: { readonly remote?: string } };
}

interface IpAddr {
  readonly ifname: string;
  readonly addr_info: readonly { readonly family: string; readonly local: string }[];
}

/** Every IPv4 default route of the host with its judgement. */
export async function judgeIpv4DefaultRoutes(clatTun: string): Promise<Found<RouteJudgement[]>> {
  const routes = await ipJson<IpRoute[]>(['-4', 'route', 'show', 'default']);
  if (!routes.ok) return routes;
  const judgements: RouteJudgement[] = [];
  for (const entry of routes.value) {
    if (entry.dev === undefined) continue; // a blackhole or unreachable default carries nothing
    const route = { dev: entry.dev, gateway: entry.gateway ?? null };
    judgements.push(judgeIpv4DefaultRoute(route, clatTun, route.dev === clatTun ? null : await readRouteInterface(route.dev)));
  }
  return { ok: true, value: judgements };
}

/** The native IPv4 default routes (see the top of this file), described; empty: the host is IPv6-only. */
export async function nativeIpv4DefaultRoutes(clatTun: string): Promise<Found<string[]>> {
  const judged = await judgeIpv4DefaultRoutes(clatTun);
  if (!judged.ok) return judged;
  return { ok: true, value: judged.value.filter((judgement) => judgement.native).map((judgement) => judgement.route) };
}

async function readRouteInterface(dev: string): Promise<RouteInterface | null> {
  const links = await ipJson<IpLinkDetail[]>(['-d', 'link', 'show', 'dev', dev]);
  if (!links.ok || links.value.length === 0) return null;
  const info = links.value[0].linkinfo;
  const remote = info?.info_data?.remote ?? null;
  const addresses = await ipJson<IpAddr[]>(['-4', 'addr', 'show', 'dev', dev]);
  let remoteDev: string | null = null;
  // An IPv6 endpoint (a 4in6 tunnel, DS-Lite's B4) is routed like any IPv6 destination.
  if (remote !== null && (/^\d+\.\d+\.\d+\.\d+$/.test(remote) || remote.includes(':'))) {
    const via = await ipJson<IpRoute[]>([remote.includes(':') ? '-6' : '-4', 'route', 'get', remote]);
    remoteDev = via.ok ? (via.value[0]?.dev ?? null) : null;
  }
  return {
    kind: info?.info_kind ?? null,
    remote,
    remoteDev,
    ipv4Addresses: addresses.ok ? addresses.value.flatMap((entry) => entry.addr_info).filter((a) => a.family === 'inet').map((a) => a.local) : [],
  };
}
