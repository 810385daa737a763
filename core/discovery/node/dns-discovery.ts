// RFC 7050 discovery through the host's resolver: an AAAA query for ipv4only.arpa with node:dns
// (c-ares, configured from /etc/resolv.conf unless servers are given), and the prefixes found in the
// answer. One call, one query: the state machine decides when to ask again.

import { Resolver } from 'node:dns/promises';
import { parseIpv6 } from '../../wire/address.js';
import type { DnsOutcome, Ipv4onlyArpaQuery } from '../dns-outcome.js';
import { ipv4onlyArpa, prefixFromIpv4onlyArpa } from '../ipv4only-arpa.js';

export interface DnsDiscoveryOptions {
  /** Resolver addresses ("127.0.0.1:5353", "[2001:db8::53]"); default: the host's (/etc/resolv.conf). */
  readonly servers?: readonly string[];
  /** The whole query, retries included, gives up after this long. */
  readonly timeoutMs?: number;
  /** c-ares attempts per server, each waiting up to timeoutMs / tries. */
  readonly tries?: number;
}

/** Error codes that are answers: the name has no AAAA (no DNS64 synthesizes one) or does not exist. */
const negativeAnswerCodes = new Set(['ENODATA', 'ENOTFOUND']);

async function resolveIpv4onlyArpa(resolver: Resolver): Promise<DnsOutcome> {
  try {
    const records = await resolver.resolve6(ipv4onlyArpa, { ttl: true });
    const addresses: Uint8Array[] = [];
    for (const record of records) {
      const address = parseIpv6(record.address);
      if (address !== undefined) addresses.push(address);
    }
    const ttlS = records.length === 0 ? 0 : Math.min(...records.map((record) => record.ttl));
    return { ok: true, prefixes: prefixFromIpv4onlyArpa(addresses), ttlS };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && negativeAnswerCodes.has(code)) return { ok: true, prefixes: [], ttlS: 0 };
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** A query function for the DiscoveryService; each call asks once and never rejects. */
export function dnsDiscovery(options: DnsDiscoveryOptions = {}): Ipv4onlyArpaQuery {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const tries = options.tries ?? 2;
  return async () => {
    // A fresh resolver per query reads /etc/resolv.conf again: after a network change it has new servers.
    const resolver = new Resolver({ timeout: Math.max(1, Math.floor(timeoutMs / tries)), tries });
    if (options.servers !== undefined) resolver.setServers([...options.servers]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<DnsOutcome>((resolve) => {
      timer = setTimeout(() => {
        resolver.cancel();
        resolve({ ok: false, error: `no answer for ${ipv4onlyArpa} within ${timeoutMs} ms` });
      }, timeoutMs);
    });
    try {
      return await Promise.race([resolveIpv4onlyArpa(resolver), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  };
}
