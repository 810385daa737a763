// The result of one ipv4only.arpa query (RFC 7050 §3), as whatever runs the query reports it, and the
// state machine input it becomes.

import type { Ipv6Prefix } from '../wire/address.js';
import type { DiscoveryInput } from './discovery-input.js';

export type DnsOutcome =
  /** The resolver answered: the prefixes found (empty: no DNS64 on this network) and the answer's TTL. */
  | { readonly ok: true; readonly prefixes: readonly Ipv6Prefix[]; readonly ttlS: number }
  /** No answer: timeout, SERVFAIL, no reachable server. */
  | { readonly ok: false; readonly error: string };

/** Runs one query; never rejects (errors come back as `{ ok: false }`). */
export type Ipv4onlyArpaQuery = () => Promise<DnsOutcome>;

export function dnsOutcomeInput(outcome: DnsOutcome, queryId: number, atMs: number): DiscoveryInput {
  return outcome.ok
    ? { kind: 'dns-answer', atMs, queryId, prefixes: outcome.prefixes, ttlS: outcome.ttlS }
    : { kind: 'dns-failure', atMs, queryId, error: outcome.error };
}
