// Which /64 the CLAT takes its address in (core/host/clat-subnet.ts): one the host holds an address
// in, from the moment it appears (before DAD); the most recently announced; not a /64 of before a
// link loss until an RA names it again; the current one kept while offered.

import { describe, expect, it } from 'vitest';
import { chooseClatSubnet, subnet64Of, uplinkSubnets, type ClatSubnetOffers } from '../../core/host/clat-subnet.js';
import { uplinkWith } from './uplink-fixture.js';

const networkA = '2001:db8:1:2::';
const networkB = '2001:db8:1:4::';
const none: ClatSubnetOffers = { current: null, announced: [], usable: [], tentative: [], stale: new Set() };

describe('chooseClatSubnet', () => {
  it('offers nothing on a link with no /64: null', () => {
    expect(chooseClatSubnet(none)).toBeNull();
  });

  it("takes the host's /64 past DAD, or one still in DAD (the kernel took the RA a moment ago)", () => {
    expect(chooseClatSubnet({ ...none, usable: [networkA] })).toBe(networkA);
    expect(chooseClatSubnet({ ...none, tentative: [networkB] })).toBe(networkB);
  });

  it('takes the /64 an RA announced last among those the host holds, its address there still in DAD', () => {
    expect(chooseClatSubnet({ ...none, announced: [networkB], usable: [networkA], tentative: [networkB] })).toBe(networkB);
  });

  it('takes no /64 the host holds no address in, whatever the RAs say (a connection taken down still hears them)', () => {
    expect(chooseClatSubnet({ ...none, current: networkA, announced: [networkA] })).toBeNull();
  });

  it('keeps the current /64 while it is offered, so that routers announcing in turn do not move the CLAT', () => {
    const both = { usable: [networkA], tentative: [networkB] };
    expect(chooseClatSubnet({ ...none, ...both, current: networkA, announced: [networkB, networkA] })).toBe(networkA);
    expect(chooseClatSubnet({ ...none, ...both, current: networkA, announced: [networkB] })).toBe(networkA);
  });

  it('leaves the current /64 once the host holds no address there', () => {
    expect(chooseClatSubnet({ ...none, current: networkA, announced: [networkB, networkA], tentative: [networkB] })).toBe(networkB);
  });

  it('after a link loss, does not take a /64 of before it (another network may be there) until an RA names it again', () => {
    const roamed = { ...none, current: networkA, usable: [networkA], stale: new Set([networkA]) };
    expect(chooseClatSubnet(roamed)).toBeNull();
    expect(chooseClatSubnet({ ...roamed, tentative: [networkB] })).toBe(networkB);
    expect(chooseClatSubnet({ ...roamed, announced: [networkB], tentative: [networkB] })).toBe(networkB);
    // The same network after all: its RA names the old /64, and the CLAT keeps its address there.
    expect(chooseClatSubnet({ ...roamed, announced: [networkA] })).toBe(networkA);
  });
});

describe('subnet64Of', () => {
  it('is the address with a zero interface identifier, whatever its spelling; null for what is not IPv6', () => {
    expect(subnet64Of('2001:0db8:0001:0004:5054:00ff:fe12:3456')).toBe(networkB);
    expect(subnet64Of('2001:db8:1:4::')).toBe(networkB);
    expect(subnet64Of('192.0.2.1')).toBeNull();
  });
});

describe('uplinkSubnets', () => {
  it("lists each /64 once, the SLAAC (dynamic) ones first, leaving out what is not a /64", () => {
    const uplink = uplinkWith(
      [
        { address: '2001:db8:7::1', prefixLength: 64, dynamic: false },
        { address: '2001:db8:1:2::99', prefixLength: 128, dynamic: false },
        { address: '2001:db8:1:2:5054:ff:fe12:3456', prefixLength: 64, dynamic: true },
        { address: '2001:db8:1:2:d1e5:3a0f:2b44:91c7', prefixLength: 64, dynamic: true },
      ],
      [{ address: '2001:db8:1:4::5', prefixLength: 64 }],
    );
    expect(uplinkSubnets(uplink)).toEqual({ usable: [networkA, '2001:db8:7::'], tentative: [networkB] });
  });
});
