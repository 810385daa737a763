// RFC 7050 discovery: an AAAA query for ipv4only.arpa, and the prefixes found in the answer. Whom it
// asks is the caller's choice (DnsResolvers, RFC 8880 §7.1): the uplink's resolvers (its RAs' RDNSS,
// or what NetworkManager or systemd-resolved know of the link), asked over UDP by our own client
// (resolver-query.ts: link-local ones need their zone), or else the host's, through node:dns
// (c-ares, configured from /etc/resolv.conf unless servers are given).
// One call, one query: the state machine decides when to ask again.

import { Resolver } from 'node:dns/promises';
import { interfaceName } from '../../host/host-inspect.js';
import { parseIpv6 } from '../../wire/address.js';
import type { DnsOutcome, DnsResolvers, Ipv4onlyArpaQuery } from '../dns-outcome.js';
import { ipv4onlyArpa, prefixFromIpv4onlyArpa } from '../ipv4only-arpa.js';
import { queryResolvers } from './resolver-query.js';

export interface DnsDiscoveryOptions {
  /**
   * The host's resolvers, used when the network names none ("127.0.0.1:5353", "[2001:db8::53]");
   * default: /etc/resolv.conf.
   */
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

type LinkResolvers = Exclude<DnsResolvers, { source: 'host' }>;

/** The link's resolver addresses as a socket wants them: link-local ones with their interface as zone. */
function scoped(resolvers: LinkResolvers): string[] {
  const zone = interfaceName(resolvers.ifindex);
  return resolvers.addresses.flatMap((address) => {
    const bytes = parseIpv6(address);
    const linkLocal = bytes !== undefined && bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80;
    if (!linkLocal) return [address];
    return zone === null ? [] : [`${address}%${zone}`];
  });
}

async function askLinkResolvers(resolvers: LinkResolvers, timeoutMs: number, tries: number): Promise<DnsOutcome> {
  const reply = await queryResolvers({ servers: scoped(resolvers), timeoutMs, tries });
  return reply.ok ? { ok: true, prefixes: prefixFromIpv4onlyArpa(reply.addresses), ttlS: reply.ttlS } : reply;
}

/** A query function for the DiscoveryService; each call asks once and never rejects. */
export function dnsDiscovery(options: DnsDiscoveryOptions = {}): Ipv4onlyArpaQuery {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const tries = options.tries ?? 2;
  return async (resolvers?: DnsResolvers) => {
    if (resolvers !== undefined && resolvers.source !== 'host') return askLinkResolvers(resolvers, timeoutMs, tries);
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
