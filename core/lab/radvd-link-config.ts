// radvd's configuration for a router link other than the lab's first one (radvd-config.ts): the
// second uplink's link (second-uplink.ts) and the first link once it has moved to another network
// (other-network.ts). The same RAs as the first link's (RFC 4861, with a /64 for SLAAC, RFC 4862,
// and an RDNSS, RFC 8106), with the link, the /64 and the DNS server as parameters.

import { topology } from './topology.js';

export interface RadvdLink {
  /** The router's interface. */
  readonly link: string;
  /** The /64 advertised for SLAAC. */
  readonly slaacPrefix: string;
  /** RDNSS: a resolver the host can reach from this link. */
  readonly dnsServer: string;
}

export function radvdLinkConfig(link: RadvdLink): string {
  return `interface ${link.link} {
  AdvSendAdvert on;
  # Short intervals keep the lab quick to come back after the link flaps.
  MinRtrAdvInterval 3;
  MaxRtrAdvInterval 10;
  AdvDefaultLifetime ${topology.routerLifetimeSeconds};
  # Answer a host's Router Solicitation at once by unicast (RFC 7772).
  AdvRASolicitedUnicast on;
  prefix ${link.slaacPrefix} {
    AdvOnLink on;
    AdvAutonomous on;
  };
  RDNSS ${link.dnsServer} {
  };
};
`;
}
