// Address translation: the RFC 6052 §3.1 rule for the well-known prefix, EAMT longest-prefix match
// (RFC 7757 §3.2) through the translator, RFC 7757 §4 hairpinning, and the CLAT configuration of
// RFC 6877 (one EAMT entry for the host's IPv4 address, pool6 for everything else).

import { describe, expect, it } from 'vitest';
import { Eamt } from '../../core/xlat/eamt.js';
import { parseSiitConfig, type SiitConfig } from '../../core/xlat/config.js';
import { isNonGlobalIpv4, isPrivateIpv4 } from '../../core/xlat/rfc6052.js';
import { AddressMap, wkpNonGlobal } from '../../core/xlat/address-map.js';
import { formatIpv4, formatIpv6 } from '../../core/wire/address.js';
import { addr4, addr6, echoRest, icmp4, icmp6, ipv4, ipv6, pattern, tcp, udp } from './packet-builder.js';
import { get16, hex, packetProblems, readIpv4, readIpv6 } from './packet-check.js';
import { makeTranslator, net, only, run } from './xlat-fixture.js';

function config(json: object): SiitConfig {
  const parsed = parseSiitConfig({ selfIpv4: net.selfIpv4, selfIpv6: net.selfIpv6, ...json });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

describe('RFC 6052 §3.1: the well-known prefix never carries a non-global IPv4 address', () => {
  it('isNonGlobalIpv4: the RFC 6890 non-global ranges, RFC 1918, multicast and reserved; their edges', () => {
    // A pure function of a number: a few public addresses appear here only as values.
    const table: [string, boolean][] = [
      ['0.0.0.0', true], ['0.255.255.255', true], ['1.0.0.0', false],
      ['9.255.255.255', false], ['10.0.0.0', true], ['10.255.255.255', true], ['11.0.0.0', false],
      ['100.63.255.255', false], ['100.64.0.0', true], ['100.127.255.255', true], ['100.128.0.0', false],
      ['126.255.255.255', false], ['127.0.0.1', true], ['128.0.0.0', false],
      ['169.253.255.255', false], ['169.254.0.1', true], ['169.255.0.0', false],
      ['172.15.255.255', false], ['172.16.0.0', true], ['172.31.255.255', true], ['172.32.0.0', false],
      ['192.0.0.1', true], ['192.0.0.255', true], ['192.0.1.0', false],
      ['192.0.2.0', true], ['192.0.2.255', true], ['192.0.3.0', false],
      ['192.167.255.255', false], ['192.168.0.1', true], ['192.168.255.255', true], ['192.169.0.0', false],
      ['198.17.255.255', false], ['198.18.0.0', true], ['198.19.255.255', true], ['198.20.0.0', false],
      ['198.51.99.255', false], ['198.51.100.1', true], ['198.51.101.0', false],
      ['203.0.112.255', false], ['203.0.113.1', true], ['203.0.114.0', false],
      ['223.255.255.255', false], ['224.0.0.1', true], ['239.255.255.255', true], ['240.0.0.1', true], ['255.255.255.255', true],
      ['8.8.8.8', false], ['1.1.1.1', false], ['93.184.216.34', false],
    ];
    for (const [address, nonGlobal] of table) expect([address, isNonGlobalIpv4(addr4(address))]).toEqual([address, nonGlobal]);
  });

  it('AddressMap under 64:ff9b::/96: a global address maps, a non-global one is refused, both directions', () => {
    const map = new AddressMap(config({ pool6: '64:ff9b::/96' }));
    const out = new Uint8Array(16);
    expect(map.map4to6(addr4('8.8.8.8'), out, 0, false)).toBe(0);
    expect(formatIpv6(out)).toBe('64:ff9b::808:808');
    expect(formatIpv4(map.map6to4(addr6('64:ff9b::808:808'), 0))).toBe('8.8.8.8');
    expect(map.map4to6(addr4('192.168.1.1'), out, 0, false)).toBe(wkpNonGlobal);
    expect(map.map6to4(addr6('64:ff9b::c0a8:101'), 0)).toBe(wkpNonGlobal);
  });

  it('the rule binds only the well-known prefix: a network-specific prefix carries any address', () => {
    const map = new AddressMap(config({ pool6: net.pool6 }));
    const out = new Uint8Array(16);
    expect(map.map4to6(addr4('192.168.1.1'), out, 0, false)).toBe(0);
    expect(formatIpv6(out)).toBe('2001:db8:64::c0a8:101');
  });

  // With the WKP as pool6, documentation addresses are themselves non-global; an EAMT entry gives the
  // other end of each packet an address that does not go through the WKP.
  const wkp = makeTranslator({ pool6: '64:ff9b::/96', eamt: [{ ipv6: '2001:db8:1::/120', ipv4: '198.51.100.0/24' }] });

  it('4→6: a non-global destination or source under the WKP gives verdict wkpNonGlobal', () => {
    // RFC 6052 §3.1: translators "MUST NOT translate packets in which an address is composed of the
    // Well-Known Prefix and a non-global IPv4 address; they MUST drop these packets."
    for (const dst of ['192.0.2.1', '10.0.0.1', '192.168.7.7', '100.64.0.1']) {
      const result = run(wkp, ipv4({ src: '198.51.100.5', dst }, udp()));
      expect([dst, result.verdict, result.out.length]).toEqual([dst, 'wkpNonGlobal', 0]);
    }
    for (const src of ['192.0.2.1', '10.0.0.1', '192.168.7.7', '100.64.0.1']) {
      const result = run(wkp, ipv4({ src, dst: '198.51.100.5' }, udp()));
      expect([src, result.verdict, result.out.length]).toEqual([src, 'wkpNonGlobal', 0]);
    }
  });

  it('6→4: a non-global destination or source under the WKP gives verdict wkpNonGlobal', () => {
    for (const dst of ['64:ff9b::c000:201', '64:ff9b::a00:1', '64:ff9b::c0a8:707', '64:ff9b::6440:1']) {
      const result = run(wkp, ipv6({ src: '2001:db8:1::5', dst }, udp()));
      expect([dst, result.verdict, result.out.length]).toEqual([dst, 'wkpNonGlobal', 0]);
    }
    for (const src of ['64:ff9b::c000:201', '64:ff9b::a00:1', '64:ff9b::c0a8:707', '64:ff9b::6440:1']) {
      const result = run(wkp, ipv6({ src, dst: '2001:db8:1::5' }, udp()));
      expect([src, result.verdict, result.out.length]).toEqual([src, 'wkpNonGlobal', 0]);
    }
  });
});

describe('draft-ietf-v6ops-nat64-wkp-1918: RFC 1918 under the well-known prefix, when allowed', () => {
  it('isPrivateIpv4: exactly 10/8, 172.16/12 and 192.168/16', () => {
    const table: [string, boolean][] = [
      ['9.255.255.255', false], ['10.0.0.0', true], ['10.255.255.255', true], ['11.0.0.0', false],
      ['172.15.255.255', false], ['172.16.0.0', true], ['172.31.255.255', true], ['172.32.0.0', false],
      ['192.167.255.255', false], ['192.168.0.0', true], ['192.168.255.255', true], ['192.169.0.0', false],
      ['100.64.0.1', false], ['127.0.0.1', false], ['169.254.0.1', false], ['192.0.2.1', false],
    ];
    for (const [address, isPrivate] of table) expect([address, isPrivateIpv4(addr4(address))]).toEqual([address, isPrivate]);
  });

  it('AddressMap: allowed, RFC 1918 maps both ways under 64:ff9b::/96; other non-global ranges stay refused', () => {
    const map = new AddressMap(config({ pool6: '64:ff9b::/96', allowPrivateWkp: true }));
    const out = new Uint8Array(16);
    for (const [v4, v6] of [['10.1.2.3', '64:ff9b::a01:203'], ['172.20.0.9', '64:ff9b::ac14:9'], ['192.168.1.1', '64:ff9b::c0a8:101']]) {
      expect([v4, map.map4to6(addr4(v4), out, 0, false), formatIpv6(out)]).toEqual([v4, 0, v6]);
      expect([v6, formatIpv4(map.map6to4(addr6(v6), 0))]).toEqual([v6, v4]);
    }
    for (const v4 of ['100.64.0.1', '127.0.0.1', '169.254.1.1', '192.0.0.170', '224.0.0.1']) {
      expect([v4, map.map4to6(addr4(v4), out, 0, false)]).toEqual([v4, wkpNonGlobal]);
    }
    expect(map.map6to4(addr6('64:ff9b::7f00:1'), 0)).toBe(wkpNonGlobal);
  });

  const wkp1918 = (allowPrivateWkp: boolean) =>
    makeTranslator({ pool6: '64:ff9b::/96', eamt: [{ ipv6: '2001:db8:1::/120', ipv4: '198.51.100.0/24' }], allowPrivateWkp });

  it('the translator, off (the default): 10.0.0.1 is dropped as wkpNonGlobal both ways', () => {
    expect(run(wkp1918(false), ipv4({ src: '198.51.100.5', dst: '10.0.0.1' }, udp())).verdict).toBe('wkpNonGlobal');
    expect(run(wkp1918(false), ipv6({ src: '64:ff9b::a00:1', dst: '2001:db8:1::5' }, udp())).verdict).toBe('wkpNonGlobal');
  });

  it('the translator, on: 10.0.0.1 goes out as 64:ff9b::a00:1 and its reply comes back', () => {
    const out = only(run(wkp1918(true), ipv4({ src: '198.51.100.5', dst: '10.0.0.1' }, udp({ payload: pattern(12) }))));
    expect([readIpv6(out.bytes).src, readIpv6(out.bytes).dst, packetProblems(out.bytes)]).toEqual(['2001:db8:1::5', '64:ff9b::a00:1', []]);
    const back = only(run(wkp1918(true), ipv6({ src: '64:ff9b::a00:1', dst: '2001:db8:1::5' }, udp({ payload: pattern(12) }))));
    expect([readIpv4(back.bytes).src, readIpv4(back.bytes).dst, packetProblems(back.bytes)]).toEqual(['10.0.0.1', '198.51.100.5', []]);
    // Not a licence for every non-global address: loopback stays refused.
    expect(run(wkp1918(true), ipv4({ src: '198.51.100.5', dst: '127.0.0.1' }, udp())).verdict).toBe('wkpNonGlobal');
  });
});

describe('RFC 7757 §3.2: EAMT longest-prefix match', () => {
  // Nested IPv4 prefixes, and separately nested IPv6 prefixes; listed shortest first on purpose.
  const entries = [
    { ipv6: '2001:db8:aaaa::/120', ipv4: '198.51.100.0/24' },
    { ipv6: '2001:db8:bbbb::/124', ipv4: '198.51.100.16/28' },
    { ipv6: '2001:db8:cccc::/120', ipv4: '203.0.113.0/24' },
    { ipv6: '2001:db8:cccc::80/125', ipv4: '192.0.2.8/29' },
  ];
  const eamt = new Eamt(config({ eamt: entries }).eamt);

  function to6(v4: string): string {
    const out = new Uint8Array(16);
    expect(eamt.map4to6(addr4(v4), out, 0)).toBe(true);
    return formatIpv6(out);
  }
  function to4(v6: string): string {
    const v4 = eamt.map6to4(addr6(v6), 0);
    return v4 < 0 ? 'none' : formatIpv4(v4);
  }

  it('IPv4 → IPv6: the longest IPv4 prefix wins, the suffix follows the IPv6 prefix', () => {
    expect(to6('198.51.100.20')).toBe('2001:db8:bbbb::4'); // /28 beats /24
    expect(to6('198.51.100.5')).toBe('2001:db8:aaaa::5');
    expect(to6('198.51.100.255')).toBe('2001:db8:aaaa::ff');
    expect(to6('192.0.2.9')).toBe('2001:db8:cccc::81');
    expect(eamt.map4to6(addr4('192.0.2.100'), new Uint8Array(16), 0)).toBe(false);
  });

  it('IPv6 → IPv4: the longest IPv6 prefix wins', () => {
    expect(to4('2001:db8:cccc::81')).toBe('192.0.2.9'); // /125 beats /120
    expect(to4('2001:db8:cccc::87')).toBe('192.0.2.15');
    expect(to4('2001:db8:cccc::1')).toBe('203.0.113.1');
    expect(to4('2001:db8:cccc::88')).toBe('203.0.113.136');
    expect(to4('2001:db8:bbbb::f')).toBe('198.51.100.31');
    expect(to4('2001:db8:bbbb::10')).toBe('none'); // outside the /124
    expect(to4('2001:db8:aaaa::1:0')).toBe('none');
  });

  it('the translator maps by the EAMT before pool6, in both directions (RFC 7757 §3.1)', () => {
    const t = makeTranslator({ eamt: entries });
    const out = only(run(t, ipv4({ src: '203.0.113.1', dst: '198.51.100.20' }, tcp())));
    const v6 = readIpv6(out.bytes);
    expect([v6.src, v6.dst]).toEqual(['2001:db8:cccc::1', '2001:db8:bbbb::4']);
    expect(packetProblems(out.bytes)).toEqual([]);
    const back = only(run(t, ipv6({ src: '2001:db8:bbbb::4', dst: '2001:db8:64::c000:263' }, tcp())));
    const v4 = readIpv4(back.bytes);
    expect([v4.src, v4.dst]).toEqual(['198.51.100.20', '192.0.2.99']);
    expect(packetProblems(back.bytes)).toEqual([]);
  });
});

describe('RFC 7757 §4: hairpinning', () => {
  const t = makeTranslator({ eamt: [{ ipv6: '2001:db8:1::/120', ipv4: '198.51.100.0/24' }] });

  it('an IPv6 node reaching another EAMT node by its pool6 address is sent back to the IPv6 side', () => {
    // §4: the destination (pool6 + 198.51.100.6) belongs to an EAMT entry, so the IPv4 packet would
    // leave towards the IPv6 side: translate it back, the source now by RFC 6052.
    const packet = ipv6({ src: '2001:db8:1::5', dst: '2001:db8:64::c633:6406', hopLimit: 64 }, udp({ payload: pattern(9) }));
    const out = only(run(t, packet));
    expect([out.family, out.generated]).toEqual([6, 0]);
    const v6 = readIpv6(out.bytes);
    expect([v6.src, v6.dst, v6.hopLimit]).toEqual(['2001:db8:64::c633:6405', '2001:db8:1::6', 63]);
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('a destination that is itself an EAMT IPv6 address is translated to IPv4, not hairpinned', () => {
    const out = only(run(t, ipv6({ src: '2001:db8:1::5', dst: '2001:db8:1::6' }, udp())));
    expect(out.family).toBe(4);
    expect([readIpv4(out.bytes).src, readIpv4(out.bytes).dst]).toEqual(['198.51.100.5', '198.51.100.6']);
  });
});

describe('RFC 6877: the CLAT configuration', () => {
  // RFC 6877 §6.3 with an EAM for the host: the host's IPv4 address 192.0.0.1 (RFC 7335) ↔ the CLAT's
  // IPv6 address; every IPv4 destination through the PLAT's NAT64 prefix.
  const clat = makeTranslator({
    pool6: '2001:db8:64::/96',
    eamt: [{ ipv6: '2001:db8:1:2::c1a7/128', ipv4: '192.0.0.1/32' }],
    selfIpv4: '192.0.0.2',
    selfIpv6: '2001:db8:1:2::1',
  });
  const host = '192.0.0.1';
  const clatIpv6 = '2001:db8:1:2::c1a7';
  const server = '203.0.113.10';
  const server6 = '2001:db8:64::cb00:710a';

  it('host → server: 192.0.0.1 → 203.0.113.10 leaves as <CLAT IPv6> → 2001:db8:64::cb00:710a', () => {
    const out = only(run(clat, ipv4({ src: host, dst: server }, udp({ payload: pattern(20) }))));
    expect([out.family, out.generated]).toEqual([6, 0]);
    const v6 = readIpv6(out.bytes);
    expect([v6.src, v6.dst]).toEqual([clatIpv6, server6]);
    expect(hex(out.bytes.subarray(8, 40))).toBe('20010db800010002000000000000c1a7' + '20010db80064000000000000cb00710a');
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('server → host: the reply comes back to 192.0.0.1 on the IPv4 side (not hairpinned)', () => {
    const out = only(run(clat, ipv6({ src: server6, dst: clatIpv6 }, udp({ payload: pattern(20) }))));
    expect([out.family, out.generated]).toEqual([4, 0]);
    const v4 = readIpv4(out.bytes);
    expect([v4.src, v4.dst]).toEqual([server, host]);
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('TCP and ping both ways', () => {
    const syn = only(run(clat, ipv4({ src: host, dst: server }, tcp({ flags: 0x02, payload: new Uint8Array(0) }))));
    expect(packetProblems(syn.bytes)).toEqual([]);
    const synAck = only(run(clat, ipv6({ src: server6, dst: clatIpv6 }, tcp({ flags: 0x12, payload: new Uint8Array(0) }))));
    expect([readIpv4(synAck.bytes).dst, packetProblems(synAck.bytes)]).toEqual([host, []]);
    const ping = only(run(clat, ipv4({ src: host, dst: server }, icmp4({ type: 8, rest: echoRest(7, 1), payload: pattern(8) }))));
    expect([readIpv6(ping.bytes).payload[0], packetProblems(ping.bytes)]).toEqual([128, []]);
    const pong = only(run(clat, ipv6({ src: server6, dst: clatIpv6 }, icmp6({ type: 129, rest: echoRest(7, 1), payload: pattern(8) }))));
    const v4 = readIpv4(pong.bytes);
    expect([v4.dst, v4.payload[0], get16(v4.payload, 4), packetProblems(pong.bytes)]).toEqual([host, 0, 7, []]);
  });

  it('an ICMPv6 error from an untranslatable router reaches the host from selfIpv4 (RFC 6791)', () => {
    const quoted = ipv6({ src: clatIpv6, dst: server6, hopLimit: 1 }, udp());
    const error = ipv6({ src: '2001:db8:ffff::fe', dst: clatIpv6 }, icmp6({ type: 3, code: 0, payload: quoted }));
    const out = only(run(clat, error));
    expect(out.family).toBe(4);
    const v4 = readIpv4(out.bytes);
    expect([v4.src, v4.dst, v4.payload[0]]).toEqual(['192.0.0.2', host, 11]);
    const inner = readIpv4(v4.payload.subarray(8));
    expect([inner.src, inner.dst, inner.ttl]).toEqual([host, server, 1]);
    expect(packetProblems(out.bytes)).toEqual([]);
  });
});
