// raDiscovery: netlink datagrams from an injected source become 'pref64' inputs for the uplink only.

import { describe, expect, it } from 'vitest';
import { raDiscovery, type Pref64Input } from '../../core/discovery/ra-discovery.js';
import { concat, FakeNdUserOptSource, ndUserOptMessage, pref64Option, prefixText } from './discovery-fixtures.js';

const option = (prefix: string, scaledLifetime: number) => pref64Option({ prefix, plc: 0, scaledLifetime });

describe('raDiscovery', () => {
  it('turns PREF64 options on the uplink into inputs, and follows an uplink change', () => {
    const source = new FakeNdUserOptSource();
    const seen: Pref64Input[] = [];
    const ra = raDiscovery(source, { uplinkIfindex: 2, nowMs: () => 1234, onPref64: (input) => seen.push(input) });
    source.push(concat(
      ndUserOptMessage({ ifindex: 2, router: 'fe80::1', options: option('2001:db8:64::', 225) }),
      ndUserOptMessage({ ifindex: 3, router: 'fe80::2', options: option('2001:db8:65::', 225) }),
      ndUserOptMessage({ ifindex: 2, router: null, options: option('2001:db8:66::', 0) }),
    ));
    expect(seen.map((input) => [input.atMs, input.ifindex, input.router, prefixText(input.prefix), input.lifetimeS])).toEqual([
      [1234, 2, 'fe80::1', '2001:db8:64::/96', 1800],
      [1234, 2, null, '2001:db8:66::/96', 0],
    ]);
    ra.setUplinkIfindex(3);
    source.push(ndUserOptMessage({ ifindex: 2, options: option('2001:db8:64::', 225) }));
    source.push(ndUserOptMessage({ ifindex: 3, options: option('2001:db8:65::', 225) }));
    expect(seen.map((input) => prefixText(input.prefix))).toEqual(['2001:db8:64::/96', '2001:db8:66::/96', '2001:db8:65::/96']);
    ra.close();
    expect(source.closed).toBe(true);
  });

  it('takes every interface when no uplink is set, and nothing after close', () => {
    const source = new FakeNdUserOptSource();
    const seen: Pref64Input[] = [];
    const ra = raDiscovery(source, { uplinkIfindex: null, nowMs: () => 0, onPref64: (input) => seen.push(input) });
    source.push(ndUserOptMessage({ ifindex: 9, options: option('2001:db8:64::', 1) }));
    ra.close();
    source.closed = false; // a source that still delivers after close: the listener must ignore it
    source.push(ndUserOptMessage({ ifindex: 9, options: option('2001:db8:65::', 1) }));
    expect(seen.map((input) => input.ifindex)).toEqual([9]);
  });
});
