// The result of one ipv4only.arpa query (RFC 7050 §3), as whatever runs the query reports it, and the
// state machine input it becomes.

import type { PrefixResolvers } from '../api/status.js';
import type { Ipv6Prefix } from '../wire/address.js';
import type { DiscoveryInput } from './discovery-input.js';
import type { LinkResolverSource } from './link-resolvers.js';

export type DnsOutcome =
  /** The resolver answered: the prefixes found (empty: no DNS64 on this network) and the answer's TTL. */
  | { readonly ok: true; readonly prefixes: readonly Ipv6Prefix[]; readonly ttlS: number }
  /** No answer: timeout, SERVFAIL, no reachable server. */
  | { readonly ok: false; readonly error: string };

/**
 * Whom a query asks (link-resolvers.ts). RFC 8880 §7.1: the resolvers the network gave, which for an
 * IPv6-only link are the RDNSS of its RAs (RFC 8106), or those the host's network software learnt for
 * the link (NetworkManager, systemd-resolved: DHCPv6's among them); the host's own configuration
 * (/etc/resolv.conf, which may name a VPN's resolver or a local stub) only when the network named none.
 */
export type DnsResolvers =
  /** `addresses` as text, without zone; link-local ones belong to interface `ifindex`. */
  | { readonly source: 'ra' | LinkResolverSource; readonly ifindex: number; readonly addresses: readonly string[] }
  | { readonly source: 'host' };

/** Runs one query; never rejects (errors come back as `{ ok: false }`). */
export type Ipv4onlyArpaQuery = (resolvers: DnsResolvers) => Promise<DnsOutcome>;

/** What the status says of `resolvers`. */
export function prefixResolvers(resolvers: DnsResolvers): PrefixResolvers {
  return resolvers.source === 'host' ? { source: 'host' } : { source: resolvers.source, addresses: resolvers.addresses };
}

export function dnsOutcomeInput(outcome: DnsOutcome, queryId: number, atMs: number, resolvers?: PrefixResolvers): DiscoveryInput {
  return outcome.ok
    ? { kind: 'dns-answer', atMs, queryId, prefixes: outcome.prefixes, ttlS: outcome.ttlS, ...(resolvers === undefined ? {} : { resolvers }) }
    : { kind: 'dns-failure', atMs, queryId, error: outcome.error };
}
