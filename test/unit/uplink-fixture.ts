// An uplink as core/host/host-inspect.ts readUplink gives it, for the unit tests of what is judged
// from it: wlan0, ifindex 3, MTU 1500, up, with the addresses a test gives.

import type { Uplink } from '../../core/host/host-inspect.js';

export function uplinkWith(globalIpv6: Uplink['globalIpv6'], tentativeIpv6: Uplink['tentativeIpv6'] = []): Uplink {
  return { name: 'wlan0', ifindex: 3, mtu: 1500, ipv6Mtu: 1500, up: true, globalIpv6, tentativeIpv6 };
}
