// Explanations for the renderer's tests: the *shape* of core/api/explanation.ts filled in by hand
// around the packets of fixtures.ts, only to test how the screen lays them out (sides, groups,
// lit bytes). They make no claim about what the translator does: its own explanations are tested
// against its output in core's tests, and the screen against the real engine in the lab.

import { encodeBase64 } from '../../core/api/base64.js';
import type { Explanation, FieldPlace, StepAction, TranslationStep } from '../../core/api/explanation.js';
import { echoV4, echoV6 } from './fixtures.js';

type Place = Omit<FieldPlace, 'outputIndex' | 'depth'> & { outputIndex?: number; depth?: 0 | 1 };

function place(field: Place): FieldPlace {
  return { outputIndex: 0, depth: 0, ...field };
}

function step(action: StepAction, from: Place | null, to: Place | null, rule: string, cite: string): TranslationStep {
  return { action, from: from === null ? null : place(from), to: to === null ? null : place(to), rule, cite };
}

const in4 = (header: FieldPlace['header'], name: string, bitOffset: number, bitLength: number, value: string, depth: 0 | 1 = 0): Place => ({ packet: 'input', header, name, bitOffset, bitLength, value, depth });
const out6 = (header: FieldPlace['header'], name: string, bitOffset: number, bitLength: number, value: string, extra: Partial<Place> = {}): Place => ({
  packet: 'output',
  header,
  name,
  bitOffset,
  bitLength,
  value,
  ...extra,
});

/** Pair `pairId`: the echo request of fixtures.ts going out (46), IPv4 in, IPv6 out. */
export function echoExplanation(pairId: number): Explanation {
  const v4 = echoV4(pairId);
  const v6 = echoV6(pairId);
  return {
    pairId,
    direction: 46,
    verdict: 'translated',
    refusal: null,
    generated: null,
    input: { family: 4, length: v4.length, bytes: encodeBase64(v4) },
    outputs: [{ family: 6, length: v6.length, bytes: encodeBase64(v6) }],
    mismatch: null,
    steps: [
      step('copied', in4('ipv4', 'Type of Service', 8, 8, '0'), out6('ipv6', 'Traffic Class', 4, 8, '0'), 'Type of Service copied to Traffic Class', 'RFC 7915 §4.1'),
      step('synthesised', null, out6('ipv6', 'Flow Label', 12, 20, '0'), 'Flow Label 0', 'RFC 7915 §4.1'),
      step('computed', in4('ipv4', 'Total Length', 16, 16, '28'), out6('ipv6', 'Payload Length', 32, 16, '8'), 'Payload Length: Total Length less the IPv4 header', 'RFC 7915 §4.1'),
      step('dropped', in4('ipv4', 'Flags', 48, 3, 'DF'), null, 'DF: no Fragment header for a packet that fits', 'RFC 7915 §4.1'),
      step('decremented', in4('ipv4', 'Time to Live', 64, 8, '64'), out6('ipv6', 'Hop Limit', 56, 8, '63'), 'TTL 64 → Hop Limit 63: the translator is a router and decrements', 'RFC 7915 §4.1'),
      step('mapped', in4('ipv4', 'Protocol', 72, 8, '1'), out6('ipv6', 'Next Header', 48, 8, '58'), 'Protocol 1 → Next Header 58', 'RFC 7915 §4.1'),
      step('mapped', in4('ipv4', 'Destination Address', 128, 32, '203.0.113.10'), out6('ipv6', 'Destination Address', 192, 128, '64:ff9b::cb00:710a', { embeddedIpv4Bytes: [12, 13, 14, 15] }), 'Embedded under the /96 prefix, bits 96–127', 'RFC 6052 §2.2'),
      step('mapped', in4('icmp', 'Type', 160, 8, '8'), out6('icmpv6', 'Type', 320, 8, '128'), 'Echo Request type 8 → 128', 'RFC 7915 §4.2'),
      step('updated', in4('icmp', 'Checksum', 176, 16, '0x1234'), out6('icmpv6', 'Checksum', 336, 16, '0x0000'), 'Checksum adjusted incrementally, pseudo-header included', 'RFC 1624'),
    ],
  };
}

