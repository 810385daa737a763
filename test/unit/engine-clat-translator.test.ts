// The translator as the engine builds it for a CLAT (core/engine/clat-translator.ts): the RFC 6791
// source for ICMP errors from IPv6 nodes without an IPv4 form (192.0.0.8, RFC 7600), the CLAT's own
// errors (192.0.0.2), and the opt-in for RFC 1918 destinations under 64:ff9b::/96.

import { describe, expect, it } from 'vitest';
import { clatTranslator, ipv4DummyAddress } from '../../core/engine/clat-translator.js';
import { parseIpv6Prefix } from '../../core/wire/address.js';
import { icmp6, ipv4, ipv6, pattern, udp } from './packet-builder.js';
import { packetProblems, readIpv4, readIpv6 } from './packet-check.js';
import { only, run } from './xlat-fixture.js';

const clatIpv6 = '2001:db8:1:2:aaaa:bbbb:cccc:dddd';
const host = '192.0.0.1';
const server = '203.0.113.10';
const server6 = '2001:db8:64::cb00:710a';
/** A router of the access network: not under the NAT64 prefix, not the CLAT: no IPv4 form. */
const accessRouter = '2001:db8:1:2::1';

function prefix(text: string) {
  const parsed = parseIpv6Prefix(text);
  if (parsed === undefined) throw new Error(text);
  return parsed;
}

describe('clatTranslator', () => {
  const clat = clatTranslator(prefix('2001:db8:64::/96'), clatIpv6, 1500);

  it('RFC 6791 / RFC 7600: a Time Exceeded from a router with no IPv4 form reaches the host from 192.0.0.8', () => {
    expect(ipv4DummyAddress).toBe('192.0.0.8');
    const quoted = ipv6({ src: clatIpv6, dst: server6, hopLimit: 1 }, udp({ payload: pattern(8) }));
    const error = ipv6({ src: accessRouter, dst: clatIpv6 }, icmp6({ type: 3, code: 0, payload: quoted }));
    const out = only(run(clat, error));
    const v4 = readIpv4(out.bytes);
    expect([out.family, v4.src, v4.dst, v4.payload[0], v4.payload[1]]).toEqual([4, '192.0.0.8', host, 11, 0]);
    const inner = readIpv4(v4.payload.subarray(8));
    expect([inner.src, inner.dst]).toEqual([host, server]);
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('an error from a node under the NAT64 prefix keeps its own IPv4 address (it has one)', () => {
    const quoted = ipv6({ src: clatIpv6, dst: server6, hopLimit: 1 }, udp());
    const error = ipv6({ src: '2001:db8:64::c000:201', dst: clatIpv6 }, icmp6({ type: 3, code: 0, payload: quoted }));
    expect(readIpv4(only(run(clat, error)).bytes).src).toBe('192.0.2.1');
  });

  it("the CLAT's own Time Exceeded (TTL 1 from the host) still comes from 192.0.0.2", () => {
    const result = run(clat, ipv4({ src: host, dst: server, ttl: 1 }, udp()));
    expect([result.verdict, result.out.length]).toEqual(['ttlExpired', 1]);
    const v4 = readIpv4(result.out[0].bytes);
    expect([result.out[0].family, v4.src, v4.dst, v4.payload[0]]).toEqual([4, '192.0.0.2', host, 11]);
  });

  it('RFC 1918 under 64:ff9b::/96: refused by default, translated with allowPrivateWkp', () => {
    const wkp = prefix('64:ff9b::/96');
    const packet = ipv4({ src: host, dst: '192.168.1.10' }, udp({ payload: pattern(4) }));
    expect(run(clatTranslator(wkp, clatIpv6, 1500), packet).verdict).toBe('wkpNonGlobal');
    const out = only(run(clatTranslator(wkp, clatIpv6, 1500, false, true), packet));
    expect([readIpv6(out.bytes).src, readIpv6(out.bytes).dst]).toEqual([clatIpv6, '64:ff9b::c0a8:10a']);
  });
});
