// RFC 7915 header translation, beyond what the Jool corpus covers: Traffic Class / TOS, flow label,
// TTL and hop limit (with the Time Exceeded the translator sends), IPv4 options and source routes,
// IPv6 extension headers, fragmentation both ways, the UDP zero-checksum policies, checksum
// neutrality, and inputs that must be refused without throwing.
// ICMP translation is in xlat-rfc7915-icmp.test.ts, addresses in xlat-address.test.ts.

import { describe, expect, it } from 'vitest';
import { XlatOutput } from '../../core/xlat/output.js';
import { Verdict, verdictCount } from '../../core/xlat/verdict.js';
import {
  concat, echoRest, fragmentHeader, icmp4, icmp6, ipv4, ipv4Option, ipv6, optionsHeader, pattern, raw, routingHeader,
  sourceRouteOption, tcp, transport4, transport6, udp,
} from './packet-builder.js';
import {
  checksumError, checksumOf, get16, get32, hex, onesSum, packetProblems, pseudoSum4, pseudoSum6, put16, readIpv4, readIpv6,
  reassembleIpv4, reassembleIpv6,
} from './packet-check.js';
import { makeTranslator, net, only, run, runAt } from './xlat-fixture.js';
import { checkTranslation } from '../fuzz/packet-shape.js';

const t = makeTranslator();

/** An IPv4 packet from the IPv4 host to the IPv6 host. */
function out4(fields: Partial<Parameters<typeof ipv4>[0]> = {}, l4 = udp()) {
  return ipv4({ src: net.h4, dst: net.h6as4, ...fields }, l4);
}

/** An IPv6 packet from the IPv6 host to the IPv4 host. */
function in6(fields: Partial<Parameters<typeof ipv6>[0]> = {}, l4 = udp()) {
  return ipv6({ src: net.h6, dst: net.h4as6, ...fields }, l4);
}

describe('RFC 7915 §4.1 / §5.1: Traffic Class, TOS and flow label', () => {
  it('copies the TOS octet (DSCP EF + ECN CE) into the Traffic Class; flow label 0 (§4.1)', () => {
    // §4.1 "Traffic Class: By default, copied from the IP Type Of Service (TOS) octet." "Flow Label: 0"
    const out = only(run(t, out4({ tos: 0xbb })));
    const v6 = readIpv6(out.bytes);
    expect(v6.trafficClass).toBe(0xbb);
    expect(v6.flowLabel).toBe(0);
    expect(hex(out.bytes.subarray(0, 4))).toBe('6bb00000');
  });

  it('copies ECT(1) alone and an all-ones TOS unchanged (§4.1)', () => {
    expect(readIpv6(only(run(t, out4({ tos: 0x01 }))).bytes).trafficClass).toBe(0x01);
    expect(readIpv6(only(run(t, out4({ tos: 0xff }))).bytes).trafficClass).toBe(0xff);
  });

  it('copies all 8 bits of the Traffic Class into the TOS and drops the flow label (§5.1)', () => {
    // §5.1 "Type of Service: By default, copied from the IPv6 Traffic Class (all 8 bits)."
    const out = only(run(t, in6({ trafficClass: 0xb9, flowLabel: 0xfedcb })));
    const v4 = readIpv4(out.bytes);
    expect(v4.tos).toBe(0xb9);
    expect(out.bytes[1]).toBe(0xb9);
    expect(packetProblems(out.bytes)).toEqual([]);
  });
});

