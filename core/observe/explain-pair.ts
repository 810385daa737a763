// A recorded trace pair explained (issue 14): the translator re-run, off the packet path, on the
// pair's input with the configuration that was in force (translator-configs.ts), in its recording
// mode (core/xlat/explain.ts), and the result held against the recorded twin.
//
// The ring keeps only the first bytes of each packet (its snap length). The headers are there; the
// payload past them is not. The re-run gets the packet at its declared length: the missing bytes
// are zeros but for one 16-bit word, chosen so the packet's own transport checksum (TCP, UDP,
// ICMP, ICMPv6) still holds, as it held on the wire. Every checksum the translator updates or
// computes from the payload then comes out as it did (one's complement sums care only about the
// sum). Values read from bytes that were never recorded are shown as such, and wherever the re-run
// differs from the recorded twin, `mismatch` says so instead of passing it off as the translation.

import type { Explanation, FieldPlace, TranslationStep } from '../api/explanation.js';
import { encodeBase64 } from '../api/base64.js';
import { read16, write16 } from '../wire/bytes.js';
import { checksumIsValid, foldSum, sumWords } from '../wire/checksum.js';
import { protocol } from '../wire/protocol.js';
import type { SiitConfig } from '../xlat/config.js';
import { explainTranslation, type ExplainResult } from '../xlat/explain.js';
import { formatField } from '../xlat/explain-values.js';
import type { TracePair } from './trace-pair.js';

export const notRecorded = 'not recorded';

/** Explains `pair` with the first of `candidates` whose re-run matches the recorded twin (else the first). */
export function explainRecordedPair(pair: TracePair, candidates: readonly SiitConfig[]): Explanation {
  if (candidates.length === 0) return unexplained(pair, 'the translator configuration in force when this pair was recorded is no longer known');
  const input = completeInput(pair.input.bytes, pair.input.length, pair.verdict !== 'icmpErrorBadChecksum');
  const nextIpv4Id = recordedIpv4Id(pair);
  let first: { result: ExplainResult; mismatch: string | null } | undefined;
  for (const candidate of candidates) {
    const superPacket = isSuperPacket(pair, candidate);
    const config = superPacket ? liftMtus(candidate) : candidate;
    const result = explainTranslation(config, input.bytes, { pairId: pair.id, nextIpv4Id });
    let mismatch = compare(pair, result, input.filled, input.kept, superPacket);
    if (superPacket) mismatch = superPacketNote(pair, mismatch);
    if (mismatch === null || superPacket) return finish(pair, result, mismatch, input.kept);
    first ??= { result, mismatch };
  }
  return finish(pair, first!.result, first!.mismatch, input.kept);
}

/**
 * With TUN offloads the engine translates a coalesced super-packet (up to 64 KiB: GSO, GRO) by its
 * headers alone (core/xlat/vnet-translate.ts); the kernel cuts it into packets that fit. Larger
 * than any MTU, it would be refused by a plain re-run, so it is re-run with the MTUs lifted.
 */
function isSuperPacket(pair: TracePair, config: SiitConfig): boolean {
  // The translator itself never writes a packet larger than its side's MTU (it fragments, or
  // refuses); only the offload's header-only translation does.
  const output = pair.output;
  if (pair.verdict !== 'translated' || pair.outputCount !== 1 || output === null) return false;
  return output.length > (output.family === 6 ? config.mtu.ipv6 : config.mtu.ipv4);
}

function liftMtus(config: SiitConfig): SiitConfig {
  return { ...config, mtu: { ipv4: 65_535, ipv6: 65_535 }, lowestIpv6Mtu: 65_535 };
}

function superPacketNote(pair: TracePair, mismatch: string | null): string {
  const what = `a coalesced super-packet of ${pair.input.length} bytes (TUN segmentation offload), which the kernel cuts into packets that fit: re-run as one packet with the MTUs lifted`;
  return mismatch === null
    ? `${what}; its TCP or UDP checksum field held a partial sum the kernel completes per segment, so the checksum shown is not the one on the wire`
    : `${what}; ${mismatch}`;
}

/** What the IPv4 counter handed out for the recorded twin (RFC 7915 §5.1), if it is an IPv4 translation. */
function recordedIpv4Id(pair: TracePair): number | undefined {
  const output = pair.output;
  if (output === null || pair.generated || output.family !== 4 || output.bytes.length < 6) return undefined;
  return read16(output.bytes, 4);
}

interface CompletedInput {
  readonly bytes: Uint8Array;
  /** Bytes that were recorded (the rest was filled in). */
  readonly kept: number;
  /** Whether the fill could keep the transport checksum true (or nothing was missing). */
  readonly filled: 'whole' | 'balanced' | 'unbalanced';
}

/** The recorded bytes at the packet's declared length; see the top of the file. */
export function completeInput(recorded: Uint8Array, length: number, checksumWasValid = true): CompletedInput {
  if (recorded.length >= length) return { bytes: recorded.slice(0, length), kept: length, filled: 'whole' };
  const bytes = new Uint8Array(length);
  bytes.set(recorded);
  const kept = recorded.length;
  return { bytes, kept, filled: balanceChecksum(bytes, kept, checksumWasValid) ? 'balanced' : 'unbalanced' };
}

