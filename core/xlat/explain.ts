// A translation explained (core/api/explanation.ts): the translator runs once more on one packet,
// off the packet path, with a recorder in its context (recorder.ts); its notes become the steps,
// with the fields' values read from the very bytes it read and wrote. Nothing here decides how a
// packet translates: that is the translator's code, run as it runs on the packet path.

import type { ExplainedPacket, Explanation, FieldPlace, TranslationStep } from '../api/explanation.js';
import { encodeBase64 } from '../api/base64.js';
import type { SiitConfig } from './config.js';
import { XlatContext } from './context.js';
import { layOutPacket, type LaidOutField } from './explain-fields.js';
import { formatField } from './explain-values.js';
import { XlatOutput } from './output.js';
import { XlatRecorder, type RawPlace, type RawStep } from './recorder.js';
import { translate46 } from './translate-46.js';
import { translate64 } from './translate-64.js';
import { Verdict, verdictName, verdictTable } from './verdict.js';

export interface ExplainOptions {
  /** The pair's number (or the packet's index in a capture). */
  readonly pairId?: number;
  /**
   * The Identification the translator's IPv4 counter hands out next (RFC 7915 §5.1): state that a
   * re-run cannot know, taken from the recorded twin so the two can be compared.
   */
  readonly nextIpv4Id?: number;
}

export interface ExplainResult {
  readonly explanation: Explanation;
  /** The verdict number and the outputs, as the translator wrote them. */
  readonly verdict: number;
  readonly outputs: readonly Uint8Array[];
}

/** Translates `input` (one whole packet) with `config`, recording, and explains what was done. */
export function explainTranslation(config: SiitConfig, input: Uint8Array, options: ExplainOptions = {}): ExplainResult {
  const ctx = new XlatContext(config);
  if (options.nextIpv4Id !== undefined) ctx.setNextIpv4Id(options.nextIpv4Id);
  const recorder = new XlatRecorder(input);
  const out = new XlatOutput();
  recorder.outputBuffer = out.buffer;
  ctx.recorder = recorder;
  const version = input.length > 0 ? input[0] >> 4 : 0;
  let verdict: number;
  if (version === 4) verdict = translate46(ctx, input, 0, input.length, out, false);
  else if (version === 6) verdict = translate64(ctx, input, 0, input.length, out);
  else {
    out.count = 0;
    verdict = Verdict.badVersion;
    recorder.refuse(verdict, 0, input.length > 0 ? { header: 'ipv4', name: 'Version', byte: 0, bit: 0, bits: 4 } : null, 0);
  }
  const outputs: Uint8Array[] = [];
  for (let i = 0; i < out.count; i++) outputs.push(out.packet(i).slice());
  const resolver = new Resolver(input, out, outputs);
  const steps = recorder.hairpinned ? [hairpinStep()] : resolver.steps(recorder.steps);
  const refusal = recorder.refusal === null ? null : resolver.step(recorder.refusal);
  const generated = out.count > 0 && out.generated[0] !== 0 ? generatedStep(refusal, outputs[0], out.family[0], verdict, out.length[0]) : null;
  const explanation: Explanation = {
    pairId: options.pairId ?? 0,
    direction: version === 4 ? 46 : 64,
    verdict: verdictName(verdict) ?? `unknown(${verdict})`,
    refusal,
    generated,
    input: packetOf(input, input.length),
    outputs: outputs.map((bytes, i) => ({ ...packetOf(bytes, bytes.length), family: out.family[i] === 4 ? 4 : 6 })),
    steps,
    mismatch: null,
  };
  return { explanation, verdict, outputs };
}

function packetOf(bytes: Uint8Array, length: number): ExplainedPacket {
  return { family: bytes.length > 0 && bytes[0] >> 4 === 6 ? 6 : 4, length, bytes: encodeBase64(bytes) };
}

function hairpinStep(): TranslationStep {
  return {
    action: 'checked', from: null, to: null,
    rule: 'the destination maps into the EAMT: translated to IPv4 and back to IPv6 (hairpinning); its fields are not explained one by one',
    cite: 'RFC 7757 §4',
  };
}

/** Why the translator answered with an error of its own, and what the error quotes. */
function generatedStep(refusal: TranslationStep | null, error: Uint8Array, family: number, verdict: number, length: number): TranslationStep {
  const c = family === 4 ? 20 : 40;
  const header = family === 4 ? 'icmp' : 'icmpv6';
  const to: FieldPlace = {
    packet: 'output', outputIndex: 0, depth: 0, header, name: 'Type', bitOffset: c * 8, bitLength: 8, value: String(error[c]),
  };
  const name = verdictName(verdict);
  const why = name === undefined ? `verdict ${verdict}` : verdictTable[name];
  return {
    action: 'synthesised',
    from: refusal?.from ?? null,
    to,
    rule: `${why}: the translator sends ICMP${family === 6 ? 'v6' : ''} type ${error[c]} code ${error[c + 1]} back to the source, quoting the first ${length - c - 8} bytes of the refused packet`,
    cite: family === 4 ? 'RFC 7915 §4.4, RFC 1812 §4.3.2.3' : 'RFC 7915 §5.4, RFC 4443 §2.4',
  };
}

/** Turns the recorder's notes (positions in the input and the output buffer) into steps. */
class Resolver {
  private readonly layout: LaidOutField[];

  constructor(private readonly input: Uint8Array, private readonly out: XlatOutput, private readonly outputs: readonly Uint8Array[]) {
    this.layout = layOutPacket(input, input.length);
  }

