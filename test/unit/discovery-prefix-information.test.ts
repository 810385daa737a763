// The Prefix Information option (RFC 4861 §4.6.2) read out of Router Advertisements: the /64s a host
// forms SLAAC addresses in (RFC 4862 §5.5.3), which the CLAT takes its address in as soon as the RA
// arrives (core/discovery/prefix-information-option.ts).

import { describe, expect, it } from 'vitest';
import { parseRouterAdvertisement } from '../../core/discovery/router-advertisement.js';
import { addr, ndOption, routerAdvertisement } from './discovery-fixtures.js';

/** A Prefix Information option: prefix length, the L and A flags byte, lifetimes in seconds. */
function prefixInformation(prefix: string, f: { length?: number; flags?: number; validS?: number; preferredS?: number } = {}): Uint8Array {
  const body = new Uint8Array(30);
  const view = new DataView(body.buffer);
  body[0] = f.length ?? 64;
  body[1] = f.flags ?? 0xc0;
  view.setUint32(2, f.validS ?? 86_400);
  view.setUint32(6, f.preferredS ?? 14_400);
  body.set(addr(prefix), 14);
  return ndOption(3, body);
}

const slaacOf = (...options: Uint8Array[]) => {
  const parsed = parseRouterAdvertisement(routerAdvertisement({}, ...options));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.ra.slaacPrefixes;
};

describe('slaacPrefixes', () => {
  it('reads an autonomous /64 as its prefix with a zero interface identifier, with its valid lifetime', () => {
    expect(slaacOf(prefixInformation('2001:db8:1:4::', { validS: 3600, preferredS: 1800 }))).toEqual([{ prefix: '2001:db8:1:4::', validLifetimeS: 3600 }]);
  });

  it('drops the interface identifier bits a router left in the prefix field', () => {
    expect(slaacOf(prefixInformation('2001:db8:1:4:ffff::1'))[0].prefix).toBe('2001:db8:1:4::');
  });

  it('keeps every offered /64 in the order of the RA, and a lifetime of 0 (the prefix withdrawn)', () => {
    const two = slaacOf(prefixInformation('2001:db8:1:4::'), prefixInformation('2001:db8:9::', { validS: 0, preferredS: 0 }));
    expect(two).toEqual([
      { prefix: '2001:db8:1:4::', validLifetimeS: 86_400 },
      { prefix: '2001:db8:9::', validLifetimeS: 0 },
    ]);
  });

  it('leaves out what RFC 4862 §5.5.3 says a host ignores: no A flag, not a /64, link-local, preferred above valid', () => {
    const ignored = [
      prefixInformation('2001:db8:1:4::', { flags: 0x80 }), // on-link only
      prefixInformation('2001:db8:1::', { length: 48 }),
      prefixInformation('fe80::', {}),
      prefixInformation('2001:db8:1:4::', { validS: 600, preferredS: 1200 }),
    ];
    expect(slaacOf(...ignored)).toEqual([]);
  });

  it('ignores a Prefix Information option of the wrong length (RFC 4861 §4.6.2 says 4 units)', () => {
    const long = new Uint8Array(40);
    long.set(prefixInformation('2001:db8:1:4::'));
    long[1] = 5;
    expect(slaacOf(long)).toEqual([]);
  });
});