/** Pair `pairId`: an ICMPv6 Time Exceeded coming in (64), translated, quoting the echo (depth 1). */
export function timeExceededExplanation(pairId: number): Explanation {
  const input = new Uint8Array(96);
  input[0] = 0x60;
  const output = new Uint8Array(56);
  output[0] = 0x45;
  const in6 = (header: FieldPlace['header'], name: string, bitOffset: number, bitLength: number, value: string, depth: 0 | 1 = 0): Place => ({ packet: 'input', header, name, bitOffset, bitLength, value, depth });
  const out4 = (header: FieldPlace['header'], name: string, bitOffset: number, bitLength: number, value: string, depth: 0 | 1 = 0): Place => ({ packet: 'output', header, name, bitOffset, bitLength, value, depth });
  return {
    pairId,
    direction: 64,
    verdict: 'translated',
    refusal: null,
    generated: null,
    input: { family: 6, length: 96, bytes: encodeBase64(input) },
    outputs: [{ family: 4, length: 56, bytes: encodeBase64(output) }],
    mismatch: null,
    steps: [
      step('mapped', in6('ipv6', 'Source Address', 64, 128, '2001:db8:1:2::1'), out4('ipv4', 'Source Address', 96, 32, '192.0.0.8'), 'No IPv4 form: 192.0.0.8', 'RFC 7600'),
      step('mapped', in6('icmpv6', 'Type', 320, 8, '3'), out4('icmp', 'Type', 160, 8, '11'), 'Time Exceeded type 3 → 11', 'RFC 7915 §5.2'),
      step('mapped', in6('ipv6', 'Next Header', 48 + 384, 8, '58', 1), out4('ipv4', 'Protocol', 72 + 224, 8, '1', 1), 'Next Header 58 → Protocol 1', 'RFC 7915 §5.3'),
      step('mapped', in6('icmpv6', 'Type', 320 + 320, 8, '128', 1), out4('icmp', 'Type', 160 + 224, 8, '8', 1), 'Echo Request type 128 → 8', 'RFC 7915 §5.3'),
    ],
  };
}

/** Pair `pairId`: a fragmented ICMP echo refused (RFC 7915 does not translate fragmented ICMP). */
export function refusedExplanation(pairId: number): Explanation {
  const v4 = echoV4(pairId);
  v4[6] = 0x20; // More Fragments
  const refusal = step('checked', in4('ipv4', 'Flags', 48, 3, 'MF'), null, 'A fragment of an ICMP message cannot be translated', 'RFC 7915 §1.2');
  return {
    pairId,
    direction: 46,
    verdict: 'fragmentedIcmp',
    refusal,
    generated: null,
    input: { family: 4, length: 1500, bytes: encodeBase64(v4) },
    outputs: [],
    mismatch: null,
    steps: [refusal],
  };
}

/** Pair `pairId`: TTL 1 refused and answered with a Time Exceeded the translator made (both IPv4). */
export function generatedExplanation(pairId: number): Explanation {
  const v4 = echoV4(pairId);
  v4[8] = 1;
  const refusal = step('checked', in4('ipv4', 'Time to Live', 64, 8, '1'), null, 'TTL 1 cannot be forwarded', 'RFC 7915 §4.1');
  const generated = step('synthesised', in4('ipv4', 'Time to Live', 64, 8, '1'), { packet: 'output', header: 'icmp', name: 'Type', bitOffset: 160, bitLength: 8, value: '11' }, 'Time Exceeded sent back, quoting the packet', 'RFC 792');
  return {
    pairId,
    direction: 46,
    verdict: 'ttlExpired',
    refusal,
    generated,
    input: { family: 4, length: v4.length, bytes: encodeBase64(v4) },
    outputs: [{ family: 4, length: 56, bytes: encodeBase64(new Uint8Array(56)) }],
    mismatch: 'the recorded reply was 4 bytes longer',
    steps: [refusal, generated],
  };
}
