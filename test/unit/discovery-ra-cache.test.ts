// The RA cache (core/discovery/ra-cache.ts): PREF64 and RDNSS per interface with their lifetimes,
// kept from every RA the host hears, handed to discovery at `up` stamped with when they were heard;
// forgotten when the interface loses its link. And its netlink feed (ra-cache-netlink.ts).

import { describe, expect, it } from 'vitest';
import { RaCache, type HeardRa } from '../../core/discovery/ra-cache.js';
import { feedRaCache, linksWithoutCarrier } from '../../core/discovery/ra-cache-netlink.js';
import type { Pref64Option } from '../../core/discovery/pref64-option.js';
import { hostIsLittleEndian } from '../../core/wire/netlink.js';
import { addr, concat, ndUserOptMessage, netlinkMessage, pref64Option, prefix, prefixText, rdnssOption } from './discovery-fixtures.js';

const pref64 = (text: string, lifetimeS: number): Pref64Option => ({ prefix: prefix(text), lifetimeS });
const rdnss = (lifetimeS: number, ...addresses: string[]) => ({ lifetimeS, addresses: addresses.map(addr) });

function heard(f: Partial<HeardRa> & { atMs: number }): HeardRa {
  return { ifindex: 2, router: 'fe80::1', pref64: [], rdnss: [], ...f };
}

const described = (cache: RaCache, ifindex: number, nowMs: number) =>
  cache.pref64Inputs(ifindex, nowMs).map((input) => `${prefixText(input.prefix)} from ${input.router} at ${input.atMs} for ${input.lifetimeS} s`);

/** RTM_NEWLINK (16) or RTM_DELLINK (17) with an ifinfomsg for `ifindex` and `flags`. */
function linkMessage(type: number, ifindex: number, flags: number): Uint8Array {
  const body = new Uint8Array(16);
  const view = new DataView(body.buffer);
  view.setInt32(4, ifindex, hostIsLittleEndian);
  view.setUint32(8, flags, hostIsLittleEndian);
  return netlinkMessage(type, body);
}
const up = 0x1 | 0x40 | 0x10000; // IFF_UP | IFF_RUNNING | IFF_LOWER_UP

