// What the engine reports about the CLAT: one discriminated union, shared by the CLI, the
// desktop shell and the UI. Addresses are text; times are milliseconds since the epoch.

import type { DropReasonName } from './counters.js';

export type PrefixSource = 'ra' | 'dns' | 'manual';

/** Where a prefix came from, in words (`clatter status`, the UI's prefix card): "… from <name>". */
export const prefixSourceNames: Readonly<Record<PrefixSource, string>> = {
  ra: 'Router Advertisement (PREF64, RFC 8781)',
  dns: 'DNS64 (ipv4only.arpa, RFC 7050)',
  manual: 'a manual setting (--prefix)',
};

/** The resolvers an RFC 7050 (DNS64) answer came from. */
export type PrefixResolvers =
  /**
   * The network's own, as RFC 8880 §7.1 asks: the RDNSS of the uplink's RAs (RFC 8106), or, where the
   * RAs named none, the uplink's resolvers as NetworkManager or systemd-resolved know them (DHCPv6's).
   */
  | { readonly source: 'ra' | 'network-manager' | 'resolved'; readonly addresses: readonly string[] }
  /** The host's (/etc/resolv.conf): the network named none. */
  | { readonly source: 'host' };

export interface PrefixInfo {
  /** The NAT64 prefix, e.g. "2001:db8:64::/96". */
  readonly prefix: string;
  readonly source: PrefixSource;
  readonly learnedAtMs: number;
  /** When it stops being valid unless refreshed; null for a manual prefix. */
  readonly expiresAtMs: number | null;
  /** For a prefix from DNS64: which resolvers answered. */
  readonly resolvers?: PrefixResolvers;
}

/**
 * How the CLAT's IPv6 packets reach the engine (see core/host/host-setup.ts):
 * - ingress: its own address in the uplink's SLAAC /64, moved between the uplink and the TUN at the
 *   two devices' ingress (nftables netdev `fwd`), before any firewall's hook; the default;
 * - force-forwarding: its own address in the uplink's SLAAC /64, forwarded into the TUN (Linux 6.17+);
 * - packet-socket: the same address, read with a packet socket and sent with a raw socket (older kernels);
 * - nat66: no SLAAC /64 (a DHCPv6 /128 only): a private address behind the kernel's NAT66 to the
 *   host's own address (Linux 6.17+).
 */
export type DeliveryMode = 'ingress' | 'force-forwarding' | 'packet-socket' | 'nat66';

export interface ClatCounters {
  /** Packets translated IPv4 → IPv6 and IPv6 → IPv4. */
  readonly translated46: number;
  readonly translated64: number;
  readonly bytes46: number;
  readonly bytes64: number;
  /** Super-packets handled whole with TUN offloads (DirectionCounters.superPackets), each way. */
  readonly superPackets46: number;
  readonly superPackets64: number;
  /** Packets not translated, by reason (core/api/counters.ts dropReasonTable). */
  readonly dropped: Partial<Record<DropReasonName, number>>;
}

/** What may keep replies from arriving, in the order to suspect them (core/engine/likely-causes.ts). */
export type LikelyCauseKind = 'firewall' | 'nat64' | 'prefix';

export interface LikelyCause {
  readonly kind: LikelyCauseKind;
  /** One line for people: what to suspect, and what was found of it. */
  readonly text: string;
  /**
   * Something specific points to it (a firewall rule that drops the CLAT's packets, no route to
   * the NAT64, a prefix past its lifetime); false: only a possibility nothing here could confirm.
   */
  readonly found: boolean;
}

/**
 * Whether replies come back through the CLAT (core/observe/reply-health.ts). `no-replies`: requests
 * that expect an answer (TCP SYN, ICMP echo) went to several destinations and stayed unanswered for
 * seconds while nothing at all came back; it clears with the next packet that comes back.
 */
export type ReplyHealth =
  | { readonly state: 'ok' }
  | {
      readonly state: 'no-replies';
      /** The first of the unanswered requests. */
      readonly sinceMs: number;
      /** Their IPv4 destinations, the earliest first. */
      readonly unansweredDestinations: readonly string[];
      /** Requests (SYNs and echo requests, retransmissions included) sent to them since. */
      readonly unansweredRequests: number;
      /** The likely causes in the order to suspect them: firewall, NAT64, prefix. */
      readonly causes: readonly LikelyCause[];
    };

export interface RunningClat {
  readonly uplink: string;
  readonly tun: string;
  readonly clatIpv4: string;
  readonly clatIpv6: string;
  readonly prefix: PrefixInfo;
  /** MTU of the IPv4 default route through the CLAT. */
  readonly mtu: number;
  readonly delivery: DeliveryMode;
  /** TUN offloads in use (csum, tso4, tso6, uso4, uso6); absent or empty: none (`--offload off`, packet-socket delivery). */
  readonly offloads?: readonly string[];
  /** Worker threads translating, one per TUN queue (`--workers`); absent or 0: the engine's main thread. */
  readonly workers?: number;
  /**
   * Translations by the workers (a super-packet counts once) that flows and traces did not see:
   * the main thread, which observes, fell behind and the workers went on without waiting
   * (core/observe/observation-ring.ts).
   */
  readonly unobserved?: number;
  /**
   * RFC 1918 destinations are translated under 64:ff9b::/96 (`clatter engine --allow-private-wkp`,
   * draft-ietf-v6ops-nat64-wkp-1918); absent or false: refused, as RFC 6052 §3.1 says.
   */
  readonly allowPrivateWkp?: boolean;
  readonly sinceMs: number;
  /** Whether replies are arriving; absent from engines without the check. */
  readonly health?: ReplyHealth;
}

/** What every state says. */
interface StatusCommon {
  readonly mode: 'manual' | 'auto';
  /**
   * Auto mode: why the CLAT is on or off ("on: no native IPv4; not native IPv4: default via … dev
   * wg0: a wireguard tunnel whose endpoint is not known …"); absent in manual mode.
   */
  readonly auto?: string;
}

export type ClatStatus =
  | ({ readonly state: 'off'; readonly reason?: string } & StatusCommon)
  | ({ readonly state: 'discovering'; readonly uplink: string; readonly sinceMs: number } & StatusCommon)
  | ({ readonly state: 'running'; readonly counters: ClatCounters } & RunningClat & StatusCommon)
  | ({ readonly state: 'error'; readonly cause: string; readonly uplink?: string } & StatusCommon);

/** On means the engine is working on it (looking for a prefix) or translating. */
export function statusIsOn(status: ClatStatus): boolean {
  return status.state === 'running' || status.state === 'discovering';
}

/** Where a CLAT switch is drawn (the tray's, the window's): the request in flight, else the engine's word. */
export function switchShowsOn(pending: 'on' | 'off' | null, status: ClatStatus | null): boolean {
  if (pending !== null) return pending === 'on';
  return status !== null && statusIsOn(status);
}
