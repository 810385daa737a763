// The nftables rule set of ingress delivery (core/host/ingress-ruleset.ts): what it moves where,
// and that it refuses names and addresses it could not quote. nft itself checks the syntax in the
// end-to-end tests, where the rule set is loaded into a lab host.

import { describe, expect, it } from 'vitest';
import { ingressRuleset } from '../../core/host/ingress-ruleset.js';

const plan = { uplink: 'wlp2s0', tun: 'clat', clatIpv6: '2001:DB8:1:2:0:0:0:99', nextHop: 'fe80::1' };

describe('ingressRuleset', () => {
  it('replaces the netdev table in one transaction', () => {
    const lines = ingressRuleset(plan).split('\n');
    expect(lines.slice(0, 3)).toEqual(['add table netdev clatter', 'delete table netdev clatter', 'table netdev clatter {']);
  });

  it("moves the CLAT address's packets from the uplink into the TUN, neighbour discovery left to the kernel", () => {
    const text = ingressRuleset(plan);
    expect(text).toContain('type filter hook ingress device "wlp2s0" priority -500; policy accept;');
    // The address in its canonical form (RFC 5952), as nft prints it back.
    const accept = text.indexOf('ip6 daddr 2001:db8:1:2::99 icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect } accept');
    const fwd = text.indexOf('ip6 daddr 2001:db8:1:2::99 fwd ip6 to 2001:db8:1:2::99 device "clat"');
    expect(accept).toBeGreaterThan(0);
    expect(fwd).toBeGreaterThan(accept);
  });

  it('sends what the TUN gives from the CLAT address to the next hop, or to the destination on the link', () => {
    expect(ingressRuleset(plan)).toContain('type filter hook ingress device "clat" priority -500; policy accept;\n    ip6 saddr 2001:db8:1:2::99 fwd ip6 to fe80::1 device "wlp2s0"');
    expect(ingressRuleset({ ...plan, nextHop: null })).toContain('ip6 saddr 2001:db8:1:2::99 fwd ip6 to ip6 daddr device "wlp2s0"');
  });

  it('refuses what it cannot quote: a bad interface name or address is a bug, not a rule', () => {
    expect(() => ingressRuleset({ ...plan, uplink: 'eth0"; flush ruleset; "' })).toThrow(/not an interface name/);
    expect(() => ingressRuleset({ ...plan, tun: 'a-name-longer-than-15' })).toThrow(/not an interface name/);
    expect(() => ingressRuleset({ ...plan, nextHop: 'fe80::1 device "x"' })).toThrow(/not an IPv6 address/);
  });
});
