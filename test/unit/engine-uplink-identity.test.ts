// The uplink's network identity and the kernel events that may change it
// (core/engine/uplink-identity.ts): the fingerprint follows the CLAT's /64, and changes with the MTU
// and the link state; a router's periodic refresh of the SLAAC address, or the kernel's address
// passing DAD, is not a change, a new /64 (one in DAD included), the removal or deprecation of a /64
// address the uplink counts, or a link event of the uplink is; other interfaces and route events
// never are; after a failure, any address event of the uplink is worth a retry.

import { describe, expect, it } from 'vitest';
import { afInet, afInet6, ifaFlagDeprecated, type RtnetlinkEvent } from '../../core/engine/rtnetlink-events.js';
import { fingerprintOf, mayChangeUplink } from '../../core/engine/uplink-identity.js';
import { uplinkSubnets } from '../../core/host/clat-subnet.js';
import type { Uplink } from '../../core/host/host-inspect.js';
import { addr6 } from './packet-builder.js';
import { uplinkWith } from './uplink-fixture.js';

const slaacAddress = '2001:db8:1:2:5054:ff:fe12:3456';

/** wlan0 on a network that gave it one SLAAC address in 2001:db8:1:2::/64. */
const uplink: Uplink = uplinkWith([{ address: slaacAddress, prefixLength: 64, dynamic: true }]);

function withAddresses(...addresses: { address: string; prefixLength: number }[]): Uplink {
  return { ...uplink, globalIpv6: addresses.map((a) => ({ ...a, dynamic: true })) };
}

const at64 = (address: string) => ({ address, prefixLength: 64 });

/** RTM_NEWADDR or RTM_DELADDR of an IPv6 address, as rtnetlinkEvents gives it. */
function addressEvent(added: boolean, address: string, f: { prefixLength?: number; ifindex?: number; flags?: number } = {}): RtnetlinkEvent {
  return { kind: 'address', added, ifindex: f.ifindex ?? uplink.ifindex, family: afInet6, prefixLength: f.prefixLength ?? 64, flags: f.flags ?? 0, address: addr6(address) };
}

const linkEvent = (ifindex: number): RtnetlinkEvent => ({ kind: 'link', ifindex });

describe('fingerprintOf', () => {
  it('is the same for the same /64, whatever else the uplink holds', () => {
    const more = withAddresses(at64(slaacAddress), at64('2001:db8:9:9::1'), { address: '2001:db8:1:2::99', prefixLength: 128 });
    expect(fingerprintOf(more, '2001:db8:1:2::')).toBe(fingerprintOf(uplink, '2001:db8:1:2::'));
  });

  it('differs for another /64, and for none', () => {
    expect(fingerprintOf(uplink, '2001:db8:1:2::')).not.toBe(fingerprintOf(uplink, '2001:db8:1:3::'));
    expect(fingerprintOf(uplink, '2001:db8:1:2::')).not.toBe(fingerprintOf(uplink, null));
  });

  it('differs for another MTU (the link\'s, or the IPv6 one an RA set), another interface, and when the link is down', () => {
    const others = [{ ...uplink, mtu: 1280 }, { ...uplink, ipv6Mtu: 1400 }, { ...uplink, ifindex: 4 }, { ...uplink, up: false }];
    for (const other of others) expect(fingerprintOf(other, '2001:db8:1:2::')).not.toBe(fingerprintOf(uplink, '2001:db8:1:2::'));
  });
});

