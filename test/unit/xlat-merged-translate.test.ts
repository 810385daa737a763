// IPv6 TCP packets merged beyond the MTU (GRO, a peer's TSO over a veth), translated as one IPv4
// packet (core/xlat/merged-translate.ts): the headers are what translating the first segment
// gives, with the lengths of the whole, DF set and Identification 0 (RFC 7915 §5.1, RFC 6864 §4.1),
// the payload is the merged one, the TCP checksum stays right, and the input is left as it was.
// What cannot be one IPv4 packet is refused with nothing written.

import { describe, expect, it } from 'vitest';
import { mergedUntranslatable, translateMerged64 } from '../../core/xlat/merged-translate.js';
import { XlatOutput } from '../../core/xlat/output.js';
import { Verdict } from '../../core/xlat/verdict.js';
import { ipv6, optionsHeader, pattern, tcp, udp } from './packet-builder.js';
import { packetProblems, readIpv4 } from './packet-check.js';
import { makeTranslator, net } from './xlat-fixture.js';

const translator = makeTranslator(); // MTU 1500 both sides
const out = new XlatOutput();

function merged(payloadBytes: number, hopLimit = 64): Uint8Array {
  return ipv6({ src: net.h6, dst: net.h4as6, hopLimit }, tcp({ seq: 1000, payload: pattern(payloadBytes, 5) }));
}

describe('translating merged IPv6 TCP as one IPv4 packet', () => {
  it('gives the first segment translation with the whole payload, DF set, a right checksum', () => {
    const packet = merged(30_000);
    const before = packet.slice();
    expect(translateMerged64(translator, packet, 0, packet.length, out)).toBe(Verdict.translated);
    expect(packet).toEqual(before);
    expect(out.count).toBe(1);
    expect(out.family[0]).toBe(4);
    const v4 = out.packet(0).slice();
    expect(v4.length).toBe(packet.length - 20);
    expect(packetProblems(v4)).toEqual([]);
    const h = readIpv4(v4);
    expect(h).toMatchObject({ src: net.h6as4, dst: net.h4, ttl: 63, proto: 6, df: true, id: 0 });
    // The TCP header and payload as they were, but for the checksum (its pseudo-header changed).
    expect(v4.subarray(20, 36)).toEqual(packet.subarray(40, 56));
    expect(v4.subarray(38)).toEqual(packet.subarray(58));
    // The headers as the translator gives them for one segment of the stream.
    const first = merged(1400);
    expect(translator.translate(first, out)).toBe(Verdict.translated);
    const segment = out.packet(0);
    expect(readIpv4(segment)).toMatchObject({ src: h.src, dst: h.dst, ttl: h.ttl, tos: h.tos, df: true });
    expect(segment.subarray(20, 36)).toEqual(v4.subarray(20, 36));
  });

  it('takes the largest packet GRO makes, and refuses one over 65535 bytes as IPv4', () => {
    const largest = merged(65_536 - 40 - 20 - 20);
    expect(translateMerged64(translator, largest, 0, largest.length, out)).toBe(Verdict.translated);
    expect(packetProblems(out.packet(0).slice())).toEqual([]);
    const tooLong = merged(65_535 - 20);
    expect(translateMerged64(translator, tooLong, 0, tooLong.length, out)).toBe(mergedUntranslatable);
    expect(out.count).toBe(0);
  });

  it('refuses UDP, extension headers and a length that does not match, writing nothing', () => {
    const refused = {
      udp: ipv6({ src: net.h6, dst: net.h4as6 }, udp({ payload: pattern(3000) })),
      hopByHop: ipv6({ src: net.h6, dst: net.h4as6, extensions: [optionsHeader(0)] }, tcp({ payload: pattern(3000) })),
      payloadLength: ipv6({ src: net.h6, dst: net.h4as6, payloadLen: 1000 }, tcp({ payload: pattern(3000) })),
    };
    for (const [what, packet] of Object.entries(refused)) {
      const before = packet.slice();
      expect(translateMerged64(translator, packet, 0, packet.length, out), what).toBe(mergedUntranslatable);
      expect(out.count, what).toBe(0);
      expect(packet, what).toEqual(before);
    }
  });

  it("passes the translator's refusal on, its ICMPv6 error quoting the headers", () => {
    const packet = merged(20_000, 1);
    expect(translateMerged64(translator, packet, 0, packet.length, out)).toBe(Verdict.ttlExpired);
    expect(out.count).toBe(1);
    expect(out.family[0]).toBe(6);
    expect(out.length[0]).toBeLessThan(1280);
  });
});
