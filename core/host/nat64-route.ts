// Is the NAT64 within reach, as far as this host can tell cheaply: the kernel's route to an address
// under the prefix (`ip -6 route get`), and, when it goes through a router, whether the router
// answers neighbour solicitations (`ip -6 neigh`). No probe is sent: what lies beyond the router is
// not this host's to know.

import { runCommand } from './run-command.js';

export type Nat64RouteFinding =
  /** The kernel has no route (or an unreachable/prohibit/blackhole one): `reason` as it says it. */
  | { readonly kind: 'no-route'; readonly address: string; readonly reason: string }
  /** Routed, but not through the uplink (a VPN's device, say): the CLAT's packets follow that route. */
  | { readonly kind: 'other-device'; readonly address: string; readonly dev: string; readonly gateway: string | null }
  /** Routed through a router that does not answer (neighbour state FAILED or INCOMPLETE). */
  | { readonly kind: 'router-silent'; readonly address: string; readonly dev: string; readonly gateway: string; readonly state: string }
  /** Routed through the uplink; nothing here says more. */
  | { readonly kind: 'routed'; readonly address: string; readonly dev: string; readonly gateway: string | null }
  /** The route could not be read (no `ip`, say). */
  | { readonly kind: 'unknown'; readonly address: string; readonly reason: string };

interface RouteGet {
  readonly dev?: string;
  readonly gateway?: string;
}

/** The device and gateway of `ip -j -6 route get` output; null when it names none. */
export function parseRouteGet(stdout: string): { dev: string; gateway: string | null } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return null;
  }
  const route = (Array.isArray(parsed) ? parsed[0] : null) as RouteGet | null;
  if (route === null || typeof route !== 'object' || typeof route.dev !== 'string') return null;
  return { dev: route.dev, gateway: typeof route.gateway === 'string' ? route.gateway : null };
}

/** The states of `ip -j -6 neigh show to ADDR dev DEV` output (e.g. ["FAILED"]); [] when there is no entry. */
export function parseNeighbourStates(stdout: string): string[] {
  try {
    const parsed: unknown = JSON.parse(stdout.trim() === '' ? '[]' : stdout);
    const entry = Array.isArray(parsed) ? (parsed[0] as { state?: unknown } | undefined) : undefined;
    return Array.isArray(entry?.state) ? entry.state.filter((state): state is string => typeof state === 'string') : [];
  } catch {
    return [];
  }
}

/** How `address` (one under the NAT64 prefix) is reached from this host, expected through `uplink`. */
/**
 * `boundToUplink`: the delivery sends out of the uplink whatever the routing table says (ingress
 * delivery's fwd, packet-socket's bound socket), so the route is looked up through the uplink: a VPN
 * that takes the host's IPv6 default route does not take the CLAT's packets.
 */
export async function inspectNat64Route(address: string, uplink: string, boundToUplink = false): Promise<Nat64RouteFinding> {
  const route = await runCommand('ip', ['-j', '-6', 'route', 'get', address, ...(boundToUplink ? ['oif', uplink] : [])], 3000);
  if (!route.ok) {
    // iproute2 reports the kernel's refusal as "RTNETLINK answers: <strerror>".
    const refusal = /RTNETLINK answers: (.+)/.exec(route.stderr);
    return refusal !== null ? { kind: 'no-route', address, reason: refusal[1].trim() } : { kind: 'unknown', address, reason: route.error };
  }
  const found = parseRouteGet(route.stdout);
  if (found === null) return { kind: 'unknown', address, reason: `ip -6 route get ${address}: no device in its answer` };
  if (found.dev !== uplink) return { kind: 'other-device', address, dev: found.dev, gateway: found.gateway };
  if (found.gateway !== null) {
    const neighbour = await runCommand('ip', ['-j', '-6', 'neigh', 'show', 'to', found.gateway, 'dev', found.dev], 3000);
    const states = neighbour.ok ? parseNeighbourStates(neighbour.stdout) : [];
    const silent = states.find((state) => state === 'FAILED' || state === 'INCOMPLETE');
    if (silent !== undefined) return { kind: 'router-silent', address, dev: found.dev, gateway: found.gateway, state: silent };
  }
  return { kind: 'routed', address, dev: found.dev, gateway: found.gateway };
}
