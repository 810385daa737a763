// Which prefix is in effect. The rule: PREF64 from an RA first, then DNS64 (RFC 7050), then the
// manual prefix; and the status always says where the prefix came from and when it expires.

import type { Ipv6Prefix } from '../wire/address.js';
import { samePrefix } from './nat64-prefix.js';
import type { CurrentPrefix, DiscoveryState, RaPrefixEntry } from './prefix-state.js';

interface RaCandidate {
  readonly prefix: Ipv6Prefix;
  learnedAtMs: number;
  expiresAtMs: number;
}

/**
 * Among RA prefixes, the one learned last wins: a router that renumbers its NAT64 announces the new
 * prefix while the old one's lifetime runs down, and the new one is what it means. A prefix announced
 * by several routers counts from the first announcement to the last expiry. (RFC 8781 leaves the
 * choice among several prefixes to the host.)
 */
function selectRaPrefix(entries: readonly RaPrefixEntry[]): RaCandidate | null {
  const candidates: RaCandidate[] = [];
  for (const entry of entries) {
    const known = candidates.find((candidate) => samePrefix(candidate.prefix, entry.prefix));
    if (known === undefined) {
      candidates.push({ prefix: entry.prefix, learnedAtMs: entry.learnedAtMs, expiresAtMs: entry.expiresAtMs });
    } else {
      known.learnedAtMs = Math.min(known.learnedAtMs, entry.learnedAtMs);
      known.expiresAtMs = Math.max(known.expiresAtMs, entry.expiresAtMs);
    }
  }
  let best: RaCandidate | null = null;
  for (const candidate of candidates) {
    // Strictly later: of two learned at the same moment, the one announced first stays.
    if (best === null || candidate.learnedAtMs > best.learnedAtMs) best = candidate;
  }
  return best;
}

export function selectPrefix(state: Omit<DiscoveryState, 'current'>): CurrentPrefix {
  const ra = selectRaPrefix(state.ra);
  if (ra !== null) return { state: 'known', source: 'ra', ...ra };
  if (state.dns.state === 'found') {
    const { prefixes, learnedAtMs, expiresAtMs, resolvers } = state.dns;
    return { state: 'known', source: 'dns', prefix: prefixes[0], learnedAtMs, expiresAtMs, ...(resolvers === undefined ? {} : { resolvers }) };
  }
  if (state.manual !== null) {
    return { state: 'known', source: 'manual', prefix: state.manual.prefix, learnedAtMs: state.manual.setAtMs, expiresAtMs: null };
  }
  return { state: 'none' };
}

/** Same prefix in effect (or none in both): nothing for the translator to change. */
export function sameEffectivePrefix(a: CurrentPrefix, b: CurrentPrefix): boolean {
  if (a.state === 'none' || b.state === 'none') return a.state === b.state;
  return samePrefix(a.prefix, b.prefix);
}

export function sameCurrentPrefix(a: CurrentPrefix, b: CurrentPrefix): boolean {
  if (a.state === 'none' || b.state === 'none') return a.state === b.state;
  return (
    samePrefix(a.prefix, b.prefix) &&
    a.source === b.source &&
    a.learnedAtMs === b.learnedAtMs &&
    a.expiresAtMs === b.expiresAtMs &&
    JSON.stringify(a.resolvers) === JSON.stringify(b.resolvers)
  );
}
