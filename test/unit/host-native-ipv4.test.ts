// Native IPv4, judged per IPv4 default route (core/host/native-ipv4.ts): what makes auto mode turn
// the CLAT off, and what must not (the CLAT's own route, link-local-only links, tunnels over the CLAT).

import { describe, expect, it } from 'vitest';
import { judgeIpv4DefaultRoute, type RouteInterface } from '../../core/host/native-ipv4.js';

const plain: RouteInterface = { kind: null, remote: null, remoteDev: null, ipv4Addresses: ['198.51.100.20'] };

describe('judgeIpv4DefaultRoute', () => {
  it('a DHCP default route on Ethernet or Wi-Fi is native IPv4', () => {
    expect(judgeIpv4DefaultRoute({ dev: 'eth0', gateway: '198.51.100.1' }, 'clat', plain)).toEqual({ native: true, route: 'default via 198.51.100.1 dev eth0' });
  });

  it("the CLAT's own route is not", () => {
    expect(judgeIpv4DefaultRoute({ dev: 'clat', gateway: null }, 'clat', null)).toMatchObject({ native: false, why: "the CLAT's own" });
  });

  it('a link with only 169.254/16 (avahi-autoipd) is not', () => {
    const autoip = { ...plain, ipv4Addresses: ['169.254.12.34'] };
    expect(judgeIpv4DefaultRoute({ dev: 'eth0', gateway: null }, 'clat', autoip)).toMatchObject({ native: false, why: 'eth0 has only link-local IPv4 (169.254/16)' });
    // A real address beside it makes it native again.
    expect(judgeIpv4DefaultRoute({ dev: 'eth0', gateway: '198.51.100.1' }, 'clat', { ...autoip, ipv4Addresses: ['169.254.12.34', '198.51.100.20'] }).native).toBe(true);
  });

  it('a tunnel whose endpoint is reached through the CLAT is not; one reached natively is', () => {
    const overClat = { kind: 'vxlan', remote: '203.0.113.10', remoteDev: 'clat', ipv4Addresses: ['198.51.100.5'] };
    expect(judgeIpv4DefaultRoute({ dev: 'vx0', gateway: '198.51.100.6' }, 'clat', overClat)).toMatchObject({
      native: false,
      why: 'vx0 is a vxlan tunnel whose endpoint 203.0.113.10 is reached through the CLAT',
    });
    expect(judgeIpv4DefaultRoute({ dev: 'vx0', gateway: '198.51.100.6' }, 'clat', { ...overClat, remoteDev: 'eth0' }).native).toBe(true);
  });

  it('a tunnel whose endpoint is routed into the tunnel itself is not (the CLAT under it is away)', () => {
    const looped = { kind: 'vxlan', remote: '203.0.113.10', remoteDev: 'vx0', ipv4Addresses: ['198.51.100.5'] };
    expect(judgeIpv4DefaultRoute({ dev: 'vx0', gateway: '198.51.100.6' }, 'clat', looped)).toMatchObject({
      native: false,
      why: 'vx0 is a vxlan tunnel whose endpoint 203.0.113.10 is routed into the tunnel itself',
    });
  });

  it('a tunnel whose endpoint cannot be read (WireGuard, a VPN on a TUN) is not: it may ride on the CLAT', () => {
    for (const kind of ['wireguard', 'tun']) {
      expect(judgeIpv4DefaultRoute({ dev: 'wg0', gateway: null }, 'clat', { ...plain, kind }).native).toBe(false);
    }
  });

  it('a tunnel whose endpoint has no route carries nothing', () => {
    expect(judgeIpv4DefaultRoute({ dev: 'gre1', gateway: null }, 'clat', { ...plain, kind: 'gre', remote: '203.0.113.9' })).toMatchObject({ native: false });
  });
});