  steps(raw: readonly RawStep[]): TranslationStep[] {
    const placed = raw.map((step) => this.clip(step)).filter((step): step is PlacedStep => step !== null);
    const steps: TranslationStep[] = [];
    placed.forEach((step, index) => {
      if (!step.raw.range) {
        steps.push(this.finish(step.raw, step.outputIndex, step.toBit));
        return;
      }
      for (const part of this.split(step)) {
        if (this.overwrittenLater(placed, index, step.outputIndex, part.toBit, part.bits)) continue;
        steps.push(part.step);
      }
    });
    return steps;
  }

  /** A step without an output part (the refusal). */
  step(raw: RawStep): TranslationStep {
    return this.finish(raw, 0, 0);
  }

  /** Finds the output a note's `to` lies in and clips a copied range to that output's end. */
  private clip(raw: RawStep): PlacedStep | null {
    if (raw.to === null) return { raw, outputIndex: 0, toBit: 0 };
    const bit = raw.to.bit;
    for (let i = 0; i < this.out.count; i++) {
      const startBit = this.out.start[i] * 8;
      const endBit = startBit + this.out.length[i] * 8;
      if (bit < startBit || bit >= endBit) continue;
      const room = endBit - bit;
      if (raw.to.bits <= room) return { raw, outputIndex: i, toBit: bit - startBit };
      if (!raw.range) return null;
      const cut = raw.to.bits - room;
      return {
        raw: { ...raw, from: raw.from === null ? null : { ...raw.from, bits: raw.from.bits - cut }, to: { ...raw.to, bits: room } },
        outputIndex: i,
        toBit: bit - startBit,
      };
    }
    return null;
  }

  /** A later note writes these output bits again: the copy is not what they hold. */
  private overwrittenLater(placed: readonly PlacedStep[], index: number, outputIndex: number, toBit: number, bits: number): boolean {
    for (let k = index + 1; k < placed.length; k++) {
      const later = placed[k];
      if (later.raw.to === null || later.outputIndex !== outputIndex) continue;
      if (later.toBit <= toBit && later.toBit + later.raw.to.bits >= toBit + bits) return true;
    }
    return false;
  }

  /** A copied range, cut at the input's field boundaries and named after them. */
  private *split(step: PlacedStep): Generator<{ step: TranslationStep; toBit: number; bits: number }> {
    const from = step.raw.from!;
    const to = step.raw.to!;
    const start = from.bit;
    const end = from.bit + from.bits;
    let at = start;
    const pieces: { header: RawPlace['header']; name: string; depth: 0 | 1; bit: number; bits: number }[] = [];
    for (const f of this.layout) {
      const lo = Math.max(f.bitOffset, start);
      const hi = Math.min(f.bitOffset + f.bitLength, end);
      if (hi <= lo || lo < at) continue;
      if (lo > at) pieces.push({ header: f.header, name: 'Data', depth: from.depth, bit: at, bits: lo - at });
      pieces.push({ header: f.header, name: f.name, depth: f.depth, bit: lo, bits: hi - lo });
      at = hi;
    }
    if (at < end) pieces.push({ header: from.header, name: 'Data', depth: from.depth, bit: at, bits: end - at });
    for (const piece of pieces) {
      const shift = piece.bit - start;
      const toBit = step.toBit + shift;
      const raw: RawStep = {
        ...step.raw,
        from: { header: piece.header, name: piece.name, depth: piece.depth, bit: piece.bit, bits: piece.bits },
        to: { header: counterpart(piece.header, to.header), name: piece.name, depth: to.depth, bit: to.bit + shift, bits: piece.bits },
      };
      yield { step: this.finish(raw, step.outputIndex, toBit), toBit, bits: piece.bits };
    }
  }

  private finish(raw: RawStep, outputIndex: number, toBit: number): TranslationStep {
    const from = raw.from === null ? null : this.place(raw.from, 'input', 0, raw.from.bit, this.input);
    const to = raw.to === null ? null : this.place(raw.to, 'output', outputIndex, toBit, this.outputs[outputIndex]);
    let rule = raw.rule;
    const named = raw.from ?? raw.to;
    if (rule.startsWith('{from}') && named !== null) rule = `${named.name} ${rule}`;
    rule = rule.replaceAll('{from}', from?.value ?? '').replaceAll('{to}', to?.value ?? '');
    return { action: raw.action, from, to, rule, cite: raw.cite };
  }

  private place(raw: RawPlace, packet: 'input' | 'output', outputIndex: number, bitOffset: number, bytes: Uint8Array): FieldPlace {
    const value = formatField(bytes, raw.header, raw.name, bitOffset, raw.bits);
    const placeBase = { packet, outputIndex, depth: raw.depth, header: raw.header, name: raw.name, bitOffset, bitLength: raw.bits, value };
    return raw.embedded === undefined ? placeBase : { ...placeBase, embeddedIpv4Bytes: raw.embedded };
  }
}

/** The header a copied field lands in: ICMP's fields land in ICMPv6 across the translator, and back. */
function counterpart(header: RawPlace['header'], outputFamilyHeader: RawPlace['header']): RawPlace['header'] {
  const toFamily6 = outputFamilyHeader === 'ipv6';
  if (header === 'icmp' && toFamily6) return 'icmpv6';
  if (header === 'icmpv6' && !toFamily6) return 'icmp';
  return header;
}

interface PlacedStep {
  readonly raw: RawStep;
  readonly outputIndex: number;
  /** The `to` field's first bit within its output. */
  readonly toBit: number;
}
