// Property tests: for any TCP, UDP or ICMP echo packet, translating IPv4 → IPv6 → IPv4 gives back
// the same addresses, protocol, TOS and transport bytes (TTL two less: two router hops), and every
// packet on the way has valid checksums. Large DF=0 packets take the fragmentation path (RFC 7915
// §4.1) and are reassembled on both sides; the same holds from IPv6 → IPv4 → IPv6.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { echoRest, icmp4, icmp6, ipv4, ipv6, tcp, udp, type Transport } from './packet-builder.js';
import { packetProblems, readIpv4, readIpv6, reassembleIpv4, reassembleIpv6 } from './packet-check.js';
import { makeTranslator, run } from './xlat-fixture.js';

const translator = makeTranslator();

const ipv4Host = fc.oneof(
  fc.integer({ min: 1, max: 254 }).map((n) => `192.0.2.${n}`),
  fc.integer({ min: 1, max: 254 }).map((n) => `198.51.100.${n}`),
  fc.integer({ min: 1, max: 254 }).map((n) => `203.0.113.${n}`),
);

const payload = fc.uint8Array({ minLength: 0, maxLength: 1800 });

const transport4 = fc.oneof(
  fc.record({ srcPort: fc.integer({ min: 1, max: 65535 }), dstPort: fc.integer({ min: 1, max: 65535 }), payload }).map((f) => udp(f)),
  fc.record({ srcPort: fc.integer({ min: 1, max: 65535 }), dstPort: fc.integer({ min: 1, max: 65535 }), seq: fc.nat(), payload }).map((f) => tcp(f)),
  fc.record({ request: fc.boolean(), id: fc.integer({ min: 0, max: 65535 }), seq: fc.integer({ min: 0, max: 65535 }), payload }).map((f) =>
    icmp4({ type: f.request ? 8 : 0, code: 0, rest: echoRest(f.id, f.seq), payload: f.payload }),
  ),
);

const packet4 = fc.record({
  src: ipv4Host,
  dst: ipv4Host,
  tos: fc.integer({ min: 0, max: 255 }),
  ttl: fc.integer({ min: 3, max: 255 }),
  id: fc.integer({ min: 0, max: 65535 }),
  df: fc.boolean(),
  l4: transport4,
});

/** Reassembles when the translation was fragmented; asserts every piece is well-formed. */
function whole(pieces: Uint8Array[], family: 4 | 6): Uint8Array {
  for (const piece of pieces) expect(packetProblems(piece)).toEqual([]);
  if (pieces.length === 1) {
    const only = pieces[0];
    const fragmented = family === 4 ? readIpv4(only).mf || readIpv4(only).fragOffsetBytes > 0 : readIpv6(only).fragment !== undefined;
    if (!fragmented) return only;
  }
  const reassembled = family === 4 ? reassembleIpv4(pieces) : reassembleIpv6(pieces);
  expect(packetProblems(reassembled)).toEqual([]);
  return reassembled;
}

function translateAll(packets: Uint8Array[], family: 4 | 6): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const packet of packets) {
    const result = run(translator, packet);
    expect(result.verdict).toBe('translated');
    for (const piece of result.out) {
      expect(piece.family).toBe(family);
      expect(piece.generated).toBe(0);
      out.push(piece.bytes);
    }
  }
  return out;
}

describe('translation round trips (fast-check)', () => {
  it('IPv4 → IPv6 → IPv4 keeps addresses, TOS, protocol and transport bytes; checksums stay valid', () => {
    fc.assert(
      fc.property(packet4, (f) => {
        // DF packets must fit the IPv6 MTU (1500); larger ones are refused, which other tests cover.
        fc.pre(!f.df || 20 + f.l4.bytes.length + 20 <= 1500);
        const original = ipv4({ src: f.src, dst: f.dst, tos: f.tos, ttl: f.ttl, id: f.id, df: f.df }, f.l4);
        expect(packetProblems(original)).toEqual([]);
        const as6 = translateAll([original], 6);
        whole(as6, 6);
        for (const piece of as6) expect(piece.length).toBeLessThanOrEqual(f.df ? 1500 : 1280);
        const back = whole(translateAll(as6, 4), 4);
        const before = readIpv4(original);
        const after = readIpv4(back);
        expect(after.src).toBe(before.src);
        expect(after.dst).toBe(before.dst);
        expect(after.tos).toBe(before.tos);
        expect(after.proto).toBe(before.proto);
        expect(after.ttl).toBe(before.ttl - 2);
        expect(Array.from(after.payload)).toEqual(Array.from(before.payload));
      }),
      { numRuns: 400 },
    );
  });

  const ipv6Host = fc.integer({ min: 1, max: 0xfffe }).map((n) => `2001:db8:64::c633:${n.toString(16)}`);
  const transport6: fc.Arbitrary<Transport> = fc.oneof(
    fc.record({ srcPort: fc.integer({ min: 1, max: 65535 }), dstPort: fc.integer({ min: 1, max: 65535 }), payload }).map((f) => udp(f)),
    fc.record({ srcPort: fc.integer({ min: 1, max: 65535 }), dstPort: fc.integer({ min: 1, max: 65535 }), seq: fc.nat(), payload }).map((f) => tcp(f)),
    fc.record({ request: fc.boolean(), id: fc.integer({ min: 0, max: 65535 }), seq: fc.integer({ min: 0, max: 65535 }), payload }).map((f) =>
      icmp6({ type: f.request ? 128 : 129, code: 0, rest: echoRest(f.id, f.seq), payload: f.payload }),
    ),
  );

  it('IPv6 → IPv4 → IPv6 keeps addresses, traffic class, next header and transport bytes', () => {
    fc.assert(
      fc.property(ipv6Host, ipv6Host, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 3, max: 255 }), transport6, (src, dst, trafficClass, hopLimit, l4) => {
        fc.pre(40 + l4.bytes.length <= 1500);
        const original = ipv6({ src, dst, trafficClass, hopLimit }, l4);
        expect(packetProblems(original)).toEqual([]);
        const as4 = whole(translateAll([original], 4), 4);
        const back = whole(translateAll([as4], 6), 6);
        const before = readIpv6(original);
        const after = readIpv6(back);
        expect(after.src).toBe(before.src);
        expect(after.dst).toBe(before.dst);
        expect(after.trafficClass).toBe(before.trafficClass);
        expect(after.proto).toBe(before.proto);
        expect(after.hopLimit).toBe(before.hopLimit - 2);
        expect(Array.from(after.payload)).toEqual(Array.from(before.payload));
      }),
      { numRuns: 400 },
    );
  });
});
