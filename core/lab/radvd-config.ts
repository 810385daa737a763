// radvd's configuration: the router's RAs towards the host (RFC 4861), with the /64 for SLAAC
// (RFC 4862), the router as RDNSS (RFC 8106) and as default router. radvd 2.19 cannot send PREF64;
// pref64-sender-script.ts adds those RAs.

import { topology } from './topology.js';

export function radvdConfig(): string {
  const { isp } = topology;
  return `interface ${isp.hostLink} {
  AdvSendAdvert on;
  # Short intervals keep the lab quick to come back after the link flaps.
  MinRtrAdvInterval 3;
  MaxRtrAdvInterval 10;
  AdvDefaultLifetime ${topology.routerLifetimeSeconds};
  # Answer a host's Router Solicitation at once by unicast (RFC 7772) rather than by a multicast RA
  # that MinDelayBetweenRAs may hold back for seconds.
  AdvRASolicitedUnicast on;
  prefix ${isp.slaacPrefix} {
    AdvOnLink on;
    AdvAutonomous on;
  };
  RDNSS ${isp.ipv6} {
  };
};
`;
}
