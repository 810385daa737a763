// The NAT64 prefix state machine: a pure reducer from (state, input) to the next state, with no clock
// and no timers. Its caller (core/discovery/node/discovery-service.ts, or a test) feeds it inputs
// stamped with the time, asks nextWakeAtMs() when to come back with a 'tick', starts a DNS query when
// dnsQueryIsDue() says so (reporting 'dns-query-started' first to get the id the answer must quote),
// and reconfigures the translator when a step reports prefixChanged.
//
// Lifecycle of the knowledge it keeps:
//   RA     a PREF64 option adds or refreshes (router, prefix) until now + lifetime; lifetime 0 removes
//          it at once (RFC 8781 §4: the prefix must no longer be used); expiry removes it.
//   DNS    waiting → (query started) in-flight → answer: 'found' until the TTL runs out, next query a
//          little before that (RFC 7050 §3); or 'absent' (no DNS64), asked again later; or failure:
//          retried with exponential backoff while what was found stays valid until its own expiry.
//   manual set and cleared by the user only; never expires.
//   uplink change forgets RA and DNS knowledge (they described the old network) and queries DNS now.
//   resolvers  new resolvers from the uplink's RAs (RFC 8880 §7.1) make a query due now; what the
//          last answer found stays valid until the new answer replaces it or its TTL runs out.

import { checkNat64Prefix, samePrefix } from './nat64-prefix.js';
import type { DiscoveryInput } from './discovery-input.js';
import { defaultDiscoveryTiming, dnsAnswerTimesMs, dnsRetryDelayMs, type DiscoveryTiming } from './discovery-timing.js';
import type { DiscoveryState, DnsKnowledge, RaPrefixEntry } from './prefix-state.js';
import { sameCurrentPrefix, sameEffectivePrefix, selectPrefix } from './select-prefix.js';

export interface DiscoveryStep {
  readonly state: DiscoveryState;
  /** The prefix in effect (or its absence) differs from before: the translator must be reconfigured. */
  readonly prefixChanged: boolean;
  /** Anything in `state.current` differs (also source, learned or expiry time): the status changed. */
  readonly currentChanged: boolean;
}

type Knowledge = Omit<DiscoveryState, 'current'>;

/** Drops RA entries and the DNS answer whose time ran out by `nowMs`. */
function forgetExpired(state: Knowledge, nowMs: number): Knowledge {
  const ra = state.ra.filter((entry) => entry.expiresAtMs > nowMs);
  const dnsExpired = state.dns.state === 'found' && state.dns.expiresAtMs <= nowMs;
  if (ra.length === state.ra.length && !dnsExpired) return state;
  return { ...state, ra, dns: dnsExpired ? { state: 'unknown' } : state.dns };
}

function observePref64(state: Knowledge, input: Extract<DiscoveryInput, { kind: 'pref64' }>): Knowledge {
  if (state.uplinkIfindex !== null && input.ifindex !== state.uplinkIfindex) return state;
  if (!checkNat64Prefix(input.prefix).ok) return state;
  const isSame = (entry: RaPrefixEntry) => entry.router === input.router && samePrefix(entry.prefix, input.prefix);
  const known = state.ra.find(isSame);
  // RFC 8781 §4: a lifetime of 0 means the prefix must no longer be used.
  if (input.lifetimeS <= 0) return known === undefined ? state : { ...state, ra: state.ra.filter((entry) => entry !== known) };
  const expiresAtMs = input.atMs + input.lifetimeS * 1000;
  if (known !== undefined) {
    // A refresh: the entry keeps its place and the time it was first learned.
    return { ...state, ra: state.ra.map((entry) => (entry === known ? { ...entry, expiresAtMs } : entry)) };
  }
  const entry: RaPrefixEntry = { prefix: input.prefix, router: input.router, learnedAtMs: input.atMs, expiresAtMs };
  return { ...state, ra: [...state.ra, entry] };
}

function startDnsQuery(state: Knowledge, atMs: number): Knowledge {
  if (state.dnsQuery.state === 'disabled') return state;
  const queryId = state.lastDnsQueryId + 1;
  const { failures, lastError } = state.dnsQuery;
  return { ...state, lastDnsQueryId: queryId, dnsQuery: { state: 'in-flight', queryId, sinceMs: atMs, failures, lastError } };
}

function isAwaited(state: Knowledge, queryId: number): boolean {
  return state.dnsQuery.state === 'in-flight' && state.dnsQuery.queryId === queryId;
}

