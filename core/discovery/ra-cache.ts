// What the Router Advertisements of each interface said lately, kept whether a CLAT runs or not: the
// PREF64 prefixes (RFC 8781) with their lifetimes, the link's resolvers (RDNSS, RFC 8106), and the
// /64s offered for SLAAC (where the CLAT takes its address, at once on a new network). The
// engine feeds it every RA the host hears (the kernel's netlink relay, ra-cache-netlink.ts; the raw
// RA socket while a CLAT runs), so that `up` on a network whose last RA went by minutes ago can use
// the prefix at once, while it is still valid, instead of waiting for the next one (or for the
// answer to a Router Solicitation).
//
// Lifecycle of an entry: an RA adds or refreshes it (keyed by router and prefix, or by address) until
// heard + lifetime; a lifetime of 0 removes it at once (RFC 8781 §4, RFC 8106 §5.1); it is dropped
// when it expires, and with everything else of its interface when that interface loses its link
// (forget()): whatever network comes back may be another one. Bounded: a few entries per interface,
// a few dozen interfaces, so no link can make it grow without end. Standard-only: no clock, every
// call carries the time.

import { formatIpv6, type Ipv6Prefix } from '../wire/address.js';
import { samePrefix } from './nat64-prefix.js';
import type { Pref64Option } from './pref64-option.js';
import type { SlaacPrefix } from './prefix-information-option.js';
import type { Pref64Input } from './ra-discovery.js';
import type { RdnssOption } from './rdnss-option.js';

/** One Router Advertisement as heard on an interface, reduced to what the cache keeps. */
export interface HeardRa {
  readonly ifindex: number;
  readonly atMs: number;
  /** The router's address as text; null when the kernel did not say. */
  readonly router: string | null;
  readonly pref64: readonly Pref64Option[];
  readonly rdnss: readonly RdnssOption[];
  /** Only from RAs read whole (the raw socket): the kernel's relay leaves Prefix Information out. */
  readonly slaacPrefixes?: readonly SlaacPrefix[];
}

interface CachedPref64 {
  readonly prefix: Ipv6Prefix;
  readonly router: string | null;
  readonly heardAtMs: number;
  readonly lifetimeS: number;
  readonly expiresAtMs: number;
}

interface CachedResolver {
  /** The address as text (link-local ones without a zone: the interface is the entry's). */
  readonly address: string;
  readonly expiresAtMs: number;
}

interface CachedSlaacPrefix {
  readonly prefix: string;
  readonly expiresAtMs: number;
}

interface LinkKnowledge {
  pref64: CachedPref64[];
  resolvers: CachedResolver[];
  /** The most recently announced first. */
  slaacPrefixes: CachedSlaacPrefix[];
  lastHeardMs: number;
}

/** RFC 8106 §5.1: a lifetime of all ones means infinity. */
const infiniteLifetimeS = 0xffffffff;
const maxEntriesPerKind = 8;
const maxInterfaces = 32;

export class RaCache {
  readonly #links = new Map<number, LinkKnowledge>();

  /** Takes in what one RA said. */
  observe(ra: HeardRa): void {
    const slaac = ra.slaacPrefixes ?? [];
    if (ra.pref64.length === 0 && ra.rdnss.length === 0 && slaac.length === 0) return;
    const link = this.#link(ra.ifindex, ra.atMs);
    for (const option of ra.pref64) link.pref64 = withPref64(link.pref64, ra, option);
    for (const option of ra.rdnss) link.resolvers = withResolvers(link.resolvers, ra.atMs, option);
    for (const option of slaac) link.slaacPrefixes = withSlaacPrefix(link.slaacPrefixes, ra.atMs, option);
  }

  /** The interface lost its link (or is gone): what its RAs said described a network it may not be on. */
  forget(ifindex: number): void {
    this.#links.delete(ifindex);
  }

  /**
   * The PREF64 announcements of `ifindex` still valid at `nowMs`, as the prefix state machine's
   * inputs stamped with the time each was heard, so their expiry stays exactly what the router said.
   */
  pref64Inputs(ifindex: number, nowMs: number): Pref64Input[] {
    const link = this.#links.get(ifindex);
    if (link === undefined) return [];
    return link.pref64
      .filter((entry) => entry.expiresAtMs > nowMs)
      .map((entry) => ({ kind: 'pref64', atMs: entry.heardAtMs, ifindex, router: entry.router, prefix: entry.prefix, lifetimeS: entry.lifetimeS }));
  }

