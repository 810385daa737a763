// The CLAT's /64 over a session (core/engine/uplink-subnet.ts): after a link loss the /64s the uplink
// had are stale until an RA names them again, or until staleGraceMs after the link is back.

import { describe, expect, it } from 'vitest';
import { RaCache } from '../../core/discovery/ra-cache.js';
import type { Uplink } from '../../core/host/host-inspect.js';
import { staleGraceMs, UplinkSubnet } from '../../core/engine/uplink-subnet.js';
import { uplinkWith } from './uplink-fixture.js';

const onA: Uplink = uplinkWith([{ address: '2001:db8:1:2::5', prefixLength: 64, dynamic: true }]);
/** The same link after it came back on network B: the kernel kept A's address (proving it again) and took B's RA. */
const backOnB: Uplink = { ...onA, globalIpv6: [], tentativeIpv6: [{ address: '2001:db8:1:2::5', prefixLength: 64 }, { address: '2001:db8:1:4::5', prefixLength: 64 }] };
const backNoRa: Uplink = { ...onA };

function session() {
  let nowMs = 1_000_000;
  const cache = new RaCache();
  const subnet = new UplinkSubnet(cache, () => nowMs);
  return { cache, subnet, advance: (ms: number) => (nowMs += ms), now: () => nowMs };
}

describe('UplinkSubnet', () => {
  it("takes the link's /64, and after a link loss not that one but the new network's", () => {
    const { subnet } = session();
    subnet.current = subnet.choose(onA);
    expect(subnet.current).toBe('2001:db8:1:2::');
    expect(subnet.noteLink(false, onA)).toBeNull();
    expect(subnet.noteLink(true, backOnB)).toBe(staleGraceMs);
    expect(subnet.choose(backOnB)).toBe('2001:db8:1:4::');
  });

  it('waits for an RA that names the old /64 again (the same network after all), or for the grace time', () => {
    const { subnet, advance, now } = session();
    subnet.current = subnet.choose(onA);
    subnet.noteLink(false, onA);
    subnet.noteLink(true, backNoRa);
    expect(subnet.choose(backNoRa)).toBeNull();
    // Further events while the link stays up do not restart the grace time.
    advance(staleGraceMs - 1);
    expect(subnet.noteLink(true, backNoRa)).toBeNull();
    expect(subnet.choose(backNoRa)).toBeNull();
    advance(1);
    expect(subnet.choose(backNoRa)).toBe('2001:db8:1:2::');
    // Or at once, when an RA names it.
    const other = session();
    other.subnet.current = other.subnet.choose(onA);
    other.subnet.noteLink(false, onA);
    other.subnet.noteLink(true, backNoRa);
    other.cache.observe({ ifindex: 3, atMs: now(), router: 'fe80::1', pref64: [], rdnss: [], slaacPrefixes: [{ prefix: '2001:db8:1:2::', validLifetimeS: 86_400 }] });
    expect(other.subnet.choose(backNoRa)).toBe('2001:db8:1:2::');
  });

  it('stays stale while the link is down, however long', () => {
    const { subnet, advance } = session();
    subnet.current = subnet.choose(onA);
    subnet.noteLink(false, onA);
    advance(3600_000);
    expect(subnet.stale()).toEqual(new Set(['2001:db8:1:2::']));
  });
});
