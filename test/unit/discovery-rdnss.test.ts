// RFC 8106 §5.1 RDNSS options: read from literal bytes, the lengths a receiver must ignore, and the
// option as the kernel relays it over netlink (RTM_NEWNDUSEROPT).

import { describe, expect, it } from 'vitest';
import { parseNdOptions } from '../../core/discovery/nd-options.js';
import { parseNdUserOptMessages } from '../../core/discovery/nd-useropt-message.js';
import { parseRdnssOption, rdnssOptions } from '../../core/discovery/rdnss-option.js';
import { formatIpv6 } from '../../core/wire/address.js';
import { concat, ndUserOptMessage, pref64Option, rdnssOption } from './discovery-fixtures.js';

function options(bytes: Uint8Array) {
  const parsed = parseNdOptions(bytes, 0, bytes.length);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.options;
}

const text = (addresses: readonly Uint8Array[]) => addresses.map((address) => formatIpv6(address));

describe('RDNSS option (RFC 8106 §5.1)', () => {
  it('decodes type, length, lifetime and one address from literal bytes', () => {
    const bytes = Uint8Array.of(
      25, 3, 0, 0, // type, length 3 (24 bytes), reserved
      0, 0, 0x0e, 0x10, // lifetime 3600 s
      0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, // 2001:db8:1:2::1
    );
    const parsed = parseRdnssOption(bytes, options(bytes)[0]);
    expect(parsed && [text(parsed.addresses), parsed.lifetimeS]).toEqual([['2001:db8:1:2::1'], 3600]);
    expect(rdnssOption(3600, '2001:db8:1:2::1')).toEqual(bytes);
  });

  it('reads several addresses in order, and the infinite lifetime as all ones', () => {
    const bytes = rdnssOption(0xffffffff, 'fe80::1', '2001:db8::53');
    const parsed = parseRdnssOption(bytes, options(bytes)[0]);
    expect(parsed && [text(parsed.addresses), parsed.lifetimeS]).toEqual([['fe80::1', '2001:db8::53'], 0xffffffff]);
  });

  it('ignores a length below 3 or an even one (no whole addresses), and other option types', () => {
    const short = Uint8Array.of(25, 1, 0, 0, 0, 0, 0, 60);
    expect(parseRdnssOption(short, options(short)[0])).toBeNull();
    const even = new Uint8Array(32);
    even.set([25, 4]);
    expect(parseRdnssOption(even, options(even)[0])).toBeNull();
    const pref64 = pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 10 });
    expect(rdnssOptions(pref64, options(pref64))).toEqual([]);
  });

  it('comes through the kernel relay (RTM_NEWNDUSEROPT) next to a PREF64', () => {
    const datagram = concat(
      ndUserOptMessage({ ifindex: 4, router: 'fe80::1', options: rdnssOption(1200, '2001:db8:1:2::1') }),
      ndUserOptMessage({ ifindex: 4, router: 'fe80::1', options: pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 10 }) }),
    );
    const messages = parseNdUserOptMessages(datagram);
    expect(messages.map((m) => [m.ifindex, m.rdnss.map((o) => [text(o.addresses), o.lifetimeS]), m.pref64.length])).toEqual([
      [4, [[['2001:db8:1:2::1'], 1200]], 0],
      [4, [], 1],
    ]);
  });
});
