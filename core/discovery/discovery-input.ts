// What the prefix state machine hears. Every input carries the time it happened at (milliseconds on
// the caller's clock): the machine has no clock and no timers of its own.

import type { PrefixResolvers } from '../api/status.js';
import type { Ipv6Prefix } from '../wire/address.js';

export type DiscoveryInput =
  /** A PREF64 option (RFC 8781) from an RA `router` (text; null if unknown) received on `ifindex`. */
  | {
      readonly kind: 'pref64';
      readonly atMs: number;
      readonly ifindex: number;
      readonly router: string | null;
      readonly prefix: Ipv6Prefix;
      readonly lifetimeS: number;
    }
  /** The caller sent the ipv4only.arpa query the machine asked for; the answer must quote `queryId`. */
  | { readonly kind: 'dns-query-started'; readonly atMs: number }
  /** RFC 7050 §3: the prefixes found in the AAAA answer (empty: no DNS64 here) and the answer's TTL. */
  | {
      readonly kind: 'dns-answer';
      readonly atMs: number;
      readonly queryId: number;
      readonly prefixes: readonly Ipv6Prefix[];
      readonly ttlS: number;
      /** Who answered, for the status. */
      readonly resolvers?: PrefixResolvers;
    }
  /**
   * The resolvers to ask changed (the uplink's RAs named new ones): what the last query learned came
   * from others (RFC 8880 §7.1), so ask again now; what it found stays valid meanwhile.
   */
  | { readonly kind: 'dns-resolvers-changed'; readonly atMs: number }
  /** The query failed (timeout, SERVFAIL, no server): try again later with backoff. */
  | { readonly kind: 'dns-failure'; readonly atMs: number; readonly queryId: number; readonly error: string }
  /** The user's prefix, used when neither RA nor DNS gives one. Must pass checkNat64Prefix. */
  | { readonly kind: 'manual-set'; readonly atMs: number; readonly prefix: Ipv6Prefix }
  | { readonly kind: 'manual-clear'; readonly atMs: number }
  /** A new network (another interface, or the same one reconnected): what RA and DNS said is void. */
  | { readonly kind: 'uplink-change'; readonly atMs: number; readonly ifindex: number | null }
  /** Time passed: lifetimes and TTLs may have run out. */
  | { readonly kind: 'tick'; readonly atMs: number };
