// Trace rows' addresses: an address under the NAT64 prefix keeps its embedded IPv4 whole and
// marked apart from the prefix; the CLAT's own address is the one shortened, in the middle.

import { describe, expect, it } from 'vitest';
import { lineParts, shortenMiddle, splitQuote, type LinePart } from '../../renderer/features/traces/line-parts.js';

const context = { clatIpv6: '2001:db8:1:2:c1:a7ff:fe00:2', nat64Prefix: '2001:db8:64::/96', shortenClat: false };
const text = (parts: readonly LinePart[]) => parts.map((part) => (part.kind === 'nat64' ? part.parts.map((p) => p.text).join('') : part.text)).join('');

describe('trace line parts', () => {
  const echo = '2001:db8:1:2:c1:a7ff:fe00:2 > 2001:db8:64::cb00:710a: ICMP6, echo request, id 7, seq 1, length 64';

  it('finds the CLAT and the NAT64 address; the rest is text, and the whole reads as before', () => {
    const parts = lineParts(echo, context);
    expect(parts.map((part) => part.kind)).toEqual(['clat', 'text', 'nat64', 'text']);
    expect(text(parts)).toBe(echo);
    const nat64 = parts[2];
    expect(nat64).toEqual({
      kind: 'nat64',
      parts: [
        { text: '2001:db8:64::', embedded: false },
        { text: 'cb00:710a', embedded: true },
      ],
      ipv4: '203.0.113.10',
    });
  });

  it('shortens only the CLAT address, in the middle, never the embedded IPv4', () => {
    const parts = lineParts(echo, { ...context, shortenClat: true });
    expect(parts[0]).toEqual({ kind: 'clat', text: '2001:db8…2', full: '2001:db8:1:2:c1:a7ff:fe00:2' });
    expect(text(parts)).toBe('2001:db8…2 > 2001:db8:64::cb00:710a: ICMP6, echo request, id 7, seq 1, length 64');
  });

  it('addresses with ports (TCP, UDP) and an ICMP error quoting a packet', () => {
    const tcp = '2001:db8:64::cb00:710a.80 > 2001:db8:1:2:c1:a7ff:fe00:2.51514: Flags [S.], seq 1, ack 8, win 65535, length 0';
    expect(lineParts(tcp, context).map((part) => part.kind)).toEqual(['nat64', 'text', 'clat', 'text']);
    expect(text(lineParts(tcp, context))).toBe(tcp);
    const error = '2001:db8:1:2::1 > 2001:db8:1:2:c1:a7ff:fe00:2: ICMP6, time exceeded in-transit, length 96 [2001:db8:1:2:c1:a7ff:fe00:2 > 2001:db8:64::cb00:710a: ICMP6, echo request]';
    expect(lineParts(error, context).map((part) => part.kind)).toEqual(['text', 'clat', 'text', 'clat', 'text', 'nat64', 'text']);
  });

  it('IPv4 lines, no status and other prefixes stay plain text', () => {
    expect(lineParts('192.0.0.1 > 203.0.113.10: ICMP echo request', context)).toEqual([{ kind: 'text', text: '192.0.0.1 > 203.0.113.10: ICMP echo request' }]);
    expect(lineParts(echo, { clatIpv6: null, nat64Prefix: null, shortenClat: true })).toEqual([{ kind: 'text', text: echo }]);
    expect(lineParts('2001:db8:6464::cb00:710a > x', context)[0].kind).toBe('text');
  });

  it("an ICMP error's quoted packet is split off, to be shown whole or not at all", () => {
    const error = '2001:db8:1:2::1 > 2001:db8:1:2::c1a7: ICMP6, time exceeded in-transit, length 96 [2001:db8:1:2::c1a7 > 2001:db8:64::cb00:710a: ICMP6, echo request]';
    expect(splitQuote(error)).toEqual({
      main: '2001:db8:1:2::1 > 2001:db8:1:2::c1a7: ICMP6, time exceeded in-transit, length 96',
      quote: ' [2001:db8:1:2::c1a7 > 2001:db8:64::cb00:710a: ICMP6, echo request]',
    });
    expect(splitQuote('192.0.0.1.80 > 203.0.113.10.80: Flags [S], seq 7')).toEqual({ main: '192.0.0.1.80 > 203.0.113.10.80: Flags [S], seq 7', quote: null });
  });

  it('short addresses are not shortened', () => {
    expect(shortenMiddle('2001:db8:1:2::c1a7')).toBe('2001:db8:1:2::c1a7');
    expect(shortenMiddle('2001:db8:1:2:c1:a7ff:fe00:2')).toBe('2001:db8…2');
  });
});
