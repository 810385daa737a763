// radvd's configuration: the router's RAs towards the host (RFC 4861), with the /64 for SLAAC
// (RFC 4862), the router as RDNSS (RFC 8106) and as default router. radvd 2.19 cannot send PREF64;
// pref64-sender-script.ts adds those RAs.

import { topology } from './topology.js';

/**
 * How often RAs go out unsolicited. `lab`: every 3 to 10 s, so the lab is quick to come back after
 * the link flaps. `real-world`: radvd's defaults' range, every 200 to 600 s (RFC 4861 §6.2.1 allows
 * up to 1800 s), as on real networks, where a host that joins or turns its CLAT on between two RAs
 * must ask for one (a Router Solicitation) or wait minutes.
 */
export type RaTiming = 'lab' | 'real-world';

export interface RadvdOptions {
  readonly timing?: RaTiming;
  /** The MTU option (RFC 4861 §4.6.4, AdvLinkMTU); absent: none announced. */
  readonly linkMtu?: number | null;
  /** The router as RDNSS (RFC 8106); default true. false: the network names its resolvers otherwise (DHCPv6). */
  readonly rdnss?: boolean;
}

const intervalsS: Readonly<Record<RaTiming, readonly [number, number]>> = { lab: [3, 10], 'real-world': [200, 600] };

export function radvdConfig(options: RadvdOptions = {}): string {
  const { isp } = topology;
  const [minIntervalS, maxIntervalS] = intervalsS[options.timing ?? 'lab'];
  const mtu = options.linkMtu == null ? '' : `  AdvLinkMTU ${options.linkMtu};\n`;
  const rdnss = options.rdnss === false ? '' : `  RDNSS ${isp.ipv6} {\n  };\n`;
  return `interface ${isp.hostLink} {
  AdvSendAdvert on;
  MinRtrAdvInterval ${minIntervalS};
  MaxRtrAdvInterval ${maxIntervalS};
  AdvDefaultLifetime ${topology.routerLifetimeSeconds};
${mtu}  # Answer a host's Router Solicitation at once by unicast (RFC 7772) rather than by a multicast RA
  # that MinDelayBetweenRAs may hold back for seconds (a solicitation from :: is still answered by
  # multicast: there is no one to unicast to).
  AdvRASolicitedUnicast on;
  prefix ${isp.slaacPrefix} {
    AdvOnLink on;
    AdvAutonomous on;
  };
${rdnss}};
`;
}