/** Where the IP packet ends by its header (bytes after it are link padding). */
function declaredEnd(b: Uint8Array): number {
  const version = b[0] >> 4;
  const end = version === 4 ? read16(b, 2) : version === 6 ? 40 + read16(b, 4) : b.length;
  return Math.min(end, b.length);
}

/** Where the transport header starts and what covers its checksum; null for fragments and others. */
function transportOf(b: Uint8Array): { l4: number; proto: number; pseudo: number; checksumAt: number } | null {
  const version = b[0] >> 4;
  if (version === 4) {
    const ihl = (b[0] & 0x0f) << 2;
    if ((read16(b, 6) & 0x3fff) !== 0) return null; // a fragment's checksum covers the others too
    const total = read16(b, 2);
    const proto = b[9];
    const l4 = ihl;
    const length = total - ihl;
    const addresses = sumWords(b, 12, 20);
    if (proto === protocol.tcp) return { l4, proto, pseudo: addresses + proto + length, checksumAt: l4 + 16 };
    if (proto === protocol.udp && read16(b, l4 + 6) !== 0) return { l4, proto, pseudo: addresses + proto + length, checksumAt: l4 + 6 };
    if (proto === protocol.icmp) return { l4, proto, pseudo: 0, checksumAt: l4 + 2 };
    return null;
  }
  if (version !== 6) return null;
  // Past the extension headers a translator skips (and an atomic Fragment header: a fragment's
  // checksum covers the others too), within the recorded bytes.
  let proto = b[6];
  let l4 = 40;
  for (;;) {
    if (proto === protocol.hopByHop || proto === protocol.routing || proto === protocol.destinationOptions) {
      proto = b[l4];
      l4 += (b[l4 + 1] + 1) << 3;
    } else if (proto === protocol.fragment) {
      if ((read16(b, l4 + 2) & 0xfff9) !== 0) return null;
      proto = b[l4];
      l4 += 8;
    } else {
      break;
    }
    if (l4 + 8 > b.length) return null;
  }
  const length = read16(b, 4) - (l4 - 40);
  const pseudo = sumWords(b, 8, 40) + proto + length;
  if (proto === protocol.tcp) return { l4, proto, pseudo, checksumAt: l4 + 16 };
  if (proto === protocol.udp) return { l4, proto, pseudo, checksumAt: l4 + 6 };
  if (proto === protocol.icmpv6) return { l4, proto, pseudo, checksumAt: l4 + 2 };
  return null;
}

/**
 * Sets one word in the unrecorded tail so the transport checksum holds (or, for a packet refused
 * for its wrong checksum, so that it is still wrong); false when it cannot.
 */
function balanceChecksum(b: Uint8Array, kept: number, checksumWasValid: boolean): boolean {
  if (kept < 40) return false;
  const transport = transportOf(b);
  if (transport === null || transport.checksumAt + 2 > kept) return false;
  const end = declaredEnd(b);
  // The last 16-bit word (counted from the transport header) that lies wholly in the tail.
  let at = end - 2;
  if ((at - transport.l4) % 2 !== 0) at--;
  if (at < kept) return false;
  const sum = foldSum(sumWords(b, transport.l4, end, transport.pseudo));
  write16(b, at, checksumWasValid ? 0xffff - sum : 0xfffe - sum);
  return checksumIsValid(sumWords(b, transport.l4, end, transport.pseudo)) === checksumWasValid;
}

/** Why the re-run is not the recorded twin, or null when it is. */
function compare(pair: TracePair, result: ExplainResult, filled: CompletedInput['filled'], inputKept: number, superPacket: boolean): string | null {
  const unrecorded = filled === 'unbalanced'
    ? ` (only its first ${inputKept} of ${pair.input.length} bytes were recorded, and its checksum could not be kept for the rest)`
    : filled === 'balanced' ? ` (only its first ${inputKept} of ${pair.input.length} bytes were recorded)` : '';
  const verdict = result.explanation.verdict;
  if (verdict !== pair.verdict) return `the re-run's verdict is ${verdict}, the recorded one ${pair.verdict}${unrecorded}`;
  const recorded = pair.output;
  if (recorded === null) return result.outputs.length === 0 ? null : `the re-run wrote ${result.outputs.length} packets, the recorded pair none`;
  if (result.outputs.length !== pair.outputCount) return `the re-run wrote ${result.outputs.length} packets, the recorded pair ${pair.outputCount}${unrecorded}`;
  const twin = result.outputs[0];
  if (twin.length !== recorded.length) return `the re-run's output is ${twin.length} bytes, the recorded ${recorded.length}${unrecorded}`;
  const unknown = copiedFromUnrecorded(result, inputKept, recorded.bytes.length);
  // A checksum computed anew (an ICMP error's, over the quote) covers bytes that were not recorded.
  if (inputKept < pair.input.length) for (const place of computedChecksums(result)) unknown.fill(1, place.bitOffset >> 3, (place.bitOffset + place.bitLength) >> 3);
  // A super-packet's checksum field is a partial sum on both sides (see superPacketNote).
  if (superPacket) for (const step of result.explanation.steps) if (step.to?.name === 'Checksum' && step.to.depth === 0) unknown.fill(1, step.to.bitOffset >> 3, (step.to.bitOffset >> 3) + 2);
  for (let i = 0; i < recorded.bytes.length; i++) {
    if (!unknown[i] && twin[i] !== recorded.bytes[i]) return `the re-run's output differs from the recorded one at byte ${i}${unrecorded}`;
  }
  return null;
}