describe('mayChangeUplink', () => {
  it('a periodic refresh of an address in a /64 the uplink has is not a change', () => {
    expect(mayChangeUplink(addressEvent(true, slaacAddress), uplink, false)).toBe(false);
    // A temporary (RFC 8981) address in the same /64.
    expect(mayChangeUplink(addressEvent(true, '2001:db8:1:2:d1e5:3a0f:2b44:91c7'), uplink, false)).toBe(false);
  });

  it('an address in a new /64 may be a change, in DAD or past it', () => {
    expect(mayChangeUplink(addressEvent(true, '2001:db8:1:3::1'), uplink, false)).toBe(true);
  });

  it("the kernel's address passing DAD in a /64 the uplink had in DAD is not", () => {
    const inDad: Uplink = { ...uplink, globalIpv6: [], tentativeIpv6: [at64('2001:db8:1:3::1')] };
    expect(mayChangeUplink(addressEvent(true, '2001:db8:1:3::1'), inDad, false)).toBe(false);
    expect(mayChangeUplink(addressEvent(false, '2001:db8:1:3::1'), inDad, false)).toBe(true);
  });

  it('a removed /64 address the uplink counts may be a change', () => {
    expect(mayChangeUplink(addressEvent(false, slaacAddress), uplink, false)).toBe(true);
    // Another spelling of the same address.
    expect(mayChangeUplink(addressEvent(false, '2001:0db8:0001:0002:5054:00ff:fe12:3456'), uplink, false)).toBe(true);
  });

  it('a removed or deprecated address the uplink does not count is not (an old temporary address, RFC 8981)', () => {
    expect(mayChangeUplink(addressEvent(false, '2001:db8:1:2::77'), uplink, false)).toBe(false);
    expect(mayChangeUplink(addressEvent(true, '2001:db8:1:2::77', { flags: ifaFlagDeprecated }), uplink, false)).toBe(false);
  });

  it('a removed address outside the /64s is not (the CLAT\'s own DAD probe adds and removes a /128)', () => {
    expect(mayChangeUplink(addressEvent(false, '2001:db8:1:2::c1a7', { prefixLength: 128 }), uplink, false)).toBe(false);
  });

  it('a deprecated /64 address may be a change: the uplink is read without deprecated addresses', () => {
    const deprecated = addressEvent(true, slaacAddress, { flags: ifaFlagDeprecated });
    expect(uplinkSubnets(withAddresses()).usable).toEqual([]);
    expect(mayChangeUplink(deprecated, uplink, false)).toBe(true);
  });

  it('a link event of the uplink may be a change', () => {
    expect(mayChangeUplink(linkEvent(uplink.ifindex), uplink, false)).toBe(true);
  });

  it('an added address that cannot change the /64s is not a change: IPv4, not a /64', () => {
    const ipv4: RtnetlinkEvent = { kind: 'address', added: true, ifindex: uplink.ifindex, family: afInet, prefixLength: 24, flags: 0, address: Uint8Array.of(192, 0, 2, 7) };
    const slash128 = addressEvent(true, '2001:db8:5::1', { prefixLength: 128 });
    expect([ipv4, slash128].map((event) => mayChangeUplink(event, uplink, false))).toEqual([false, false]);
  });

  it('an added /64 without IFA_ADDRESS may be a change: which /64 it is cannot be told', () => {
    const bare: RtnetlinkEvent = { kind: 'address', added: true, ifindex: uplink.ifindex, family: afInet6, prefixLength: 64, flags: 0, address: null };
    expect(mayChangeUplink(bare, uplink, false)).toBe(true);
  });

  it("agrees with the /64s offered: an added address it lets pass adds one, one it holds back does not", () => {
    const added = ['2001:db8:1:2::1', slaacAddress, '2001:db8:1:3::1', '2001:db8:ffff:0:1::'];
    for (const address of added) {
      const after = withAddresses(...uplink.globalIpv6, at64(address));
      const changed = JSON.stringify(uplinkSubnets(after)) !== JSON.stringify(uplinkSubnets(uplink));
      expect(mayChangeUplink(addressEvent(true, address), uplink, false), address).toBe(changed);
    }
  });

  it('events of another interface never are, even after a failure', () => {
    const elsewhere = [linkEvent(4), addressEvent(true, '2001:db8:1:3::1', { ifindex: 4 }), addressEvent(false, slaacAddress, { ifindex: 4 })];
    for (const failed of [false, true]) {
      expect(elsewhere.map((event) => mayChangeUplink(event, uplink, failed))).toEqual([false, false, false]);
    }
  });

  it('route events never are, even after a failure', () => {
    const routes: RtnetlinkEvent[] = [
      { kind: 'route', added: true, family: afInet6, destinationLength: 0, oif: 3, gateway: null },
      { kind: 'route', added: true, family: afInet, destinationLength: 0, oif: 3, gateway: null },
      { kind: 'route', added: false, family: afInet6, destinationLength: 64, oif: 3, gateway: null },
    ];
    for (const failed of [false, true]) {
      expect(routes.map((event) => mayChangeUplink(event, uplink, failed))).toEqual([false, false, false]);
    }
  });

  it('after a failure, any address event of the uplink is worth a retry', () => {
    const refresh = addressEvent(true, slaacAddress);
    const ipv4: RtnetlinkEvent = { kind: 'address', added: true, ifindex: uplink.ifindex, family: afInet, prefixLength: 24, flags: 0, address: Uint8Array.of(192, 0, 2, 7) };
    expect([refresh, ipv4].map((event) => mayChangeUplink(event, uplink, true))).toEqual([true, true]);
  });
});