function answerDns(state: Knowledge, input: Extract<DiscoveryInput, { kind: 'dns-answer' }>, timing: DiscoveryTiming): Knowledge {
  if (!isAwaited(state, input.queryId)) return state;
  const prefixes = input.prefixes.filter((prefix) => checkNat64Prefix(prefix).ok);
  if (prefixes.length === 0) {
    return {
      ...state,
      dns: { state: 'absent', answeredAtMs: input.atMs },
      dnsQuery: { state: 'waiting', dueAtMs: input.atMs + timing.dnsAbsentRequeryMs, failures: 0, lastError: null },
    };
  }
  const { validMs, requeryAfterMs } = dnsAnswerTimesMs(input.ttlS, timing);
  const previous = state.dns;
  const unchanged = previous.state === 'found' && samePrefix(previous.prefixes[0], prefixes[0]);
  const dns: DnsKnowledge = {
    state: 'found',
    prefixes,
    learnedAtMs: unchanged ? previous.learnedAtMs : input.atMs,
    expiresAtMs: input.atMs + validMs,
    ...(input.resolvers === undefined ? {} : { resolvers: input.resolvers }),
  };
  return { ...state, dns, dnsQuery: { state: 'waiting', dueAtMs: input.atMs + requeryAfterMs, failures: 0, lastError: null } };
}

function failDns(state: Knowledge, input: Extract<DiscoveryInput, { kind: 'dns-failure' }>, timing: DiscoveryTiming): Knowledge {
  const query = state.dnsQuery;
  if (query.state !== 'in-flight' || query.queryId !== input.queryId) return state;
  const failures = query.failures + 1;
  const dueAtMs = input.atMs + dnsRetryDelayMs(failures, timing);
  return { ...state, dnsQuery: { state: 'waiting', dueAtMs, failures, lastError: input.error } };
}

function askAgain(state: Knowledge, atMs: number): Knowledge {
  if (state.dnsQuery.state === 'disabled') return state;
  // A query in flight asked the old resolvers: the new one's id makes its answer stale.
  return { ...state, dnsQuery: { state: 'waiting', dueAtMs: atMs, failures: 0, lastError: null } };
}

function changeUplink(state: Knowledge, input: Extract<DiscoveryInput, { kind: 'uplink-change' }>): Knowledge {
  return {
    ...state,
    uplinkIfindex: input.ifindex,
    ra: [],
    dns: { state: 'unknown' },
    // A query in flight asked the old network: its id no longer matches, so its answer is dropped.
    dnsQuery: state.dnsQuery.state === 'disabled'
      ? state.dnsQuery
      : { state: 'waiting', dueAtMs: input.atMs, failures: 0, lastError: null },
  };
}

function apply(state: Knowledge, input: DiscoveryInput, timing: DiscoveryTiming): Knowledge {
  switch (input.kind) {
    case 'pref64':
      return observePref64(state, input);
    case 'dns-query-started':
      return startDnsQuery(state, input.atMs);
    case 'dns-answer':
      return answerDns(state, input, timing);
    case 'dns-failure':
      return failDns(state, input, timing);
    case 'dns-resolvers-changed':
      return askAgain(state, input.atMs);
    case 'manual-set': {
      if (!checkNat64Prefix(input.prefix).ok) return state;
      if (state.manual !== null && samePrefix(state.manual.prefix, input.prefix)) return state;
      return { ...state, manual: { prefix: input.prefix, setAtMs: input.atMs } };
    }
    case 'manual-clear':
      return state.manual === null ? state : { ...state, manual: null };
    case 'uplink-change':
      return changeUplink(state, input);
    case 'tick':
      return state;
  }
}

/**
 * The state after `input`. Knowledge that expired by `input.atMs` is dropped first, so a caller that
 * is late with its tick still gets the right answer. Inputs the machine cannot use (an RA option from
 * another interface, an invalid prefix, a stale DNS answer) leave the state as it was.
 */
export function stepDiscovery(state: DiscoveryState, input: DiscoveryInput, timing: DiscoveryTiming = defaultDiscoveryTiming): DiscoveryStep {
  const { current: previous, ...knowledge } = state;
  const next = apply(forgetExpired(knowledge, input.atMs), input, timing);
  const current = selectPrefix(next);
  const currentChanged = !sameCurrentPrefix(previous, current);
  return {
    state: { ...next, current: currentChanged ? current : previous },
    prefixChanged: !sameEffectivePrefix(previous, current),
    currentChanged,
  };
}

/** The earliest time something changes by itself: an expiry, or a DNS query falling due. Null: never. */
export function nextWakeAtMs(state: DiscoveryState): number | null {
  const times: number[] = state.ra.map((entry) => entry.expiresAtMs);
  if (state.dns.state === 'found') times.push(state.dns.expiresAtMs);
  if (state.dnsQuery.state === 'waiting') times.push(state.dnsQuery.dueAtMs);
  return times.length === 0 ? null : Math.min(...times);
}

export function dnsQueryIsDue(state: DiscoveryState, nowMs: number): boolean {
  return state.dnsQuery.state === 'waiting' && state.dnsQuery.dueAtMs <= nowMs;
}