/** The first output's checksums the translator computed over the whole message (not updated). */
function computedChecksums(result: ExplainResult): FieldPlace[] {
  const places: FieldPlace[] = [];
  for (const step of result.explanation.steps) {
    if (step.action === 'computed' && step.to !== null && step.to.outputIndex === 0 && step.to.name === 'Checksum') places.push(step.to);
  }
  return places;
}

/** Bytes of the first output that are copies of input bytes the ring did not keep (the re-run has zeros there). */
function copiedFromUnrecorded(result: ExplainResult, inputKept: number, length: number): Uint8Array {
  const unknown = new Uint8Array(length);
  for (const step of result.explanation.steps) {
    const { from, to } = step;
    if (step.action !== 'copied' || from === null || to === null || from.packet !== 'input' || to.outputIndex !== 0) continue;
    for (let bit = Math.max(from.bitOffset, inputKept * 8); bit < from.bitOffset + from.bitLength; bit += 8) {
      const at = (to.bitOffset + bit - from.bitOffset) >> 3;
      if (at < length) unknown[at] = 1;
    }
  }
  return unknown;
}

/** The explanation with the packets as recorded, and no value read from bytes that were not. */
function finish(pair: TracePair, result: ExplainResult, mismatch: string | null, inputKept: number): Explanation {
  const explanation = result.explanation;
  const snapped = inputKept < pair.input.length;
  // Outputs: what was recorded of the first; of later ones (fragments, never recorded) what the
  // re-run knows from recorded input bytes, which is their headers when the input was cut.
  const outputKept = result.outputs.map((bytes, i) => {
    if (i === 0 && pair.output !== null) return Math.min(bytes.length, pair.output.bytes.length);
    return snapped ? Math.min(bytes.length, 48) : bytes.length;
  });
  // The first output as the ring recorded it: what the re-run could only compute from bytes that
  // were not recorded (an ICMP error's checksum over its quote) is read from the recording.
  const recordedOutput = pair.output !== null && pair.output.length === result.outputs[0]?.length ? pair.output.bytes : null;
  const outputBytes = result.outputs.map((bytes, i) => (i === 0 && recordedOutput !== null ? recordedOutput.subarray(0, outputKept[0]) : bytes.subarray(0, outputKept[i])));
  const outputs = explanation.outputs.map((packet, i) => ({ ...packet, bytes: encodeBase64(outputBytes[i]) }));
  const recordedPlace = (place: FieldPlace | null): FieldPlace | null => {
    if (place === null) return null;
    const known = place.packet === 'input' ? inputKept : outputKept[place.outputIndex] ?? 0;
    if (/^\d+ bytes$/.test(place.value)) return place;
    if (place.bitOffset + place.bitLength > known * 8) return { ...place, value: notRecorded };
    if (place.packet === 'output' && place.outputIndex === 0 && recordedOutput !== null) {
      const value = formatField(recordedOutput, place.header, place.name, place.bitOffset, place.bitLength);
      return value === place.value ? place : { ...place, value };
    }
    return place;
  };
  const recordedStep = (step: TranslationStep | null): TranslationStep | null => {
    if (step === null) return null;
    const from = recordedPlace(step.from);
    const to = recordedPlace(step.to);
    let rule = step.rule;
    // The rule quotes the values: a value that was not recorded is not quoted either.
    if (from !== step.from && step.from !== null && from !== null) rule = rule.split(step.from.value).join(from.value);
    if (to !== step.to && step.to !== null && to !== null) rule = rule.split(step.to.value).join(to.value);
    return { ...step, from, to, rule };
  };
  return {
    ...explanation,
    input: { family: pair.input.family, length: pair.input.length, bytes: encodeBase64(pair.input.bytes) },
    outputs,
    steps: explanation.steps.map((step) => recordedStep(step)!),
    refusal: recordedStep(explanation.refusal),
    generated: recordedStep(explanation.generated),
    mismatch,
  };
}

/** A pair that cannot be re-run: its packets as recorded, and why. */
function unexplained(pair: TracePair, why: string): Explanation {
  return {
    pairId: pair.id,
    direction: pair.direction,
    verdict: pair.verdict,
    refusal: null,
    generated: null,
    input: { family: pair.input.family, length: pair.input.length, bytes: encodeBase64(pair.input.bytes) },
    outputs: pair.output === null ? [] : [{ family: pair.output.family, length: pair.output.length, bytes: encodeBase64(pair.output.bytes) }],
    steps: [],
    mismatch: why,
  };
}
