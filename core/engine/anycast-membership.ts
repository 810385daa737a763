// The CLAT address as an anycast address of the uplink (ingress delivery): the kernel then answers
// neighbour solicitations for it (RFC 4861 §7.2.4, with the Override flag clear as for any anycast
// address) and defends it against duplicate address detection, on a host that is not a router, with
// no proxy NDP and no router mode. The membership lives as long as the socket: a crash takes it along.
// The socket is a raw IPPROTO_RAW one, which receives nothing, so it never fills a buffer.

import { parseIpv6 } from '../wire/address.js';
import type { NativeAddon } from '../tun/native-addon.js';

export class AnycastMembership {
  private constructor(
    private readonly addon: NativeAddon,
    private readonly fd: number,
  ) {}

  static join(addon: NativeAddon, uplink: string, address: string): { ok: true; membership: AnycastMembership } | { ok: false; error: string } {
    const bytes = parseIpv6(address);
    const ifIndex = addon.ifIndex(uplink);
    if (bytes === undefined || ifIndex < 0) return { ok: false, error: `no interface ${uplink} or bad address ${address}` };
    const fd = addon.rawIp6SendOpen(null);
    if (fd < 0) return { ok: false, error: `cannot open an IPv6 socket for the anycast membership (errno ${-fd})` };
    const joined = addon.joinAnycast6(fd, ifIndex, bytes);
    if (joined < 0) {
      addon.close(fd);
      return { ok: false, error: `cannot join ${address} as anycast on ${uplink} (errno ${-joined})` };
    }
    return { ok: true, membership: new AnycastMembership(addon, fd) };
  }

  leave(): void {
    this.addon.close(this.fd);
  }
}
