// RFC 4861 §4.2 Router Advertisements with several options, and junk that must never throw.

import { describe, expect, it } from 'vitest';
import { parseRouterAdvertisement } from '../../core/discovery/router-advertisement.js';
import { formatIpv6 } from '../../core/wire/address.js';
import { addr, concat, ndOption, pref64Option, prefixText, routerAdvertisement } from './discovery-fixtures.js';

// RFC 4861 §4.6.1: a Source Link-Layer Address option; §4.6.2: a Prefix Information option (32 bytes);
// RFC 8106 §5.1: an RDNSS option.
const sourceLinkLayer = ndOption(1, [0x02, 0, 0, 0, 0, 0x01]);
const prefixInformation = ndOption(3, [64, 0xc0, 0, 0, 0x0e, 0x10, 0, 0, 0x07, 0x08, 0, 0, 0, 0, ...addr('2001:db8:1::')]);
const rdnss = ndOption(25, [0, 0, 0, 0, 0x07, 0x08, ...addr('2001:db8::53')]);

describe('parseRouterAdvertisement', () => {
  it('reads the fixed fields and lists every option in order, with PREF64s read out', () => {
    const bytes = routerAdvertisement(
      { curHopLimit: 64, flags: 0xc0, routerLifetimeS: 1800, reachableTimeMs: 30_000, retransTimerMs: 1_000 },
      sourceLinkLayer,
      prefixInformation,
      pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 225 }),
      rdnss,
      pref64Option({ prefix: '2001:db8:46::', plc: 3, scaledLifetime: 0 }),
    );
    const parsed = parseRouterAdvertisement(bytes);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const { ra } = parsed;
    expect([ra.curHopLimit, ra.managed, ra.other, ra.flags]).toEqual([64, true, true, 0xc0]);
    expect([ra.routerLifetimeS, ra.reachableTimeMs, ra.retransTimerMs]).toEqual([1800, 30_000, 1_000]);
    expect(ra.options).toEqual([
      { type: 1, offset: 16, lengthBytes: 8 },
      { type: 3, offset: 24, lengthBytes: 32 },
      { type: 38, offset: 56, lengthBytes: 16 },
      { type: 25, offset: 72, lengthBytes: 24 },
      { type: 38, offset: 96, lengthBytes: 16 },
    ]);
    expect(ra.pref64.map((option) => [prefixText(option.prefix), option.lifetimeS])).toEqual([
      ['2001:db8:64::/96', 1800],
      ['2001:db8:46::/48', 0],
    ]);
    // RFC 8106 §5.1: the RDNSS option read out too (lifetime 0x0708 = 1800 s).
    expect(ra.rdnss.map((option) => [option.addresses.map((a) => formatIpv6(a)), option.lifetimeS])).toEqual([[['2001:db8::53'], 1800]]);
    // RFC 4861 §4.6.2: the Prefix Information with the A flag, a /64 offered for SLAAC (valid 0x0e10 = 3600 s).
    expect(ra.slaacPrefixes).toEqual([{ prefix: '2001:db8:1::', validLifetimeS: 3600 }]);
  });

  it('keeps a malformed PREF64 in the option list but not among the usable ones', () => {
    const badCode = pref64Option({ prefix: '2001:db8:64::', plc: 7, scaledLifetime: 225 });
    const tooLong = pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 225, length: 3 });
    const parsed = parseRouterAdvertisement(routerAdvertisement({}, badCode, tooLong));
    expect(parsed.ok && parsed.ra.options.map((option) => option.type)).toEqual([38, 38]);
    expect(parsed.ok && parsed.ra.pref64).toEqual([]);
  });

  it('accepts an RA without options', () => {
    const parsed = parseRouterAdvertisement(routerAdvertisement({ routerLifetimeS: 0 }));
    expect(parsed.ok && parsed.ra.options).toEqual([]);
    expect(parsed.ok && parsed.ra.routerLifetimeS).toBe(0);
  });

  it('discards an RA with a zero-length option (RFC 4861 §4.6), even after a good PREF64', () => {
    const bytes = routerAdvertisement({}, pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 225 }), Uint8Array.of(5, 0, 0, 0, 0, 0, 0, 0));
    expect(parseRouterAdvertisement(bytes)).toEqual({ ok: false, reason: 'zero-length-option' });
  });

  it('refuses an option running past the end, short messages, other types and codes', () => {
    const cut = routerAdvertisement({}, pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 225 })).subarray(0, 30);
    expect(parseRouterAdvertisement(cut)).toEqual({ ok: false, reason: 'option-past-end' });
    expect(parseRouterAdvertisement(concat(routerAdvertisement({}), Uint8Array.of(38)))).toEqual({ ok: false, reason: 'option-past-end' });
    expect(parseRouterAdvertisement(routerAdvertisement({}).subarray(0, 15))).toEqual({ ok: false, reason: 'truncated' });
    const solicitation = routerAdvertisement({});
    solicitation[0] = 133;
    expect(parseRouterAdvertisement(solicitation)).toEqual({ ok: false, reason: 'not-router-advertisement' });
    const coded = routerAdvertisement({});
    coded[1] = 1;
    expect(parseRouterAdvertisement(coded)).toEqual({ ok: false, reason: 'bad-code' });
  });

  it('never throws on random bytes or on every truncation of a real RA', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let n = 0; n < 2000; n++) {
      const bytes = Uint8Array.from({ length: random() % 120 }, random);
      if (bytes.length > 0 && n % 2 === 0) bytes[0] = 134;
      if (bytes.length > 1 && n % 2 === 0) bytes[1] = 0;
      const parsed = parseRouterAdvertisement(bytes);
      // Parsed only when it is one (type 134, code 0, a whole header); otherwise a named reason.
      if (parsed.ok) expect([bytes[0], bytes[1], bytes.length >= 16]).toEqual([134, 0, true]);
      else expect(['truncated', 'not-router-advertisement', 'bad-code', 'zero-length-option', 'option-past-end']).toContain(parsed.reason);
    }
    const full = routerAdvertisement({}, sourceLinkLayer, pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 225 }), rdnss);
    const okLengths: number[] = [];
    for (let length = 0; length <= full.length; length++) {
      if (parseRouterAdvertisement(full.subarray(0, length)).ok) okLengths.push(length);
    }
    expect(okLengths).toEqual([16, 24, 40, 64]);
  });
});
