// The lab's address plan: an IPv6-only access network behind an ISP router that runs DNS64 and
// NAT64, and an IPv4-only server behind it. Only documentation ranges are used (RFC 3849, RFC 5737,
// RFC 7335), so nothing here can collide with a real network, and all of it lives in namespaces.
//
//   host ns (clt-<pid>-<n>-host)          isp ns (clt-<pid>-<n>-isp)              server ns (…-srv)
//   IPv6 only; the CLAT runs here         router, radvd, PREF64 RAs, unbound,      IPv4 only
//                                         tayga ×2, nftables masquerade
//   uplink ── SLAAC 2001:db8:1:2::/64 ── host0 fe80::1, 2001:db8:1:2::1/64
//                                         lo     198.51.100.53/32 (unbound, IPv4)
//                                         nat64  2001:db8:64::/96   ⇄ pool 192.0.2.0/25
//                                         nat64b 2001:db8:6464::/96 ⇄ pool 192.0.2.128/25
//                                         srv0   203.0.113.1/24 ──────────────── eth0 203.0.113.10/24
//                                                (pools masqueraded to it)        HTTP :80, UDP echo :7,
//                                                                                 iperf3 :5201
//
// Two NAT64 prefixes, each with its own tayga (tayga translates one prefix): the PREF64 RA can switch
// to the second one ("prefix changed") and traffic to either still reaches the server. DNS64 keeps
// synthesising with the first (unbound has one dns64-prefix), as a network whose DNS64 and PREF64
// disagree would. The well-known prefix 64:ff9b::/96 is deliberately unused: RFC 6052 §3.1 forbids it
// for these non-global IPv4 ranges, and tayga refuses it.

/** The three namespaces and what they play. */
export const labRoles = ['host', 'isp', 'server'] as const;
export type LabRole = (typeof labRoles)[number];

/** Namespace name suffix per role: `clt-<pid>-<n>-<suffix>`. */
export const namespaceSuffix: Readonly<Record<LabRole, string>> = { host: 'host', isp: 'isp', server: 'srv' };

/** RFC 8781 PREF64 and the NAT64s (tayga) behind it. */
export interface Nat64Plan {
  readonly prefix: string;
  /** tayga's TUN in the isp namespace. */
  readonly tun: string;
  /** tayga's own IPv4 address (source of the ICMPv4 errors it makes); inside the pool, which tayga skips. */
  readonly taygaIpv4: string;
  /** Dynamic pool: tayga gives each IPv6 source one of these, then nftables masquerades it. */
  readonly pool: string;
}

export const nat64Plans: readonly [Nat64Plan, Nat64Plan] = [
  { prefix: '2001:db8:64::/96', tun: 'nat64', taygaIpv4: '192.0.2.1', pool: '192.0.2.0/25' },
  { prefix: '2001:db8:6464::/96', tun: 'nat64b', taygaIpv4: '192.0.2.129', pool: '192.0.2.128/25' },
];

export const topology = {
  host: {
    /** The host's only non-loopback interface; IPv6 only, configured by SLAAC. */
    uplink: 'uplink',
    // Fixed MACs make the SLAAC (EUI-64) address the same on every run: 2001:db8:1:2:c1:a7ff:fe00:2.
    uplinkMac: '02:c1:a7:00:00:02',
  },
  isp: {
    hostLink: 'host0',
    hostLinkMac: '02:c1:a7:00:00:01',
    /** Source of every RA; fixed, so the host's default route is `via fe80::1`. */
    linkLocal: 'fe80::1',
    /** The /64 advertised for SLAAC. */
    slaacPrefix: '2001:db8:1:2::/64',
    ipv6: '2001:db8:1:2::1',
    serverLink: 'srv0',
    serverLinkMac: '02:c1:a7:00:01:01',
    ipv4: '203.0.113.1',
    /**
     * A second resolver on the host's link without DNS64 (LabOptions.hostResolver 'plain'): what a
     * host may be configured with that is not the network's own.
     */
    plainDnsIpv6: '2001:db8:1:2::53',
    /** unbound's IPv4 address, reachable from the IPv4 world and, through a CLAT and NAT64, from the host. */
    dnsIpv4: '198.51.100.53',
    /** unbound's DNS64 prefix: the first NAT64 prefix. */
    dns64Prefix: nat64Plans[0].prefix,
    /**
     * An address inside the first NAT64 prefix that the router holds itself (on lo, in front of the
     * prefix's route to tayga), with an iperf3 server: IPv4 to 198.51.100.10 through a CLAT arrives
     * there as IPv6 without passing the NAT64, so a benchmark can measure a CLAT alone, with no
     * tayga of the operator's in the way. 198.51.100.10 (RFC 5737) embedded in 2001:db8:64::/96.
     */
    clatOnly: { ipv4: '198.51.100.10', ipv6: '2001:db8:64::c633:640a', iperf3Port: 5201 },
  },
  server: {
    link: 'eth0',
    linkMac: '02:c1:a7:00:01:0a',
    ipv4: '203.0.113.10',
    prefixLength: 24,
    name: 'server.example.',
    /** 203.0.113.10 embedded (RFC 6052 /96) under each NAT64 prefix, written out rather than computed. */
    viaNat64: ['2001:db8:64::cb00:710a', '2001:db8:6464::cb00:710a'],
    httpPort: 80,
    httpPath: '/file',
    udpEchoPort: 7,
    iperf3Port: 5201,
  },
  /** RFC 7050 §2.2: the well-known name and its two addresses. */
  ipv4onlyArpa: { name: 'ipv4only.arpa.', addresses: ['192.0.0.170', '192.0.0.171'] },
  /** radvd's router lifetime; the PREF64 RAs repeat it (see pref64-sender-script.ts for why). */
  routerLifetimeSeconds: 1800,
} as const;