  /** The resolvers the RAs of `ifindex` gave that are still valid at `nowMs`, most recently announced first. */
  resolvers(ifindex: number, nowMs: number): string[] {
    const link = this.#links.get(ifindex);
    if (link === undefined) return [];
    return link.resolvers.filter((entry) => entry.expiresAtMs > nowMs).map((entry) => entry.address);
  }

  /**
   * The /64s the RAs of `ifindex` offered for SLAAC since it last gained its link, still valid at
   * `nowMs`, the most recently announced first (as "2001:db8:1:4::").
   */
  slaacPrefixes(ifindex: number, nowMs: number): string[] {
    const link = this.#links.get(ifindex);
    if (link === undefined) return [];
    return link.slaacPrefixes.filter((entry) => entry.expiresAtMs > nowMs).map((entry) => entry.prefix);
  }

  #link(ifindex: number, atMs: number): LinkKnowledge {
    let link = this.#links.get(ifindex);
    if (link === undefined) {
      if (this.#links.size >= maxInterfaces) this.#forgetLeastRecentlyHeard();
      link = { pref64: [], resolvers: [], slaacPrefixes: [], lastHeardMs: atMs };
      this.#links.set(ifindex, link);
    }
    link.lastHeardMs = Math.max(link.lastHeardMs, atMs);
    return link;
  }

  #forgetLeastRecentlyHeard(): void {
    let oldest: [number, number] | null = null;
    for (const [ifindex, link] of this.#links) {
      if (oldest === null || link.lastHeardMs < oldest[1]) oldest = [ifindex, link.lastHeardMs];
    }
    if (oldest !== null) this.#links.delete(oldest[0]);
  }
}

function withPref64(entries: CachedPref64[], ra: HeardRa, option: Pref64Option): CachedPref64[] {
  const live = entries.filter((entry) => entry.expiresAtMs > ra.atMs && !(entry.router === ra.router && samePrefix(entry.prefix, option.prefix)));
  // RFC 8781 §4: a lifetime of 0 means the prefix must no longer be used.
  if (option.lifetimeS <= 0) return live;
  const entry = { prefix: option.prefix, router: ra.router, heardAtMs: ra.atMs, lifetimeS: option.lifetimeS, expiresAtMs: ra.atMs + option.lifetimeS * 1000 };
  return keepLatest([...live, entry]);
}

function withResolvers(entries: CachedResolver[], atMs: number, option: RdnssOption): CachedResolver[] {
  const addresses = option.addresses.map((bytes) => formatIpv6(bytes));
  const live = entries.filter((entry) => entry.expiresAtMs > atMs && !addresses.includes(entry.address));
  // RFC 8106 §5.1: lifetime 0 means the addresses must no longer be used.
  if (option.lifetimeS <= 0) return live;
  const expiresAtMs = option.lifetimeS === infiniteLifetimeS ? Number.POSITIVE_INFINITY : atMs + option.lifetimeS * 1000;
  // The latest announcement first, in the router's order (RFC 8106 §5.3.1: its preference).
  return [...addresses.map((address) => ({ address, expiresAtMs })), ...live].slice(0, maxEntriesPerKind);
}

function withSlaacPrefix(entries: CachedSlaacPrefix[], atMs: number, option: SlaacPrefix): CachedSlaacPrefix[] {
  const live = entries.filter((entry) => entry.expiresAtMs > atMs && entry.prefix !== option.prefix);
  // A valid lifetime of 0: the router withdraws the prefix (renumbering, RFC 4862 §5.5.3 e); no new CLAT address there.
  if (option.validLifetimeS <= 0) return live;
  const expiresAtMs = option.validLifetimeS === infiniteLifetimeS ? Number.POSITIVE_INFINITY : atMs + option.validLifetimeS * 1000;
  return [{ prefix: option.prefix, expiresAtMs }, ...live].slice(0, maxEntriesPerKind);
}

/** At most maxEntriesPerKind, the most recently heard kept (the list is in the order heard). */
function keepLatest(entries: CachedPref64[]): CachedPref64[] {
  return entries.length <= maxEntriesPerKind ? entries : entries.slice(entries.length - maxEntriesPerKind);
}
