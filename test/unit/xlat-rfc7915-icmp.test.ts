// RFC 7915 ICMP translation beyond the Jool corpus: Echo both ways, the full type/code tables of
// §4.2 and §5.2 (table-driven over icmp-map.ts, and end to end), Time Exceeded with its embedded
// packet, Parameter Problem pointers (Figures 3 and 6), Fragmentation Needed ↔ Packet Too Big MTUs,
// and the RFC 6791 source of translated errors.

import { describe, expect, it } from 'vitest';
import { icmp4to6, icmp6to4, mapPointer4to6, mapPointer6to4, plateauBelow } from '../../core/xlat/icmp-map.js';
import { echoRest, icmp4, icmp6, ipv4, ipv6, pattern, tcp, udp } from './packet-builder.js';
import { get16, get32, hex, packetProblems, put16, readIpv4, readIpv6 } from './packet-check.js';
import { makeTranslator, net, only, run } from './xlat-fixture.js';

const t = makeTranslator();

type TypeCode = readonly [number, number];

// RFC 7915 §4.2, written out from the text: ICMPv4 [type, code] → ICMPv6 [type, code]. A type/code
// not listed is silently dropped ("Other Code values: Silently drop", "Unknown error messages:
// Silently drop", and the single-hop or obsolete types: Information, Timestamp, Address Mask,
// Router Advertisement/Solicitation, Redirect, Alternative Host Address, Source Quench).
const rfc7915Sec42: [TypeCode, TypeCode][] = [
  [[8, 0], [128, 0]], // Echo → Echo Request
  [[0, 0], [129, 0]], // Echo Reply
  [[3, 0], [1, 0]], // Net Unreachable → No route to destination
  [[3, 1], [1, 0]], // Host Unreachable
  [[3, 2], [4, 1]], // Protocol Unreachable → Parameter Problem, pointer to Next Header
  [[3, 3], [1, 4]], // Port Unreachable
  [[3, 4], [2, 0]], // Fragmentation Needed → Packet Too Big
  [[3, 5], [1, 0]], // Source Route Failed
  [[3, 6], [1, 0]],
  [[3, 7], [1, 0]],
  [[3, 8], [1, 0]],
  [[3, 9], [1, 1]], // Communication with Destination Network Administratively Prohibited
  [[3, 10], [1, 1]], // ... Host Administratively Prohibited
  [[3, 11], [1, 0]],
  [[3, 12], [1, 0]],
  [[3, 13], [1, 1]], // Communication Administratively Prohibited
  // 3/14 Host Precedence Violation: silently drop
  [[3, 15], [1, 1]], // Precedence cutoff in effect
  [[11, 0], [3, 0]], // Time Exceeded, code unchanged
  [[11, 1], [3, 1]],
  [[12, 0], [4, 0]], // Parameter Problem, pointer mapped by Figure 3
  // 12/1 Missing a required option: silently drop
  [[12, 2], [4, 0]], // Bad length
];
/** Type/codes the RFC leaves open (codes that do not exist for the type); not checked. */
const unspecified4 = (type: number, code: number) => ((type === 8 || type === 0) && code !== 0) || (type === 11 && code > 1);

// RFC 7915 §5.2, written out from the text: ICMPv6 [type, code] → ICMPv4 [type, code]. Not listed:
// silently dropped (MLD 130-132, Neighbor Discovery 133-137, unknown informational and error types,
// Destination Unreachable codes 5+, Parameter Problem code 2 "Unrecognized IPv6 Option" and others).
const rfc7915Sec52: [TypeCode, TypeCode][] = [
  [[128, 0], [8, 0]],
  [[129, 0], [0, 0]],
  [[1, 0], [3, 1]], // No route to destination → Host unreachable
  [[1, 1], [3, 10]], // Administratively prohibited → Communication with destination host administratively prohibited
  [[1, 2], [3, 1]], // Beyond scope of source address
  [[1, 3], [3, 1]], // Address unreachable
  [[1, 4], [3, 3]], // Port unreachable
  [[2, 0], [3, 4]], // Packet Too Big → Fragmentation Needed
  [[3, 0], [11, 0]], // Time Exceeded, code unchanged
  [[3, 1], [11, 1]],
  [[4, 0], [12, 0]], // Erroneous header field → Parameter Problem, pointer mapped by Figure 6
  [[4, 1], [3, 2]], // Unrecognized Next Header → Protocol Unreachable
];
const unspecified6 = (type: number, code: number) => ((type === 128 || type === 129 || type === 2) && code !== 0) || (type === 3 && code > 1);