describe('RFC 7915 §4.1 / §5.1: the translator is a router (TTL and hop limit)', () => {
  it('decrements the TTL into the Hop Limit (§4.1)', () => {
    const out = only(run(t, out4({ ttl: 64 })));
    expect(out.family).toBe(6);
    expect(out.generated).toBe(0);
    expect(readIpv6(out.bytes).hopLimit).toBe(63);
  });

  it('decrements the Hop Limit into the TTL (§5.1)', () => {
    const out = only(run(t, in6({ hopLimit: 2 })));
    expect(out.family).toBe(4);
    expect(readIpv4(out.bytes).ttl).toBe(1);
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  for (const ttl of [1, 0]) {
    it(`TTL ${ttl}: drops, and sends ICMPv4 Time Exceeded 11/0 from selfIpv4 back to the source, quoting the packet (§4.1)`, () => {
      // §4.1: "the translator (as any router) MUST check for zero and send the ICMPv4 'TTL Exceeded' ... error."
      const packet = out4({ ttl, id: 0x5151 }, udp({ payload: pattern(30) }));
      const result = run(t, packet);
      expect(result.verdict).toBe('ttlExpired');
      expect(result.out).toHaveLength(1);
      const [error] = result.out;
      expect(error.family).toBe(4);
      expect(error.generated).toBe(1);
      const v4 = readIpv4(error.bytes);
      expect(v4.src).toBe(net.selfIpv4);
      expect(v4.dst).toBe(net.h4);
      expect(v4.proto).toBe(1);
      expect(Array.from(v4.payload.subarray(0, 2))).toEqual([11, 0]);
      expect(get32(v4.payload, 4)).toBe(0);
      expect(hex(v4.payload.subarray(8))).toBe(hex(packet));
      expect(packetProblems(error.bytes)).toEqual([]);
    });
  }

  it('hop limit 1: drops, and sends ICMPv6 Time Exceeded 3/0 from selfIpv6 back to the source (§5.1)', () => {
    const packet = in6({ hopLimit: 1 }, udp({ payload: pattern(30) }));
    const result = run(t, packet);
    expect(result.verdict).toBe('ttlExpired');
    expect(result.out).toHaveLength(1);
    const [error] = result.out;
    expect(error.family).toBe(6);
    expect(error.generated).toBe(1);
    const v6 = readIpv6(error.bytes);
    expect(v6.src).toBe(net.selfIpv6);
    expect(v6.dst).toBe(net.h6);
    expect(v6.proto).toBe(58);
    expect(Array.from(v6.payload.subarray(0, 2))).toEqual([3, 0]);
    expect(get32(v6.payload, 4)).toBe(0);
    expect(hex(v6.payload.subarray(8))).toBe(hex(packet));
    expect(packetProblems(error.bytes)).toEqual([]);
  });

  it('hop limit 0 is refused the same way (§5.1)', () => {
    const result = run(t, in6({ hopLimit: 0 }));
    expect(result.verdict).toBe('ttlExpired');
    expect(result.out.map((o) => [o.family, o.generated, o.bytes[40]])).toEqual([[6, 1, 3]]);
  });

  it('sends no error about an ICMPv4 error whose TTL runs out (RFC 7915 §4.4, RFC 1812 §4.3.2.7)', () => {
    // §4.4: an ICMPv4 error goes back to the sender "unless the discarded packet is itself an ICMPv4 error message".
    const quoted = ipv4({ src: net.h6as4, dst: net.h4 }, udp());
    const packet = ipv4({ src: net.r4, dst: net.h6as4, ttl: 1 }, icmp4({ type: 3, code: 3, payload: quoted }));
    const result = run(t, packet);
    expect(result.verdict).toBe('ttlExpired');
    expect(result.out).toHaveLength(0);
  });

  it('sends no error about an ICMPv6 error whose hop limit runs out (RFC 4443 §2.4 (e.1))', () => {
    const quoted = ipv6({ src: net.h4as6, dst: net.h6 }, udp());
    const packet = ipv6({ src: net.r6, dst: net.h4as6, hopLimit: 1 }, icmp6({ type: 1, code: 4, payload: quoted }));
    const result = run(t, packet);
    expect(result.verdict).toBe('ttlExpired');
    expect(result.out).toHaveLength(0);
  });

  it('sends no error about an ICMPv6 error at an offset inside a larger buffer either (translateAt)', () => {
    const quoted = ipv6({ src: net.h4as6, dst: net.h6 }, udp());
    const packet = ipv6({ src: net.r6, dst: net.h4as6, hopLimit: 1 }, icmp6({ type: 1, code: 4, payload: quoted }));
    for (const start of [1, 40, 300]) {
      const result = runAt(t, packet, start);
      expect(result.verdict).toBe('ttlExpired');
      expect(result.out).toHaveLength(0);
    }
  });

  it('answers a non-error at an offset inside a larger buffer like at offset 0 (translateAt)', () => {
    const packet = in6({ hopLimit: 1 }, icmp6({ type: 128, rest: 0x00010001 }));
    const atZero = run(t, packet);
    const atOffset = runAt(t, packet, 100);
    expect(atOffset.verdict).toBe('ttlExpired');
    expect(atOffset.out.map((o) => hex(o.bytes))).toEqual(atZero.out.map((o) => hex(o.bytes)));
    expect(atZero.out).toHaveLength(1);
  });

  it('sends no error about a non-initial fragment (RFC 1812 §4.3.2.7)', () => {
    const result = run(t, out4({ ttl: 1, fragOffsetBytes: 64 }, raw(17, pattern(16))));
    expect(result.verdict).toBe('ttlExpired');
    expect(result.out).toHaveLength(0);
  });

  it('with the decrement done downstream (hopDecrementedDownstream), still expires TTL 1 but sends TTL 2 on as Hop Limit 2', () => {
    // Ingress delivery's nftables fwd decrements after the translator without checking: the
    // translator keeps the check (Hop Limit 0 never reaches the wire, RFC 8200 §3) and leaves the
    // decrement to it, so the host is one hop.
    const downstream = makeTranslator({ hopDecrementedDownstream: true });
    const expired = run(downstream, out4({ ttl: 1 }));
    expect(expired.verdict).toBe('ttlExpired');
    expect(expired.out).toHaveLength(1);
    expect(expired.out[0].bytes[20]).toBe(11); // ICMPv4 Time Exceeded, back to the sender
    expect(readIpv6(only(run(downstream, out4({ ttl: 2 }))).bytes).hopLimit).toBe(2);
    expect(readIpv6(only(run(t, out4({ ttl: 2 }))).bytes).hopLimit).toBe(1);
    // The other direction is untouched: the kernel's fwd decrements before the translator sees it.
    expect(readIpv4(only(run(downstream, in6({ hopLimit: 2 }))).bytes).ttl).toBe(1);
  });

  it('keeps TTL and hop limit when decrementTtl is off', () => {
    const keep = makeTranslator({ decrementTtl: false });
    expect(readIpv6(only(run(keep, out4({ ttl: 1 }))).bytes).hopLimit).toBe(1);
    expect(readIpv4(only(run(keep, in6({ hopLimit: 9 }))).bytes).ttl).toBe(9);
  });
});

describe('RFC 7915 §4.1: IPv4 options', () => {
  const route = ['198.51.100.77', '198.51.100.78'];
  for (const type of [131, 137] as const) {
    const name = type === 131 ? 'Loose' : 'Strict';
    for (const pointer of [4, 8]) {
      it(`${name} Source Route with pointer ${pointer} (not used up): ICMPv4 3/5 Source Route Failed, not translated`, () => {
        // §4.1: "if an unexpired source route option is present, then the packet MUST instead be
        // discarded, and an ICMPv4 'Destination Unreachable, Source Route Failed' (Type 3, Code 5)
        // error message SHOULD be returned to the sender."
        const packet = out4({ options: concat(Uint8Array.of(1), sourceRouteOption(type, pointer, route)) });
        const result = run(t, packet);
        expect(result.verdict).toBe('ipv4SourceRoute');
        expect(result.out).toHaveLength(1);
        const [error] = result.out;
        expect([error.family, error.generated]).toEqual([4, 1]);
        const v4 = readIpv4(error.bytes);
        expect([v4.src, v4.dst]).toEqual([net.selfIpv4, net.h4]);
        expect(Array.from(v4.payload.subarray(0, 2))).toEqual([3, 5]);
        expect(hex(v4.payload.subarray(8))).toBe(hex(packet));
        expect(packetProblems(error.bytes)).toEqual([]);
      });
    }

    it(`${name} Source Route used up (pointer past the route) is ignored and the packet translated`, () => {
      const l4 = udp({ payload: pattern(20) });
      const packet = out4({ options: concat(Uint8Array.of(1), sourceRouteOption(type, 12, route)) }, l4);
      const out = only(run(t, packet));
      const v6 = readIpv6(out.bytes);
      expect(v6.nextHeader).toBe(17);
      expect(out.bytes.length).toBe(40 + 8 + 20);
      expect(packetProblems(out.bytes)).toEqual([]);
    });
  }

  it('ignores other options: the IPv6 packet carries no trace of them (§4.1, §1.2)', () => {
    // §4.1: "If any IPv4 options are present in the IPv4 packet, they MUST be ignored and the packet
    // translated normally; there is no attempt to translate the options."
    const options = concat(
      ipv4Option(7, Uint8Array.of(4, 0, 0, 0, 0)), // Record Route, room for one address
      ipv4Option(148, Uint8Array.of(0, 0)), // Router Alert
      ipv4Option(68, Uint8Array.of(5, 0, 0, 0, 0, 0)), // Timestamp
    );
    const l4 = udp({ payload: pattern(24, 0x40) });
    const packet = out4({ options }, l4);
    expect(readIpv4(packet).ihl).toBe(40);
    const out = only(run(t, packet));
    const v6 = readIpv6(out.bytes);
    expect(v6.nextHeader).toBe(17);
    expect(v6.payloadLen).toBe(8 + 24);
    expect(out.bytes.length).toBe(40 + 32);
    // The payload is the UDP datagram, byte for byte apart from the checksum.
    const sent = packet.subarray(40);
    expect(hex(v6.payload.subarray(0, 6))).toBe(hex(sent.subarray(0, 6)));
    expect(hex(v6.payload.subarray(8))).toBe(hex(sent.subarray(8)));
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('refuses options that run past the header (a length byte of 0)', () => {
    const result = run(t, out4({ options: Uint8Array.of(7, 0, 0, 0) }));
    expect(result.verdict).toBe('ipv4BadHeader');
    expect(result.out).toHaveLength(0);
  });
});

describe('RFC 7915 §5.1: IPv6 extension headers', () => {
  it('Routing header with Segments Left 1: ICMPv6 4/0 pointing at Segments Left (byte 43), not translated', () => {
    // §5.1: "If a Routing header with a non-zero Segments Left field is present, then the packet MUST
    // NOT be translated, and an ICMPv6 'parameter problem/erroneous header field encountered' (Type 4,
    // Code 0) error message, with the Pointer field indicating the first byte of the Segments Left
    // field, SHOULD be returned to the sender."
    const packet = in6({ extensions: [routingHeader({ segmentsLeft: 1 })] });
    const result = run(t, packet);
    expect(result.verdict).toBe('ipv6RoutingHeader');
    expect(result.out).toHaveLength(1);
    const [error] = result.out;
    expect([error.family, error.generated]).toEqual([6, 1]);
    const v6 = readIpv6(error.bytes);
    expect([v6.src, v6.dst]).toEqual([net.selfIpv6, net.h6]);
    expect(Array.from(v6.payload.subarray(0, 2))).toEqual([4, 0]);
    expect(get32(v6.payload, 4)).toBe(43);
    expect(hex(v6.payload.subarray(8))).toBe(hex(packet));
    expect(packetProblems(error.bytes)).toEqual([]);
  });

  it('the pointer follows the Routing header behind a Hop-by-Hop header (byte 51)', () => {
    const packet = in6({ extensions: [optionsHeader(0), routingHeader({ segmentsLeft: 2, addresses: ['2001:db8:ffff::2', '2001:db8:ffff::3'] })] });
    const result = run(t, packet);
    expect(result.verdict).toBe('ipv6RoutingHeader');
    expect(get32(result.out[0].bytes, 44)).toBe(51);
  });

  it('an ICMPv6 error behind a Routing header with Segments Left is refused unanswered, whatever came before (RFC 4443 §2.4 (e))', () => {
    const error6 = icmp6({ type: 1, code: 4, rest: 0, payload: in6({}, udp()) });
    const behindRouting = in6({ extensions: [routingHeader({ segmentsLeft: 1 })] }, error6);
    const echoBehindRouting = in6({ extensions: [routingHeader({ segmentsLeft: 1 })] }, icmp6({ type: 128, code: 0, rest: echoRest(7, 1) }));
    // Before, the walk stopped at the Routing header and the answer rule read the previous packet's
    // upper layer: an ICMPv6 error first made the echo go unanswered, a UDP packet first made the
    // error answered. Each is judged on its own now, in either order.
    for (const before of [in6({}, udp()), in6({}, error6)]) {
      run(t, before);
      const refusedError = run(t, behindRouting);
      expect(refusedError.verdict).toBe('ipv6RoutingHeader');
      expect(refusedError.out).toHaveLength(0);
      run(t, before);
      const refusedEcho = run(t, echoBehindRouting);
      expect(refusedEcho.verdict).toBe('ipv6RoutingHeader');
      expect(refusedEcho.out).toHaveLength(1);
      expect(get32(refusedEcho.out[0].bytes, 44)).toBe(43);
    }
  });

  it('Routing header with Segments Left 0 is skipped and the packet translated', () => {
    const l4 = udp({ payload: pattern(20) });
    const out = only(run(t, in6({ extensions: [routingHeader({ segmentsLeft: 0 })] }, l4)));
    const v4 = readIpv4(out.bytes);
    expect(v4.proto).toBe(17);
    expect(v4.totalLen).toBe(20 + 28);
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('Hop-by-Hop and Destination Options headers are skipped (§5.1 "Protocol")', () => {
    const router = Uint8Array.of(5, 2, 0, 0); // Router Alert option
    const out = only(run(t, in6({ extensions: [optionsHeader(0, router), optionsHeader(60)] }, tcp({ payload: pattern(10) }))));
    const v4 = readIpv4(out.bytes);
    expect(v4.proto).toBe(6);
    expect(v4.totalLen).toBe(20 + 30);
    expect(v4.ihl).toBe(20);
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('No Next Header (59) becomes IPv4 protocol 59 with the same payload', () => {
    const empty = only(run(t, in6({}, raw(59, new Uint8Array(0)))));
    expect(readIpv4(empty.bytes).proto).toBe(59);
    expect(empty.bytes.length).toBe(20);
    const some = only(run(t, in6({}, raw(59, pattern(12)))));
    expect(readIpv4(some.bytes).proto).toBe(59);
    expect(hex(readIpv4(some.bytes).payload)).toBe(hex(pattern(12)));
    expect(packetProblems(some.bytes)).toEqual([]);
  });

  it('IPv4 protocol 59 becomes Next Header 59 (§4.1 "Next Header")', () => {
    const out = only(run(t, out4({}, raw(59, pattern(4)))));
    expect(readIpv6(out.bytes).nextHeader).toBe(59);
    expect(out.bytes.length).toBe(44);
  });
});

describe('RFC 7915 §4.1 / §5.1.1: fragments', () => {
  it('splits a DF=0 IPv4 packet larger than lowestIpv6Mtu into IPv6 fragments (§4.1)', () => {
    // §4.1: "If the DF flag is not set and the IPv4 packet will result in an IPv6 packet larger than
    // ... 'lowest-ipv6-mtu' ..., the packet SHOULD be fragmented so that the resulting IPv6 packet
    // (with Fragment Header added to each fragment) will be less than or equal to lowest-ipv6-mtu";
    // the Fragment header's Identification is the IPv4 one.
    const l4 = udp({ payload: pattern(1472, 3) });
    const packet = out4({ id: 0xabcd, df: false }, l4);
    expect(packet.length).toBe(1500);
    const result = run(t, packet);
    expect(result.verdict).toBe('translated');
    expect(result.out.length).toBeGreaterThan(1);
    let offset = 0;
    for (const [i, f] of result.out.entries()) {
      expect([f.family, f.generated]).toEqual([6, 0]);
      expect(f.bytes.length).toBeLessThanOrEqual(1280);
      const v6 = readIpv6(f.bytes);
      expect(v6.nextHeader).toBe(44);
      expect(v6.hopLimit).toBe(63);
      expect(v6.fragment).toEqual({ nextHeader: 17, offsetBytes: offset, more: i < result.out.length - 1, id: 0xabcd });
      expect(v6.fragment!.offsetBytes % 8).toBe(0);
      offset += v6.payload.length;
    }
    const whole = reassembleIpv6(result.out.map((f) => f.bytes));
    expect(packetProblems(whole)).toEqual([]);
    const v6 = readIpv6(whole);
    expect(v6.proto).toBe(17);
    const sent = packet.subarray(20);
    expect(hex(v6.payload.subarray(0, 6))).toBe(hex(sent.subarray(0, 6)));
    expect(hex(v6.payload.subarray(8))).toBe(hex(sent.subarray(8)));
  });

  it('uses a configured lowestIpv6Mtu of 1400 (§4.1: "MUST provide a configuration function ... to adjust the threshold")', () => {
    const t1400 = makeTranslator({ lowestIpv6Mtu: 1400 });
    const result = run(t1400, out4({ df: false }, tcp({ payload: pattern(2000) })));
    expect(result.out.length).toBe(2);
    expect(result.out[0].bytes.length).toBeLessThanOrEqual(1400);
    expect(result.out[0].bytes.length).toBeGreaterThan(1280);
    expect(packetProblems(reassembleIpv6(result.out.map((f) => f.bytes)))).toEqual([]);
  });

  it('does not split a DF=0 packet that fits (no Fragment header either)', () => {
    const out = only(run(t, out4({ df: false }, udp({ payload: pattern(1232 - 8) }))));
    expect(out.bytes.length).toBe(1272);
    expect(readIpv6(out.bytes).nextHeader).toBe(17);
  });

  it('translates IPv4 fragments into IPv6 fragments: offset, MF and ID copied (§4.1 Fragment header)', () => {
    const body = transport4(net.h4, net.h6as4, udp({ payload: pattern(64) }));
    const first = out4({ id: 0x4321, mf: true }, raw(17, body.subarray(0, 40)));
    const second = out4({ id: 0x4321, fragOffsetBytes: 40 }, raw(17, body.subarray(40)));
    const a = only(run(t, first));
    const b = only(run(t, second));
    expect(readIpv6(a.bytes).fragment).toEqual({ nextHeader: 17, offsetBytes: 0, more: true, id: 0x4321 });
    expect(readIpv6(b.bytes).fragment).toEqual({ nextHeader: 17, offsetBytes: 40, more: false, id: 0x4321 });
    expect(readIpv6(a.bytes).payloadLen).toBe(8 + 40);
    // The non-first fragment's bytes are not touched; the first carries the adjusted checksum.
    expect(hex(readIpv6(b.bytes).payload)).toBe(hex(body.subarray(40)));
    expect(packetProblems(reassembleIpv6([a.bytes, b.bytes]))).toEqual([]);
  });

  it('translates IPv6 fragments into IPv4 fragments: low 16 bits of the ID, MF copied, DF 0 (§5.1.1)', () => {
    // §5.1.1: "Identification: Copied from the low-order 16 bits in the Identification field in the
    // Fragment Header. Flags: The More Fragments flag is copied from the M flag ... The Don't Fragment
    // (DF) flag is set to zero. Fragment Offset: Copied from the Fragment Offset field."
    const body = transport6(net.h6, net.h4as6, udp({ payload: pattern(100) }));
    const first = in6({ extensions: [fragmentHeader({ id: 0x12345678, more: true })] }, raw(17, body.subarray(0, 56)));
    const second = in6({ extensions: [fragmentHeader({ id: 0x12345678, offsetBytes: 56 })] }, raw(17, body.subarray(56)));
    const a = only(run(t, first));
    const b = only(run(t, second));
    const va = readIpv4(a.bytes);
    const vb = readIpv4(b.bytes);
    expect([va.id, va.mf, va.df, va.fragOffsetBytes, va.proto, va.totalLen]).toEqual([0x5678, true, false, 0, 17, 20 + 56]);
    expect([vb.id, vb.mf, vb.df, vb.fragOffsetBytes, vb.proto, vb.totalLen]).toEqual([0x5678, false, false, 56, 17, 20 + 52]);
    expect(packetProblems(a.bytes)).toEqual([]);
    expect(hex(vb.payload)).toBe(hex(body.subarray(56)));
    expect(packetProblems(reassembleIpv4([a.bytes, b.bytes]))).toEqual([]);
  });

  it('sets DF by size when there is no Fragment header: 1260 bytes DF 0, 1261 bytes DF 1 (§5, §5.1)', () => {
    // §5: "When the resulting IPv4 packet is smaller than or equal to 1260 bytes, the translator MUST
    // send the packet with a cleared Don't Fragment bit. Otherwise, the packet MUST be sent with the
    // Don't Fragment bit set."
    const small = only(run(t, in6({}, udp({ payload: pattern(1260 - 28) }))));
    const large = only(run(t, in6({}, udp({ payload: pattern(1261 - 28) }))));
    expect([small.bytes.length, readIpv4(small.bytes).df]).toEqual([1260, false]);
    expect([large.bytes.length, readIpv4(large.bytes).df]).toEqual([1261, true]);
    expect(readIpv4(large.bytes).mf).toBe(false);
  });

  it('refuses fragmented ICMP both ways (§1.2)', () => {
    // §1.2: "Fragmented ICMP/ICMPv6 packets will not be translated by IP/ICMP translators."
    const echo4 = transport4(net.h4, net.h6as4, icmp4({ type: 8, payload: pattern(40) }));
    expect(run(t, out4({ mf: true }, raw(1, echo4.subarray(0, 24)))).verdict).toBe('fragmentedIcmp');
    const echo6 = transport6(net.h6, net.h4as6, icmp6({ type: 128, payload: pattern(40) }));
    expect(run(t, in6({ extensions: [fragmentHeader({ id: 1, more: true })] }, raw(58, echo6.subarray(0, 24)))).verdict).toBe('fragmentedIcmp');
  });

  it('DF set and too big for the IPv6 MTU: ICMPv4 Fragmentation Needed with the MTU less 20 (§4.1)', () => {
    // §4.1: "If the DF bit is set and the MTU of the next-hop interface is less than the total length
    // value of the IPv4 packet plus 20, the translator MUST send an ICMPv4 'Fragmentation Needed' error
    // message to the IPv4 source address." The MTU it reports is what fits after translation.
    const small6 = makeTranslator({ mtu: { ipv6: 1400 } });
    const packet = out4({ df: true }, udp({ payload: pattern(1400 - 28) }));
    const result = run(small6, packet);
    expect(result.verdict).toBe('fragmentationNeeded');
    expect(result.out).toHaveLength(1);
    const v4 = readIpv4(result.out[0].bytes);
    expect([result.out[0].family, result.out[0].generated, v4.src, v4.dst]).toEqual([4, 1, net.selfIpv4, net.h4]);
    expect(Array.from(v4.payload.subarray(0, 2))).toEqual([3, 4]);
    expect(get16(v4.payload, 6)).toBe(1380);
    expect(packetProblems(result.out[0].bytes)).toEqual([]);
    // One byte less fits exactly.
    expect(only(run(small6, out4({ df: true }, udp({ payload: pattern(1380 - 28) })))).bytes.length).toBe(1400);
  });

  it('too big for the IPv4 MTU: ICMPv6 Packet Too Big with the MTU plus 20 (§5.1, §6)', () => {
    const small4 = makeTranslator({ mtu: { ipv4: 1300 } });
    const result = run(small4, in6({}, udp({ payload: pattern(1300 - 20) })));
    expect(result.verdict).toBe('packetTooBig');
    const v6 = readIpv6(result.out[0].bytes);
    expect([result.out[0].family, result.out[0].generated, v6.src, v6.dst]).toEqual([6, 1, net.selfIpv6, net.h6]);
    expect(Array.from(v6.payload.subarray(0, 2))).toEqual([2, 0]);
    expect(get32(v6.payload, 4)).toBe(1320);
    expect(packetProblems(result.out[0].bytes)).toEqual([]);
    expect(only(run(small4, in6({}, udp({ payload: pattern(1300 - 28) })))).bytes.length).toBe(1300);
  });
});

describe('RFC 7915 §4.5: IPv4 UDP with checksum 0', () => {
  const zero = () => out4({}, udp({ payload: pattern(21), checksum: 0 }));

  it("'drop' (the default): not translated, ICMPv4 3/13 to the source (§4.5 option 1, §4.4 default error)", () => {
    // §4.5: the translator SHOULD allow "Dropping the packet and generating a system management event";
    // §4.4: the error for a discarded packet is Type 3 Code 13 unless specified otherwise.
    const result = run(t, zero());
    expect(result.verdict).toBe('udpZeroChecksum');
    expect(result.out).toHaveLength(1);
    const v4 = readIpv4(result.out[0].bytes);
    expect([result.out[0].family, result.out[0].generated, v4.dst]).toEqual([4, 1, net.h4]);
    expect(Array.from(v4.payload.subarray(0, 2))).toEqual([3, 13]);
  });

  it("'compute': the IPv6 packet gets the right checksum (§4.5 option 2, unfragmented only)", () => {
    const compute = makeTranslator({ udpZeroChecksum: 'compute' });
    const out = only(run(compute, zero()));
    expect(packetProblems(out.bytes)).toEqual([]);
    const expected = transport6(net.h4as6, net.h6, udp({ payload: pattern(21) }));
    expect(get16(readIpv6(out.bytes).payload, 6)).toBe(get16(expected, 6));
  });

  it("'compute' cannot help a fragment: udpZeroChecksumFragment, nothing goes to the IPv6 side", () => {
    // §4.5: "A stateless translator cannot compute the UDP checksum of fragmented packets, so when a
    // stateless translator receives the first fragment ... and the checksum field is zero, the
    // translator SHOULD drop the packet"
    const compute = makeTranslator({ udpZeroChecksum: 'compute' });
    const body = transport4(net.h4, net.h6as4, udp({ payload: pattern(40), checksum: 0 }));
    const result = run(compute, out4({ mf: true }, raw(17, body.subarray(0, 24))));
    expect(result.verdict).toBe('udpZeroChecksumFragment');
    expect(result.out.every((o) => o.family === 4 && o.generated === 1)).toBe(true);
  });

  it("'forward': the checksum stays 0", () => {
    const forward = makeTranslator({ udpZeroChecksum: 'forward' });
    const out = only(run(forward, zero()));
    expect(get16(readIpv6(out.bytes).payload, 6)).toBe(0);
    expect(hex(readIpv6(out.bytes).payload)).toBe(hex(zero().subarray(20)));
  });
});

describe('RFC 1624 / RFC 7915 §4.5, §5.5: transport checksums', () => {
  /** Adds `delta` to the transport checksum field of a built packet. */
  function spoil(packet: Uint8Array, at: number, delta: number): Uint8Array {
    const p = packet.slice();
    put16(p, at, (get16(p, at) + delta) & 0xffff);
    return p;
  }

  const cases = [
    { name: 'TCP 4→6', packet: spoil(out4({}, tcp({ payload: pattern(31) })), 20 + 16, 0x0123) },
    { name: 'UDP 4→6', packet: spoil(out4({}, udp({ payload: pattern(31) })), 20 + 6, 0x7001) },
    { name: 'TCP 6→4', packet: spoil(in6({}, tcp({ payload: pattern(31) })), 40 + 16, 0x0042) },
    { name: 'UDP 6→4', packet: spoil(in6({}, udp({ payload: pattern(31) })), 40 + 6, 0x0101) },
  ];
  for (const c of cases) {
    it(`${c.name}: a wrong checksum stays wrong by exactly as much (not fixed, not worse)`, () => {
      // RFC 7915 §4.5/§5.5 update the checksum for the address change only (RFC 1624 incremental update):
      // a translator must not make a corrupted segment look valid.
      const before = checksumError(c.packet);
      expect(before).not.toBe(0);
      const out = only(run(t, c.packet));
      expect(checksumError(out.bytes)).toBe(before);
    });
  }

  it('a valid checksum stays valid with a non-trivial payload both ways', () => {
    for (const size of [0, 1, 2, 3, 255, 1000]) {
      expect(packetProblems(only(run(t, out4({}, tcp({ payload: pattern(size, size) })))).bytes)).toEqual([]);
      expect(packetProblems(only(run(t, in6({}, udp({ payload: pattern(size, size) })))).bytes)).toEqual([]);
    }
  });

  /** A UDP payload whose checksum, once the packet is built with `pseudo`, computes to 0. */
  function payloadForZeroChecksum(pseudoSum: number): Uint8Array {
    const payload = pattern(10);
    put16(payload, 0, 0);
    const udpHeaderAndPayload = concat(Uint8Array.of(0x9c, 0x40, 0, 53, 0, 18, 0, 0), payload);
    const sum = onesSum(udpHeaderAndPayload, 0, udpHeaderAndPayload.length, pseudoSum);
    put16(payload, 0, 0xffff - sum); // makes the sum 0xffff: checksum ~0xffff = 0
    return payload;
  }

  it('a UDP checksum that becomes 0 in IPv6 is sent as 0xffff (RFC 768, RFC 8200 §8.1)', () => {
    const header = ipv6({ src: net.h4as6, dst: net.h6 }, raw(59, new Uint8Array(0)));
    const payload = payloadForZeroChecksum(pseudoSum6(header, 17, 18));
    expect(checksumOf(0xffff)).toBe(0);
    const packet = out4({}, udp({ srcPort: 40000, dstPort: 53, payload }));
    expect(get16(packet, 26)).not.toBe(0);
    const out = only(run(t, packet));
    expect(get16(readIpv6(out.bytes).payload, 6)).toBe(0xffff);
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('a UDP checksum that becomes 0 in IPv4 is sent as 0xffff, not as "no checksum" (RFC 768)', () => {
    const header = ipv4({ src: net.h6as4, dst: net.h4 }, raw(59, new Uint8Array(0)));
    const payload = payloadForZeroChecksum(pseudoSum4(header, 17, 18));
    const packet = in6({}, udp({ srcPort: 40000, dstPort: 53, payload }));
    const out = only(run(t, packet));
    expect(get16(readIpv4(out.bytes).payload, 6)).toBe(0xffff);
    expect(packetProblems(out.bytes)).toEqual([]);
  });
});

describe('inputs that must be refused', () => {
  it('illegal IPv4 sources: 0/8, 127/8, multicast, 240/4 (RFC 1812 §5.3.7, RFC 7915 §4.1)', () => {
    for (const src of ['0.0.0.0', '0.1.2.3', '127.0.0.1', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255']) {
      const result = run(t, ipv4({ src, dst: net.h6as4 }, udp()));
      expect([src, result.verdict, result.out.length]).toEqual([src, 'illegalSource', 0]);
    }
  });

  it('illegal IPv6 sources: multicast, unspecified, loopback (RFC 4291 §2.5.2, §2.5.3, §2.7)', () => {
    for (const src of ['ff02::1', '::', '::1']) {
      const result = run(t, ipv6({ src, dst: net.h4as6 }, udp()));
      expect([src, result.verdict, result.out.length]).toEqual([src, 'illegalSource', 0]);
    }
  });

  it('multicast and broadcast IPv4 destinations cannot be translated (RFC 7915 §1.2)', () => {
    for (const dst of ['224.0.0.251', '239.1.2.3', '255.255.255.255']) {
      const result = run(t, ipv4({ src: net.h4, dst }, udp()));
      expect([dst, result.verdict, result.out.length]).toEqual([dst, 'untranslatableDestination', 0]);
    }
    expect(run(t, ipv6({ src: net.h6, dst: 'ff0e::1' }, udp())).verdict).toBe('untranslatableDestination');
  });

  it('IPv6 addresses outside pool6 and the EAMT: untranslatable', () => {
    expect(run(t, ipv6({ src: net.h6, dst: '2001:db8:65::c000:201' }, udp())).verdict).toBe('untranslatableDestination');
    expect(run(t, ipv6({ src: '2001:db8:65::1', dst: net.h4as6 }, udp())).verdict).toBe('untranslatableSource');
  });

  it('truncated, bad-version and bad-header inputs get their verdicts', () => {
    const good4 = out4();
    const good6 = in6();
    const cases: [string, Uint8Array, string][] = [
      ['empty', new Uint8Array(0), 'badVersion'],
      ['version 5', Uint8Array.from(good4, (x, i) => (i === 0 ? 0x55 : x)), 'badVersion'],
      ['19 bytes of IPv4', good4.subarray(0, 19), 'truncated'],
      ['IPv4 shorter than Total Length', good4.subarray(0, good4.length - 1), 'truncated'],
      ['IHL 4', Uint8Array.from(good4, (x, i) => (i === 0 ? 0x44 : x)), 'ipv4BadHeader'],
      ['Total Length below IHL', ipv4({ src: net.h4, dst: net.h6as4, totalLen: 19 }, udp()), 'ipv4BadHeader'],
      ['IPv4 header checksum wrong', ipv4({ src: net.h4, dst: net.h6as4, headerChecksum: 0x1234 }, udp()), 'ipv4BadHeaderChecksum'],
      ['39 bytes of IPv6', good6.subarray(0, 39), 'truncated'],
      ['IPv6 shorter than Payload Length', good6.subarray(0, good6.length - 1), 'truncated'],
      ['IPv6 extension header cut short', ipv6({ src: net.h6, dst: net.h4as6 }, raw(0, Uint8Array.of(17, 0, 0, 0))), 'ipv6BadExtensionHeader'],
      ['TCP header cut short (4→6)', out4({}, raw(6, pattern(10))), 'transportTruncated'],
      ['UDP header cut short (6→4)', in6({}, raw(17, pattern(7))), 'transportTruncated'],
    ];
    for (const [name, packet, verdict] of cases) {
      const result = run(t, packet);
      expect([name, result.verdict, result.out.length]).toEqual([name, verdict, 0]);
    }
    // The family entry points check the version too.
    const out = new XlatOutput();
    expect(t.translate46(good6, out)).toBe(Verdict.badVersion);
    expect(t.translate64(out4({}, udp({ payload: pattern(40) })), out)).toBe(Verdict.badVersion);
    expect(out.count).toBe(0);
  });

  it('translates by Total Length / Payload Length and leaves trailing bytes (link padding) behind', () => {
    const padded4 = concat(out4({}, udp({ payload: pattern(4) })), new Uint8Array(10));
    expect(only(run(t, padded4)).bytes.length).toBe(40 + 12);
    const padded6 = concat(in6({}, udp({ payload: pattern(4) })), new Uint8Array(10));
    const out = only(run(t, padded6));
    expect(out.bytes.length).toBe(20 + 12);
    expect(packetProblems(out.bytes)).toEqual([]);
  });

  it('no prefix and no single-byte change of a few packets makes the translator throw', () => {
    const seeds = [
      out4({ options: sourceRouteOption(131, 4, ['198.51.100.9']) }, tcp({ payload: pattern(20) })),
      ipv4({ src: net.r4, dst: net.h6as4 }, icmp4({ type: 3, code: 4, rest: 1400, payload: out4({}, udp()).subarray(0, 28) })),
      in6({ extensions: [optionsHeader(0), fragmentHeader({ id: 3 })] }, udp({ payload: pattern(9) })),
      ipv6({ src: net.r6, dst: net.h4as6 }, icmp6({ type: 4, code: 0, rest: 7, payload: in6() })),
    ];
    const output = new XlatOutput();
    let runs = 0;
    for (const seed of seeds) {
      const variants: Uint8Array[] = [];
      for (let n = 0; n <= seed.length; n++) variants.push(seed.subarray(0, n));
      for (let i = 0; i < seed.length; i++) {
        for (const value of [0x00, 0xff, seed[i] ^ 0x80]) {
          const v = seed.slice();
          v[i] = value;
          variants.push(v);
        }
      }
      for (const v of variants) {
        // A counted verdict from the table, and only well-formed packets written (the fuzzer's check).
        expect(checkTranslation(t.translate(v, output), output), hex(v)).toBeUndefined();
        runs++;
      }
    }
    expect(runs).toBeGreaterThan(1000);
    expect(verdictCount).toBeGreaterThan(20);
  });
});
