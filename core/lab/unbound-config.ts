// unbound's configuration: the ISP's DNS64 resolver (RFC 6147). It knows two zones only, served
// from auth-zone blocks "for upstream", i.e. as if fetched by the iterator, so that its dns64 module
// sees them and synthesises AAAA records from their A records:
//   ipv4only.arpa.  A 192.0.0.170, 192.0.0.171   (RFC 7050 §2.2: the name a host asks to learn the prefix)
//   example.        server.example. A 203.0.113.10, ns/dns.example. A 198.51.100.53
// Everything else is refused at once rather than sent to root servers that cannot be reached.
// It listens on the router's IPv6 address (the host's RDNSS) and on 198.51.100.53, so that IPv4-only
// clients, and the host's IPv4 applications through a CLAT, can ask it too.
//
// Options for the lab's variants: `ipv4onlyArpa: false` leaves ipv4only.arpa without its A records,
// so DNS64 synthesizes nothing for it and PREF64 is the network's only word on the NAT64 prefix
// (RFC 7050 discovery finds none); `role: 'plain'` is a second resolver without DNS64, on its own
// address, standing for one a host may be configured with that is not the network's (a VPN's, a
// public one): it answers, but never with a synthesized AAAA.

import { topology } from './topology.js';

export interface UnboundFiles {
  readonly config: string;
  readonly zones: readonly { readonly name: string; readonly fileName: string; readonly text: string }[];
}

const ttlSeconds = 60;

function zoneFile(origin: string, records: readonly string[]): string {
  return [
    `$ORIGIN ${origin}`,
    `$TTL ${ttlSeconds}`,
    `@ IN SOA ns.example. hostmaster.example. 1 3600 600 86400 ${ttlSeconds}`,
    '@ IN NS ns.example.',
    ...records,
    '',
  ].join('\n');
}

export interface UnboundOptions {
  /** `dns64` (default): the ISP's DNS64. `plain`: a resolver without DNS64 on isp.plainDnsIpv6. */
  readonly role?: 'dns64' | 'plain';
  /** The A records of ipv4only.arpa (RFC 7050 §2.2); default true. */
  readonly ipv4onlyArpa?: boolean;
}

/** The configuration, with paths under `dir` (pid file, zone files). */
export function unboundFiles(dir: string, options: UnboundOptions = {}): UnboundFiles {
  const { isp, server, ipv4onlyArpa } = topology;
  const plain = options.role === 'plain';
  const name = plain ? 'unbound-plain' : 'unbound';
  const wellKnown = options.ipv4onlyArpa === false ? [] : ipv4onlyArpa.addresses.map((address) => `@ IN A ${address}`);
  const zones = [
    {
      name: ipv4onlyArpa.name,
      fileName: `${name}-ipv4only.arpa.zone`,
      text: zoneFile(ipv4onlyArpa.name, wellKnown),
    },
    {
      name: 'example.',
      fileName: `${name}-example.zone`,
      text: zoneFile('example.', [`${server.name} IN A ${server.ipv4}`, `ns IN A ${isp.dnsIpv4}`, `dns IN A ${isp.dnsIpv4}`]),
    },
  ];
  const interfaces = plain ? [isp.plainDnsIpv6] : [isp.ipv6, isp.dnsIpv4];
  const modules = plain ? '  module-config: "iterator"' : `  module-config: "dns64 iterator"
  dns64-prefix: ${isp.dns64Prefix}`;
  const config = `server:
  # Run in the foreground (-d) as root, inside the isp namespace, with every file in the lab's dir.
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: "${dir}/${name}.pid"
  use-syslog: no
  logfile: ""
  verbosity: 1
  num-threads: 1
  interface-automatic: no
${interfaces.map((address) => `  interface: ${address}`).join('\n')}
  port: 53
  # The addresses exist before unbound starts (added with nodad), but freebind keeps a start-up race
  # from ever failing the bind.
  ip-freebind: yes
  access-control: 2001:db8::/32 allow
  access-control: 192.0.2.0/24 allow
  access-control: 198.51.100.0/24 allow
  access-control: 203.0.113.0/24 allow
${modules}
  local-zone: "." refuse
${zones.map((zone) => `  local-zone: "${zone.name}" transparent`).join('\n')}
${zones
  .map(
    (zone) => `auth-zone:
  name: "${zone.name}"
  zonefile: "${dir}/${zone.fileName}"
  for-upstream: yes
  for-downstream: no
  fallback-enabled: no
`,
  )
  .join('')}`;
  return { config, zones };
}