function unpack(packed: number): TypeCode | 'drop' {
  return packed < 0 ? 'drop' : [packed >> 8, packed & 0xff];
}

describe('RFC 7915 §4.2 and §5.2: the ICMP type and code tables (icmp-map.ts)', () => {
  it('§4.2: every ICMPv4 type/code maps as the RFC says, and everything else is dropped', () => {
    const expected = new Map(rfc7915Sec42.map(([from, to]) => [`${from[0]}/${from[1]}`, to]));
    const wrong: string[] = [];
    for (let type = 0; type < 256; type++) {
      for (let code = 0; code < 256; code++) {
        if (unspecified4(type, code)) continue;
        const want = expected.get(`${type}/${code}`) ?? 'drop';
        const got = unpack(icmp4to6(type, code));
        if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${type}/${code}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('§5.2: every ICMPv6 type/code maps as the RFC says, and everything else is dropped', () => {
    const expected = new Map(rfc7915Sec52.map(([from, to]) => [`${from[0]}/${from[1]}`, to]));
    const wrong: string[] = [];
    for (let type = 0; type < 256; type++) {
      for (let code = 0; code < 256; code++) {
        if (unspecified6(type, code)) continue;
        const want = expected.get(`${type}/${code}`) ?? 'drop';
        const got = unpack(icmp6to4(type, code));
        if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${type}/${code}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('Figure 3: IPv4 Parameter Problem pointer → IPv6 pointer; n/a and unlisted are dropped', () => {
    const figure3: Record<number, number> = { 0: 0, 1: 1, 2: 4, 3: 4, 8: 7, 9: 6, 12: 8, 13: 8, 14: 8, 15: 8, 16: 24, 17: 24, 18: 24, 19: 24 };
    for (let pointer = 0; pointer < 256; pointer++) {
      expect([pointer, mapPointer4to6(pointer)]).toEqual([pointer, figure3[pointer] ?? -1]);
    }
  });

  it('Figure 6: IPv6 Parameter Problem pointer → IPv4 pointer; n/a and unlisted are dropped', () => {
    const figure6 = (p: number) => (p <= 1 ? p : p <= 3 ? -1 : p <= 5 ? 2 : p === 6 ? 9 : p === 7 ? 8 : p <= 23 ? 12 : p <= 39 ? 16 : -1);
    for (let pointer = 0; pointer < 300; pointer++) {
      expect([pointer, mapPointer6to4(pointer)]).toEqual([pointer, figure6(pointer)]);
    }
    expect(mapPointer6to4(2)).toBe(-1);
    expect(mapPointer6to4(3)).toBe(-1);
    expect(mapPointer6to4(40)).toBe(-1);
  });

  it('RFC 1191 §7 plateaus: the greatest plateau below the Total Length', () => {
    const cases: [number, number][] = [
      [65535, 32000], [32001, 32000], [32000, 17914], [1500, 1492], [1493, 1492], [1492, 1006], [1280, 1006],
      [1006, 508], [576, 508], [509, 508], [508, 296], [297, 296], [296, 68], [100, 68], [68, 68], [20, 68],
    ];
    for (const [totalLen, plateau] of cases) expect([totalLen, plateauBelow(totalLen)]).toEqual([totalLen, plateau]);
  });
});

/** An ICMPv4 error from the IPv4 router to the IPv6 host, about a packet it sent (h6as4 → h4). */
function error4(type: number, code: number, rest = 0, inner = ipv4({ src: net.h6as4, dst: net.h4, ttl: 5, id: 0x7777 }, udp({ payload: pattern(16) }))) {
  return ipv4({ src: net.r4, dst: net.h6as4, ttl: 50 }, icmp4({ type, code, rest, payload: inner }));
}

/** An ICMPv6 error from the IPv6 router to the IPv4 host, about a packet it sent (h4as6 → h6). */
function error6(type: number, code: number, rest = 0, inner = ipv6({ src: net.h4as6, dst: net.h6, hopLimit: 5 }, udp({ payload: pattern(16) }))) {
  return ipv6({ src: net.r6, dst: net.h4as6, hopLimit: 50 }, icmp6({ type, code, rest, payload: inner }));
}

describe('RFC 7915 §4.2 / §5.2: Echo', () => {
  it('Echo Request 8 → 128 and Echo Reply 0 → 129, identifier, sequence and data kept, checksum valid (§4.2)', () => {
    // §4.2: "Adjust the Type values to 128 and 129, respectively, and adjust the ICMP checksum both to
    // take the type change into account and to include the ICMPv6 pseudo-header."
    for (const [type4, type6] of [[8, 128], [0, 129]]) {
      const data = pattern(56, type4);
      const out = only(run(t, ipv4({ src: net.h4, dst: net.h6as4 }, icmp4({ type: type4, rest: echoRest(0xbeef, 0x0102), payload: data }))));
      const v6 = readIpv6(out.bytes);
      expect([v6.src, v6.dst, v6.nextHeader, v6.payloadLen]).toEqual([net.h4as6, net.h6, 58, 64]);
      expect(Array.from(v6.payload.subarray(0, 2))).toEqual([type6, 0]);
      expect(get16(v6.payload, 4)).toBe(0xbeef);
      expect(get16(v6.payload, 6)).toBe(0x0102);
      expect(hex(v6.payload.subarray(8))).toBe(hex(data));
      expect(packetProblems(out.bytes)).toEqual([]);
    }
  });

  it('Echo Request 128 → 8 and Echo Reply 129 → 0, identifier, sequence and data kept, checksum valid (§5.2)', () => {
    for (const [type6, type4] of [[128, 8], [129, 0]]) {
      const data = pattern(33, type6);
      const out = only(run(t, ipv6({ src: net.h6, dst: net.h4as6 }, icmp6({ type: type6, rest: echoRest(0x0001, 0xfffe), payload: data }))));
      const v4 = readIpv4(out.bytes);
      expect([v4.src, v4.dst, v4.proto, v4.totalLen]).toEqual([net.h6as4, net.h4, 1, 20 + 41]);
      expect(Array.from(v4.payload.subarray(0, 2))).toEqual([type4, 0]);
      expect(get16(v4.payload, 4)).toBe(0x0001);
      expect(get16(v4.payload, 6)).toBe(0xfffe);
      expect(hex(v4.payload.subarray(8))).toBe(hex(data));
      expect(packetProblems(out.bytes)).toEqual([]);
    }
  });

  it('single-hop and obsolete informational messages are dropped end to end', () => {
    for (const type of [13, 14, 15, 17, 9, 10]) {
      const result = run(t, ipv4({ src: net.h4, dst: net.h6as4 }, icmp4({ type, payload: pattern(12) })));
      expect([type, result.verdict, result.out.length]).toEqual([type, 'icmpUntranslatableType', 0]);
    }
    for (const type of [130, 133, 134, 135, 136, 137, 200]) {
      const result = run(t, ipv6({ src: net.h6, dst: net.h4as6 }, icmp6({ type, payload: pattern(16) })));
      expect([type, result.verdict, result.out.length]).toEqual([type, 'icmpUntranslatableType', 0]);
    }
  });
});

describe('RFC 7915 §4.3 / §5.3: ICMP errors end to end', () => {
  it('ICMPv4 Time Exceeded 11/0 → ICMPv6 3/0 with the embedded packet translated, its TTL not decremented', () => {
    // §4.3: "The ICMP error messages containing the packet in error MUST be translated just like a
    // normal IP packet (except the TTL value of the inner IPv4/IPv6 packet)."
    const out = only(run(t, error4(11, 0)));
    expect([out.family, out.generated]).toEqual([6, 0]);
    const v6 = readIpv6(out.bytes);
    expect([v6.src, v6.dst, v6.hopLimit, v6.nextHeader]).toEqual([net.r4as6, net.h6, 49, 58]);
    expect(Array.from(v6.payload.subarray(0, 2))).toEqual([3, 0]);
    expect(get32(v6.payload, 4)).toBe(0);
    const inner = v6.payload.subarray(8);
    const innerV6 = readIpv6(inner);
    expect([innerV6.src, innerV6.dst, innerV6.hopLimit, innerV6.nextHeader, innerV6.payloadLen]).toEqual([net.h6, net.h4as6, 5, 17, 24]);
    expect(packetProblems(inner)).toEqual([]); // the whole packet was quoted, so its UDP checksum is checkable
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('ICMPv6 Time Exceeded 3/1 → ICMPv4 11/1 with the embedded packet translated, its hop limit kept', () => {
    // §5.3: "... (except that the TTL/Hop Limit value of the inner IPv4/IPv6 packet are not decremented)." 
    const out = only(run(t, error6(3, 1)));
    expect([out.family, out.generated]).toEqual([4, 0]);
    const v4 = readIpv4(out.bytes);
    expect([v4.src, v4.dst, v4.ttl, v4.proto]).toEqual([net.r6as4, net.h4, 49, 1]);
    expect(Array.from(v4.payload.subarray(0, 2))).toEqual([11, 1]);
    const inner = v4.payload.subarray(8);
    const innerV4 = readIpv4(inner);
    expect([innerV4.src, innerV4.dst, innerV4.ttl, innerV4.proto, innerV4.totalLen]).toEqual([net.h4, net.h6as4, 5, 17, 44]);
    expect(packetProblems(inner)).toEqual([]);
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('Time Exceeded codes 0 and 1 both ways', () => {
    for (const code of [0, 1]) {
      expect(Array.from(readIpv6(only(run(t, error4(11, code))).bytes).payload.subarray(0, 2))).toEqual([3, code]);
      expect(Array.from(readIpv4(only(run(t, error6(3, code))).bytes).payload.subarray(0, 2))).toEqual([11, code]);
    }
  });

  it('Destination Unreachable codes end to end, ICMPv4 → ICMPv6 (§4.2)', () => {
    const cases: [number, TypeCode][] = [[0, [1, 0]], [1, [1, 0]], [3, [1, 4]], [9, [1, 1]], [13, [1, 1]], [15, [1, 1]]];
    for (const [code, want] of cases) {
      const out = only(run(t, error4(3, code)));
      expect([code, Array.from(out.bytes.subarray(40, 42))]).toEqual([code, [...want]]);
      expect(packetProblems(out.bytes)).toEqual([]);
    }
    expect(run(t, error4(3, 14)).verdict).toBe('icmpUntranslatableType');
    for (const type of [4, 5]) expect(run(t, error4(type, 0)).verdict).toBe('icmpUntranslatableType'); // Source Quench, Redirect
  });

  it('Destination Unreachable codes end to end, ICMPv6 → ICMPv4 (§5.2)', () => {
    const cases: [number, TypeCode][] = [[0, [3, 1]], [1, [3, 10]], [2, [3, 1]], [3, [3, 1]], [4, [3, 3]]];
    for (const [code, want] of cases) {
      const out = only(run(t, error6(1, code)));
      expect([code, Array.from(out.bytes.subarray(20, 22))]).toEqual([code, [...want]]);
      expect(packetProblems(out.bytes)).toEqual([]);
    }
    expect(run(t, error6(1, 5)).verdict).toBe('icmpUntranslatableType');
    expect(run(t, error6(4, 2)).verdict).toBe('icmpUntranslatableType');
  });

  it('ICMPv4 Protocol Unreachable 3/2 → ICMPv6 Parameter Problem 4/1 pointing at Next Header (6)', () => {
    // §4.2: "Translate to an ICMPv6 Parameter Problem (Type 4, Code 1) and make the Pointer point to
    // the IPv6 Next Header field."
    const out = only(run(t, error4(3, 2)));
    expect(Array.from(out.bytes.subarray(40, 48))).toEqual([4, 1, out.bytes[42], out.bytes[43], 0, 0, 0, 6]);
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('ICMPv6 Parameter Problem 4/1 (unrecognized Next Header) → ICMPv4 Protocol Unreachable 3/2', () => {
    const out = only(run(t, error6(4, 1, 40)));
    expect(Array.from(out.bytes.subarray(20, 22))).toEqual([3, 2]);
    expect(get32(out.bytes, 24)).toBe(0);
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('Parameter Problem 12/0 and 12/2 → 4/0 with the pointer of Figure 3; n/a pointers and 12/1 dropped (§4.2)', () => {
    const figure3: Record<number, number> = { 0: 0, 1: 1, 2: 4, 3: 4, 8: 7, 9: 6, 12: 8, 13: 8, 14: 8, 15: 8, 16: 24, 17: 24, 18: 24, 19: 24 };
    for (const code of [0, 2]) {
      for (let pointer = 0; pointer <= 24; pointer++) {
        const result = run(t, error4(12, code, (pointer << 24) >>> 0));
        if (figure3[pointer] === undefined) {
          expect([pointer, result.verdict, result.out.length]).toEqual([pointer, 'icmpUntranslatableType', 0]);
        } else {
          const out = only(result);
          expect([pointer, out.bytes[40], out.bytes[41], get32(out.bytes, 44)]).toEqual([pointer, 4, 0, figure3[pointer]]);
          expect(packetProblems(out.bytes)).toEqual([]);
        }
      }
    }
    expect(run(t, error4(12, 1)).verdict).toBe('icmpUntranslatableType');
    expect(run(t, error4(12, 0, 255 << 24 >>> 0)).verdict).toBe('icmpUntranslatableType');
  });

  it('Parameter Problem 4/0 → 12/0 with the pointer of Figure 6; n/a and ≥ 40 dropped (§5.2)', () => {
    const figure6 = (p: number) => (p <= 1 ? p : p <= 3 ? -1 : p <= 5 ? 2 : p === 6 ? 9 : p === 7 ? 8 : p <= 23 ? 12 : p <= 39 ? 16 : -1);
    for (const pointer of [...Array.from({ length: 44 }, (_, i) => i), 0x100, 0x10000, 0xffffffff]) {
      const result = run(t, error6(4, 0, pointer));
      if (figure6(pointer) < 0) {
        expect([pointer, result.verdict, result.out.length]).toEqual([pointer, 'icmpUntranslatableType', 0]);
      } else {
        const out = only(result);
        expect([pointer, out.bytes[20], out.bytes[21], Array.from(out.bytes.subarray(24, 28))]).toEqual([pointer, 12, 0, [figure6(pointer), 0, 0, 0]]);
        expect(packetProblems(out.bytes)).toEqual([]);
      }
    }
  });

  it('stops at the first embedded header: an error inside an error is dropped (§4.3, §5.3)', () => {
    // §4.3: "This process MUST stop at the first embedded header and drop the packet if it contains
    // more embedded headers."
    const nested4 = ipv4({ src: net.h6as4, dst: net.h4 }, icmp4({ type: 3, code: 3, payload: ipv4({ src: net.h4, dst: net.h6as4 }, udp()) }));
    expect(run(t, error4(11, 0, 0, nested4)).verdict).toBe('icmpErrorNested');
    const nested6 = ipv6({ src: net.h4as6, dst: net.h6 }, icmp6({ type: 1, code: 4, payload: ipv6({ src: net.h6, dst: net.h4as6 }, udp()) }));
    expect(run(t, error6(3, 0, 0, nested6)).verdict).toBe('icmpErrorNested');
  });

  it('an ICMP error with a wrong checksum is not rebuilt into a valid one', () => {
    const bad4 = error4(3, 3);
    put16(bad4, 22, get16(bad4, 22) ^ 0x0100);
    expect(run(t, bad4).verdict).toBe('icmpErrorBadChecksum');
    const bad6 = error6(1, 4);
    put16(bad6, 42, get16(bad6, 42) ^ 0x0100);
    expect(run(t, bad6).verdict).toBe('icmpErrorBadChecksum');
  });

  it('an embedded TCP segment keeps a valid checksum when the whole segment is quoted', () => {
    const inner = ipv4({ src: net.h6as4, dst: net.h4, ttl: 9 }, tcp({ payload: pattern(12) }));
    const out = only(run(t, error4(3, 3, 0, inner)));
    expect(packetProblems(out.bytes.subarray(48))).toEqual([]);
    const inner6 = ipv6({ src: net.h4as6, dst: net.h6, hopLimit: 9 }, tcp({ payload: pattern(12) }));
    const back = only(run(t, error6(1, 4, 0, inner6)));
    expect(packetProblems(back.bytes.subarray(28))).toEqual([]);
  });
});

describe('RFC 7915 §4.2 / §5.2: Fragmentation Needed ↔ Packet Too Big', () => {
  /** The 1500-byte packet the IPv6 host sent, as the IPv4 router saw it (DF set), cut to what it quotes. */
  const tooBig4 = ipv4({ src: net.h6as4, dst: net.h4, df: true, ttl: 30 }, udp({ payload: pattern(1472) })).subarray(0, 548);
  const tooBig6 = ipv6({ src: net.h4as6, dst: net.h6, hopLimit: 30 }, udp({ payload: pattern(1452) })).subarray(0, 1232);

  function ptbMtu(translator: ReturnType<typeof makeTranslator>, mtu4: number, inner = tooBig4): number {
    const out = only(run(translator, error4(3, 4, mtu4 & 0xffff, inner)));
    expect(Array.from(out.bytes.subarray(40, 42))).toEqual([2, 0]);
    expect(packetProblems(out.bytes)).toEqual([]);
    return get32(out.bytes, 44);
  }

  it('adds 20 to the ICMPv4 MTU: min(MTU + 20, IPv6 MTU, IPv4 MTU + 20) (§4.2)', () => {
    // §4.2: "The MTU field MUST be adjusted for the difference between the IPv4 and IPv6 header sizes,
    // i.e., minimum(advertised MTU + 20, MTU_of_IPv6_nexthop, (MTU_of_IPv4_nexthop) + 20)."
    expect(ptbMtu(t, 1400)).toBe(1420);
    expect(ptbMtu(t, 1492)).toBe(1500); // capped by the IPv6 next hop (1500)
    expect(ptbMtu(makeTranslator({ mtu: { ipv4: 1300, ipv6: 9000 } }), 1492)).toBe(1320); // capped by IPv4 MTU + 20
  });

  it('uses the RFC 1191 plateau below the embedded Total Length when the MTU field is 0 (§4.2)', () => {
    // §4.2: when the IPv4 router set the MTU field to zero, the translator MUST use the RFC 1191
    // plateaus: the greatest plateau below the returned (embedded) Total Length.
    const jumbo = makeTranslator({ mtu: { ipv6: 9000 } });
    expect(ptbMtu(jumbo, 0)).toBe(1492 + 20); // Total Length 1500 → plateau 1492
  });

  it('never advertises less than 1280 to IPv6 (§5: "will never be set to a value lower than 1280")', () => {
    expect(ptbMtu(t, 576)).toBe(1280);
    expect(ptbMtu(t, 68)).toBe(1280);
    const inner1000 = ipv4({ src: net.h6as4, dst: net.h4, df: true }, udp({ payload: pattern(972) })).subarray(0, 100);
    expect(ptbMtu(makeTranslator({ mtu: { ipv6: 9000 } }), 0, inner1000)).toBe(1280); // plateau 508 + 20 < 1280
  });

  function fragNeededMtu(translator: ReturnType<typeof makeTranslator>, mtu6: number): number {
    const result = run(translator, error6(2, 0, mtu6, tooBig6));
    const out = only(result);
    const v4 = readIpv4(out.bytes);
    expect(Array.from(v4.payload.subarray(0, 4)).slice(0, 2)).toEqual([3, 4]);
    expect(get16(v4.payload, 4)).toBe(0); // unused
    expect(packetProblems(out.bytes)).toEqual([]);
    // RFC 1812 §4.3.2.3: an ICMPv4 error is at most 576 bytes.
    expect(out.bytes.length).toBe(576);
    return get16(v4.payload, 6);
  }

  it('Packet Too Big → Fragmentation Needed: min(MTU − 20, IPv4 MTU, IPv6 MTU − 20) (§5.2)', () => {
    // §5.2: the MTU is adjusted for the header size difference: the minimum of the advertised MTU
    // less 20, the IPv4 next-hop MTU, and the IPv6 next-hop MTU less 20.
    expect(fragNeededMtu(t, 1400)).toBe(1380);
    expect(fragNeededMtu(t, 1280)).toBe(1260);
    expect(fragNeededMtu(t, 9000)).toBe(1480); // IPv6 next hop 1500 − 20
    expect(fragNeededMtu(makeTranslator({ mtu: { ipv4: 1300 } }), 1500)).toBe(1300);
    expect(fragNeededMtu(makeTranslator({ mtu: { ipv6: 1400 } }), 1500)).toBe(1380);
  });
});

describe('RFC 6791: the source of translated ICMP errors from untranslatable addresses', () => {
  const unmapped6 = '2001:db8:ffff::99';
  it('ICMPv6 error from an IPv6 router without an IPv4 form: source rfc6791v4, else selfIpv4 (RFC 7915 §5.1, RFC 6791 §4)', () => {
    const error = ipv6({ src: unmapped6, dst: net.h4as6 }, icmp6({ type: 3, payload: ipv6({ src: net.h4as6, dst: net.h6 }, udp()) }));
    const pooled = only(run(makeTranslator({ rfc6791v4: '203.0.113.99' }), error));
    expect(readIpv4(pooled.bytes).src).toBe('203.0.113.99');
    expect(packetProblems(pooled.bytes)).toEqual([]);
    expect(readIpv4(only(run(t, error)).bytes).src).toBe(net.selfIpv4);
    // The same source on anything but an error stays untranslatable.
    expect(run(t, ipv6({ src: unmapped6, dst: net.h4as6 }, udp())).verdict).toBe('untranslatableSource');
  });

  it('ICMPv4 error from an IPv4 router without an IPv6 form (EAMT only): source rfc6791v6, else selfIpv6 (RFC 7915 §4.1)', () => {
    const eamtOnly = {
      pool6: null,
      eamt: [{ ipv6: '2001:db8:1::/120', ipv4: '198.51.100.0/24' }, { ipv6: '2001:db8:2::/120', ipv4: '192.0.2.0/24' }],
    };
    const error = ipv4({ src: net.r4, dst: '198.51.100.2' }, icmp4({ type: 3, code: 1, payload: ipv4({ src: '198.51.100.2', dst: '192.0.2.1' }, udp()) }));
    const pooled = only(run(makeTranslator({ ...eamtOnly, rfc6791v6: '2001:db8:6791::1' }), error));
    const v6 = readIpv6(pooled.bytes);
    expect([v6.src, v6.dst]).toEqual(['2001:db8:6791::1', '2001:db8:1::2']);
    const inner = readIpv6(v6.payload.subarray(8));
    expect([inner.src, inner.dst]).toEqual(['2001:db8:1::2', '2001:db8:2::1']);
    expect(packetProblems(pooled.bytes)).toEqual([]);
    expect(readIpv6(only(run(makeTranslator(eamtOnly), error)).bytes).src).toBe(net.selfIpv6);
  });
});
