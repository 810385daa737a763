// Whom RFC 7050 discovery asks (RFC 8880 §7.1: the resolvers the network provides, not whatever the
// host is configured with, which may be a VPN's resolver or a local stub): in order, the RDNSS of
// the uplink's RAs (RFC 8106), heard directly; then the link's resolvers as the host's network
// software knows them, which adds what came by DHCPv6 (OPTION_DNS_SERVERS, RFC 3646):
// NetworkManager's (`nmcli -g IP6.DNS device show DEV`) and systemd-resolved's for the link
// (`resolvectl dns DEV`); only then /etc/resolv.conf. Pure: the parsing of both tools' output and
// the choice; node/link-resolver-lookup.ts runs the tools.

import { formatIpv6, parseIpv6 } from '../wire/address.js';
import type { DnsResolvers } from './dns-outcome.js';

/** Who told us a link's resolvers, besides its RAs. */
export type LinkResolverSource = 'network-manager' | 'resolved';

export interface LinkResolverReport {
  readonly source: LinkResolverSource;
  /** IPv6 addresses as text, without zone, in the tool's order. */
  readonly addresses: readonly string[];
}

/**
 * The resolvers to ask on uplink `ifindex`: the RAs' RDNSS (`ra`, most recently announced first),
 * else the first report with addresses (NetworkManager's before systemd-resolved's, as the lookup
 * lists them), else the host's.
 */
export function chooseResolvers(ifindex: number | null, ra: readonly string[], reports: readonly LinkResolverReport[]): DnsResolvers {
  if (ifindex === null) return { source: 'host' };
  if (ra.length > 0) return { source: 'ra', ifindex, addresses: ra };
  const report = reports.find((candidate) => candidate.addresses.length > 0);
  return report === undefined ? { source: 'host' } : { source: report.source, ifindex, addresses: report.addresses };
}

/**
 * `nmcli -g IP6.DNS device show DEV`: terse values (nmcli(1): ':' and '\' escaped with '\'), several
 * in one field joined by " | ", or one a line.
 */
export function parseNmcliDns(text: string): string[] {
  return ipv6Only(text.split(/\n| \| /).map((value) => value.replace(/\\(.)/g, '$1').trim()));
}

/**
 * `resolvectl dns DEV`: "Link 2 (wlan0): 2001:db8::53 fe80::1%2#dns.example": after the link's
 * name, space-separated servers, each perhaps with a zone and a TLS server name.
 */
export function parseResolvectlDns(text: string): string[] {
  const servers = text.split('\n').flatMap((line) => {
    const colon = line.indexOf('): ');
    return colon < 0 ? [] : line.slice(colon + 3).split(/\s+/);
  });
  return ipv6Only(servers.map((server) => server.replace(/#.*$/, '').replace(/%.*$/, '')));
}

/**
 * The IPv6 addresses among `values`, canonical and each once. IPv4 resolvers are left out: on an
 * IPv6-only link they are reached only through the CLAT that discovery is about to start.
 */
function ipv6Only(values: readonly string[]): string[] {
  const addresses: string[] = [];
  for (const value of values) {
    const bytes = value === '' ? undefined : parseIpv6(value);
    if (bytes === undefined) continue;
    const text = formatIpv6(bytes);
    if (!addresses.includes(text)) addresses.push(text);
  }
  return addresses;
}
