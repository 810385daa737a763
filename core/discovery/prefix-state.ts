// What the prefix state machine knows: per source, what it was told and until when, and the prefix in
// effect. Plain data (no classes, no timers), so it can be logged, compared and sent to the UI.

import type { PrefixInfo, PrefixResolvers, PrefixSource } from '../api/status.js';
import { formatIpv6Prefix, type Ipv6Prefix } from '../wire/address.js';

export type { PrefixSource };

/** One prefix from one router: keyed by both, so one router withdrawing a prefix leaves another's announcement standing. */
export interface RaPrefixEntry {
  readonly prefix: Ipv6Prefix;
  /** The router's address as text; null when the source of the option is unknown. */
  readonly router: string | null;
  readonly learnedAtMs: number;
  readonly expiresAtMs: number;
}

export type DnsKnowledge =
  | { readonly state: 'unknown' }
  /** RFC 7050 §3: the prefixes of the last answer (the first one is used), valid until its TTL runs out. */
  | {
      readonly state: 'found';
      readonly prefixes: readonly Ipv6Prefix[];
      readonly learnedAtMs: number;
      readonly expiresAtMs: number;
      /** Who answered. */
      readonly resolvers?: PrefixResolvers;
    }
  /** The resolver answered, but with no NAT64 prefix: this network has no DNS64. */
  | { readonly state: 'absent'; readonly answeredAtMs: number };

export type DnsQueryState =
  | { readonly state: 'disabled' }
  /** The next query is due at `dueAtMs`; `failures` counts failed queries in a row (for the backoff). */
  | { readonly state: 'waiting'; readonly dueAtMs: number; readonly failures: number; readonly lastError: string | null }
  | { readonly state: 'in-flight'; readonly queryId: number; readonly sinceMs: number; readonly failures: number; readonly lastError: string | null };

export interface ManualPrefix {
  readonly prefix: Ipv6Prefix;
  readonly setAtMs: number;
}

export type CurrentPrefix =
  | { readonly state: 'none' }
  | {
      readonly state: 'known';
      readonly prefix: Ipv6Prefix;
      readonly source: PrefixSource;
      readonly learnedAtMs: number;
      /** When it stops being valid unless refreshed; null for a manual prefix. */
      readonly expiresAtMs: number | null;
      /** From DNS64: the resolvers that answered. */
      readonly resolvers?: PrefixResolvers;
    };

export interface DiscoveryState {
  /** RA options from other interfaces are ignored; null: no uplink chosen, every interface counts. */
  readonly uplinkIfindex: number | null;
  readonly ra: readonly RaPrefixEntry[];
  readonly dns: DnsKnowledge;
  readonly dnsQuery: DnsQueryState;
  /** The id given to the last query started; answers quoting another id are stale. */
  readonly lastDnsQueryId: number;
  readonly manual: ManualPrefix | null;
  /** Derived from the rest: priority RA, then DNS, then manual. */
  readonly current: CurrentPrefix;
}

export interface InitialDiscoveryOptions {
  readonly uplinkIfindex?: number | null;
  /** False: never ask DNS (RA and manual only). */
  readonly dnsEnabled?: boolean;
  /** When the first DNS query is due (usually now). */
  readonly nowMs: number;
}

export function initialDiscoveryState(options: InitialDiscoveryOptions): DiscoveryState {
  return {
    uplinkIfindex: options.uplinkIfindex ?? null,
    ra: [],
    dns: { state: 'unknown' },
    dnsQuery: options.dnsEnabled === false
      ? { state: 'disabled' }
      : { state: 'waiting', dueAtMs: options.nowMs, failures: 0, lastError: null },
    lastDnsQueryId: 0,
    manual: null,
    current: { state: 'none' },
  };
}

/** The engine's status contract (core/api/status.ts) for the prefix in effect, or null without one. */
export function toPrefixInfo(current: CurrentPrefix & { readonly state: 'known' }): PrefixInfo;
export function toPrefixInfo(current: CurrentPrefix): PrefixInfo | null;
export function toPrefixInfo(current: CurrentPrefix): PrefixInfo | null {
  if (current.state === 'none') return null;
  return {
    prefix: formatIpv6Prefix(current.prefix),
    source: current.source,
    learnedAtMs: current.learnedAtMs,
    expiresAtMs: current.expiresAtMs,
    ...(current.resolvers === undefined ? {} : { resolvers: current.resolvers }),
  };
}