describe('RaCache', () => {
  it('keeps a PREF64 per interface until heard + lifetime, stamped with when it was heard', () => {
    const cache = new RaCache();
    cache.observe(heard({ atMs: 1_000, pref64: [pref64('2001:db8:64::/96', 1800)] }));
    cache.observe(heard({ ifindex: 3, atMs: 2_000, pref64: [pref64('2001:db8:65::/96', 600)] }));
    expect(described(cache, 2, 60_000)).toEqual(['2001:db8:64::/96 from fe80::1 at 1000 for 1800 s']);
    expect(described(cache, 3, 60_000)).toEqual(['2001:db8:65::/96 from fe80::1 at 2000 for 600 s']);
    expect(described(cache, 2, 1_000 + 1800_000 - 1)).toHaveLength(1);
    expect(described(cache, 2, 1_000 + 1800_000)).toEqual([]);
    expect(described(cache, 9, 60_000)).toEqual([]);
  });

  it('a refresh replaces the entry of the same router and prefix; lifetime 0 withdraws it (RFC 8781 §4)', () => {
    const cache = new RaCache();
    cache.observe(heard({ atMs: 1_000, pref64: [pref64('2001:db8:64::/96', 600)] }));
    cache.observe(heard({ atMs: 5_000, router: 'fe80::2', pref64: [pref64('2001:db8:64::/96', 600)] }));
    cache.observe(heard({ atMs: 9_000, pref64: [pref64('2001:db8:64::/96', 1200)] }));
    expect(described(cache, 2, 10_000)).toEqual([
      '2001:db8:64::/96 from fe80::2 at 5000 for 600 s',
      '2001:db8:64::/96 from fe80::1 at 9000 for 1200 s',
    ]);
    cache.observe(heard({ atMs: 11_000, router: 'fe80::2', pref64: [pref64('2001:db8:64::/96', 0)] }));
    expect(described(cache, 2, 12_000)).toEqual(['2001:db8:64::/96 from fe80::1 at 9000 for 1200 s']);
  });

  it("keeps the link's resolvers (RDNSS), latest announcement first, until their lifetime; 0 removes them", () => {
    const cache = new RaCache();
    cache.observe(heard({ atMs: 1_000, rdnss: [rdnss(1200, '2001:db8:1:2::1')] }));
    cache.observe(heard({ atMs: 2_000, router: 'fe80::2', rdnss: [rdnss(60, 'fe80::2', '2001:db8:9::53')] }));
    expect(cache.resolvers(2, 3_000)).toEqual(['fe80::2', '2001:db8:9::53', '2001:db8:1:2::1']);
    expect(cache.resolvers(2, 62_000)).toEqual(['2001:db8:1:2::1']);
    cache.observe(heard({ atMs: 70_000, rdnss: [rdnss(0, '2001:db8:1:2::1')] }));
    expect(cache.resolvers(2, 70_001)).toEqual([]);
    // RFC 8106 §5.1: all ones is infinity.
    cache.observe(heard({ atMs: 80_000, rdnss: [rdnss(0xffffffff, '2001:db8::53')] }));
    expect(cache.resolvers(2, 1e15)).toEqual(['2001:db8::53']);
  });

  it('keeps the /64s offered for SLAAC, the latest announced first, until their valid lifetime; 0 withdraws one', () => {
    const cache = new RaCache();
    const offer = (prefix: string, validLifetimeS: number) => ({ prefix, validLifetimeS });
    cache.observe(heard({ atMs: 1_000, slaacPrefixes: [offer('2001:db8:1:2::', 60)] }));
    cache.observe(heard({ atMs: 2_000, slaacPrefixes: [offer('2001:db8:1:4::', 86_400)] }));
    expect(cache.slaacPrefixes(2, 3_000)).toEqual(['2001:db8:1:4::', '2001:db8:1:2::']);
    expect(cache.slaacPrefixes(3, 3_000)).toEqual([]);
    expect(cache.slaacPrefixes(2, 61_000)).toEqual(['2001:db8:1:4::']);
    // Announced again: first again.
    cache.observe(heard({ atMs: 4_000, slaacPrefixes: [offer('2001:db8:1:2::', 60)] }));
    expect(cache.slaacPrefixes(2, 5_000)).toEqual(['2001:db8:1:2::', '2001:db8:1:4::']);
    cache.observe(heard({ atMs: 6_000, slaacPrefixes: [offer('2001:db8:1:2::', 0)] }));
    expect(cache.slaacPrefixes(2, 7_000)).toEqual(['2001:db8:1:4::']);
    cache.forget(2);
    expect(cache.slaacPrefixes(2, 7_000)).toEqual([]);
  });

  it('forgets an interface whole', () => {
    const cache = new RaCache();
    cache.observe(heard({ atMs: 1_000, pref64: [pref64('2001:db8:64::/96', 600)], rdnss: [rdnss(600, '2001:db8::53')] }));
    cache.forget(2);
    expect([described(cache, 2, 2_000), cache.resolvers(2, 2_000)]).toEqual([[], []]);
  });

  it('stays bounded: 8 prefixes per interface (the latest), 32 interfaces (the least recently heard goes)', () => {
    const cache = new RaCache();
    for (let i = 0; i < 12; i++) cache.observe(heard({ atMs: 1_000 + i, router: `fe80::${(i + 1).toString(16)}`, pref64: [pref64('2001:db8:64::/96', 600)] }));
    expect(described(cache, 2, 2_000).map((line) => line.split(' ')[2])).toEqual(['fe80::5', 'fe80::6', 'fe80::7', 'fe80::8', 'fe80::9', 'fe80::a', 'fe80::b', 'fe80::c']);
    for (let ifindex = 100; ifindex < 132; ifindex++) cache.observe(heard({ ifindex, atMs: 5_000 + ifindex, pref64: [pref64('2001:db8:64::/96', 600)] }));
    expect(described(cache, 2, 6_000)).toEqual([]);
    expect(described(cache, 100, 6_000)).toHaveLength(1);
  });
});

describe('feedRaCache (netlink)', () => {
  it('takes PREF64 and RDNSS from RTM_NEWNDUSEROPT messages, each on its interface', () => {
    const cache = new RaCache();
    const datagram = concat(
      ndUserOptMessage({ ifindex: 4, router: 'fe80::1', options: pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 100 }) }),
      ndUserOptMessage({ ifindex: 4, router: 'fe80::1', options: rdnssOption(1200, '2001:db8:1:2::1') }),
    );
    feedRaCache(cache, datagram, 10_000);
    expect(described(cache, 4, 11_000)).toEqual(['2001:db8:64::/96 from fe80::1 at 10000 for 800 s']);
    expect(cache.resolvers(4, 11_000)).toEqual(['2001:db8:1:2::1']);
  });

  it('forgets an interface that goes down, loses its carrier or is deleted; not one that is up', () => {
    expect(linksWithoutCarrier(concat(linkMessage(16, 4, up), linkMessage(16, 5, up & ~0x10000), linkMessage(16, 6, 0), linkMessage(17, 7, up)))).toEqual([5, 6, 7]);
    const cache = new RaCache();
    feedRaCache(cache, ndUserOptMessage({ ifindex: 4, options: rdnssOption(1200, '2001:db8::53') }), 1_000);
    feedRaCache(cache, linkMessage(16, 4, up), 2_000);
    expect(cache.resolvers(4, 3_000)).toEqual(['2001:db8::53']);
    feedRaCache(cache, linkMessage(16, 4, up & ~0x10000), 4_000);
    expect(cache.resolvers(4, 5_000)).toEqual([]);
  });
});
