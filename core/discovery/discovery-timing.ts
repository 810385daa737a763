// When the discovery state machine asks DNS again. RFC 7050 §3 makes an answer valid for its TTL and
// asks for re-validation when it runs out; the numbers below are Clatter's choices within that.

export interface DiscoveryTiming {
  /** A shorter TTL is read as this long, so a TTL of 0 or 1 s cannot make us query in a loop. */
  readonly dnsMinTtlMs: number;
  /** Ask again this long before the TTL runs out, so a healthy network never loses its prefix. */
  readonly dnsRequeryLeadMs: number;
  /** First retry after a failed query; each further failure doubles it up to `dnsRetryMaxMs`. */
  readonly dnsRetryInitialMs: number;
  readonly dnsRetryMaxMs: number;
  /** After an answer without a NAT64 prefix (no DNS64 on this network), ask again after this. */
  readonly dnsAbsentRequeryMs: number;
}

export const defaultDiscoveryTiming: DiscoveryTiming = {
  dnsMinTtlMs: 60_000,
  dnsRequeryLeadMs: 10_000,
  dnsRetryInitialMs: 1_000,
  dnsRetryMaxMs: 300_000,
  dnsAbsentRequeryMs: 300_000,
};

/** The wait before retrying after `failures` failed queries in a row (1, 2, …): exponential backoff. */
export function dnsRetryDelayMs(failures: number, timing: DiscoveryTiming): number {
  const doublings = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(timing.dnsRetryInitialMs * 2 ** doublings, timing.dnsRetryMaxMs);
}

/** How long an answer with `ttlS` stays valid, and when to ask again (relative to the answer). */
export function dnsAnswerTimesMs(ttlS: number, timing: DiscoveryTiming): { validMs: number; requeryAfterMs: number } {
  const validMs = Math.max(ttlS * 1000, timing.dnsMinTtlMs);
  return { validMs, requeryAfterMs: validMs - Math.min(timing.dnsRequeryLeadMs, validMs / 2) };
}
