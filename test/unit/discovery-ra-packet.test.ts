// PREF64 from RAs read on a raw ICMPv6 socket (raPacketDiscovery): only RAs that were not routed
// (hop limit 255, link-local source: RFC 4861 §6.1.2) and that arrived on the uplink count.

import { describe, expect, it } from 'vitest';
import { raPacketDiscovery, type RaPacketSource } from '../../core/discovery/ra-packet-discovery.js';
import type { Pref64Input } from '../../core/discovery/ra-discovery.js';
import { addr, pref64Option, prefixText, routerAdvertisement } from './discovery-fixtures.js';

class FakeRaSocket implements RaPacketSource {
  listener: ((icmp: Uint8Array, ifindex: number, router: Uint8Array, hopLimit: number) => void) | null = null;
  closed = false;
  onRouterAdvertisement(listener: (icmp: Uint8Array, ifindex: number, router: Uint8Array, hopLimit: number) => void): void {
    this.listener = listener;
  }
  close(): void {
    this.closed = true;
  }
}

describe('raPacketDiscovery', () => {
  const ra = routerAdvertisement({ routerLifetimeS: 1800 }, pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 75 }));

  it('feeds the PREF64 of a valid RA on the uplink, and nothing else', () => {
    const socket = new FakeRaSocket();
    const inputs: Pref64Input[] = [];
    const discovery = raPacketDiscovery(socket, { uplinkIfindex: 3, nowMs: () => 1000, onPref64: (input) => inputs.push(input) });
    socket.listener?.(ra, 3, addr('fe80::1'), 255);
    expect(inputs.map((i) => [prefixText(i.prefix), i.lifetimeS, i.router, i.ifindex, i.atMs])).toEqual([['2001:db8:64::/96', 600, 'fe80::1', 3, 1000]]);
    socket.listener?.(ra, 4, addr('fe80::1'), 255); // another interface
    socket.listener?.(ra, 3, addr('fe80::1'), 254); // routed: not from a neighbour
    socket.listener?.(ra, 3, addr('2001:db8::1'), 255); // not link-local
    socket.listener?.(ra.subarray(0, 10), 3, addr('fe80::1'), 255); // truncated
    expect(inputs).toHaveLength(1);
    discovery.setUplinkIfindex(4);
    socket.listener?.(ra, 4, addr('fe80::2'), 255);
    expect(inputs).toHaveLength(2);
    discovery.close();
    expect(socket.closed).toBe(true);
    socket.listener?.(ra, 4, addr('fe80::2'), 255);
    expect(inputs).toHaveLength(2);
  });
});
