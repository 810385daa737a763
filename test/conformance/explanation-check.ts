// The evidence that an explanation and the translator cannot disagree (issue 14): rebuild each
// output from the steps alone (every `to` value placed at its bits, copied spans taken from the
// input where the step says they came from) and compare with what the translator wrote on its
// packet path; check every bit of the input and of each output is named by a step; check what the
// actions claim (a copy is equal, a decrement is one less, an embedded IPv4 address sits in the
// bytes it is said to). This parser is the test's own: it does not share the formatter's code.

import type { Explanation, FieldPlace, TranslationStep } from '../../core/api/explanation.js';
import { decodeBase64 } from '../../core/api/base64.js';
import { parseIpv4, parseIpv6 } from '../../core/wire/address.js';

const flagBits: Record<string, number> = { RF: 4, DF: 2, MF: 1 };
const controlBits: Record<string, number> = { CWR: 128, ECE: 64, URG: 32, ACK: 16, PSH: 8, RST: 4, SYN: 2, FIN: 1 };

function writeBits(bytes: Uint8Array, bitOffset: number, bitLength: number, value: number): void {
  for (let i = bitLength - 1, v = value; i >= 0; i--, v = Math.floor(v / 2)) {
    const bit = bitOffset + i;
    const mask = 1 << (7 - (bit & 7));
    if (v % 2 === 1) bytes[bit >> 3] |= mask;
    else bytes[bit >> 3] &= ~mask;
  }
}

function copyBits(from: Uint8Array, fromBit: number, to: Uint8Array, toBit: number, bitLength: number): void {
  for (let i = 0; i < bitLength; i++) {
    const a = fromBit + i;
    const v = (from[a >> 3] >> (7 - (a & 7))) & 1;
    writeBits(to, toBit + i, 1, v);
  }
}

/** Places `place.value` into `bytes`; returns a problem or undefined. */
function placeValue(bytes: Uint8Array, place: FieldPlace, step: TranslationStep, input: Uint8Array): string | undefined {
  const { value, bitOffset, bitLength } = place;
  let m: RegExpMatchArray | null;
  if ((m = /^(\d+) zero bytes$/.exec(value)) !== null) {
    if (Number(m[1]) * 8 !== bitLength) return `"${value}" over ${bitLength} bits`;
    for (let i = 0; i < bitLength; i++) writeBits(bytes, bitOffset + i, 1, 0);
    return undefined;
  }
  if ((m = /^(\d+) bytes$/.exec(value)) !== null) {
    const from = step.from;
    if (step.action !== 'copied' || from === null || from.packet !== 'input' || from.bitLength !== bitLength || Number(m[1]) * 8 !== bitLength) {
      return `"${value}" is not a copy of input bits of the same length`;
    }
    copyBits(input, from.bitOffset, bytes, bitOffset, bitLength);
    return undefined;
  }
  if (/^0x[0-9a-f]+$/.test(value)) {
    const digits = value.slice(2);
    if (bitLength <= 32) {
      writeBits(bytes, bitOffset, bitLength, parseInt(digits, 16));
    } else {
      if (digits.length * 4 !== bitLength) return `hex "${value}" over ${bitLength} bits`;
      for (let i = 0; i < digits.length / 2; i++) writeBits(bytes, bitOffset + i * 8, 8, parseInt(digits.slice(i * 2, i * 2 + 2), 16));
    }
    return undefined;
  }
  if (/^\d+$/.test(value) && bitLength <= 32) {
    const n = Number(value);
    if (n >= 2 ** bitLength) return `${value} does not fit ${bitLength} bits`;
    writeBits(bytes, bitOffset, bitLength, n);
    return undefined;
  }
  if (bitLength === 32 && parseIpv4(value) !== undefined) {
    writeBits(bytes, bitOffset, 32, parseIpv4(value)!);
    return undefined;
  }
  if (bitLength === 128 && value.includes(':')) {
    const address = parseIpv6(value);
    if (address === undefined) return `"${value}" is not an IPv6 address`;
    for (let i = 0; i < 16; i++) writeBits(bytes, bitOffset + i * 8, 8, address[i]);
    return undefined;
  }
  const names = bitLength === 3 ? flagBits : bitLength === 8 ? controlBits : undefined;
  if (names !== undefined && /^[A-Z+]+$/.test(value)) {
    let n = 0;
    for (const name of value.split('+')) {
      if (names[name] === undefined) return `unknown flag ${name}`;
      n |= names[name];
    }
    writeBits(bytes, bitOffset, bitLength, n);
    return undefined;
  }
  return `cannot read "${value}" (${place.name}, ${bitLength} bits)`;
}

function label(place: FieldPlace): string {
  return `${place.packet}${place.packet === 'output' ? `[${place.outputIndex}]` : ''} depth ${place.depth} ${place.header} ${place.name} @${place.bitOffset}+${place.bitLength}`;
}

/** Problems with `explanation` against the bytes the packet path wrote (`written`), or []. */
export function checkExplanation(explanation: Explanation, input: Uint8Array, written: readonly Uint8Array[], options: { inputCoverage: boolean }): string[] {
  const problems: string[] = [];
  if (explanation.outputs.length !== written.length) {
    return [`${explanation.outputs.length} outputs explained, the translator wrote ${written.length}`];
  }
  // (a) Each output rebuilt from the steps, twice over different fills: an unnamed bit shows.
  for (let i = 0; i < written.length; i++) {
    const real = written[i];
    const claimed = decodeBase64(explanation.outputs[i].bytes);
    if (claimed === undefined || claimed.length !== real.length || claimed.some((x, k) => x !== real[k])) {
      problems.push(`output ${i}: the explanation's bytes are not what the translator wrote`);
    }
    for (const fill of [0x00, 0xff]) {
      const rebuilt = new Uint8Array(real.length).fill(fill);
      for (const step of explanation.steps) {
        if (step.to === null || step.to.packet !== 'output' || step.to.outputIndex !== i) continue;
        if (step.to.bitOffset + step.to.bitLength > real.length * 8) {
          problems.push(`${label(step.to)} lies past the output's ${real.length} bytes`);
          continue;
        }
        const problem = placeValue(rebuilt, step.to, step, input);
        if (problem !== undefined) problems.push(`${label(step.to)}: ${problem}`);
      }
      const differ: number[] = [];
      for (let k = 0; k < real.length; k++) if (rebuilt[k] !== real[k]) differ.push(k);
      if (differ.length > 0) {
        problems.push(`output ${i} rebuilt over 0x${fill.toString(16)}: ${differ.length} bytes differ, first at ${differ[0]} (rebuilt ${rebuilt[differ[0]]}, written ${real[differ[0]]})`);
        break;
      }
    }
  }
  // (b) Every bit of the input named by a step (header fields, and the spans copied or dropped).
  if (options.inputCoverage) {
    const covered = new Uint8Array(input.length * 8);
    for (const step of [...explanation.steps, ...(explanation.refusal === null ? [] : [explanation.refusal])]) {
      const from = step.from;
      if (from === null || from.packet !== 'input') continue;
      covered.fill(1, from.bitOffset, Math.min(covered.length, from.bitOffset + from.bitLength));
    }
    const missing = covered.indexOf(0);
    if (missing >= 0) problems.push(`input bit ${missing} (byte ${missing >> 3}) is named by no step`);
  }
  // What the actions claim.
  for (const step of explanation.steps) {
    const { from, to } = step;
    if (step.action === 'copied' && from !== null && to !== null && from.value !== to.value) {
      problems.push(`copied ${label(from)} "${from.value}" → ${label(to)} "${to.value}"`);
    }
    if (step.action === 'decremented' && (from === null || to === null || Number(to.value) !== Number(from.value) - 1)) {
      problems.push(`decremented ${from?.value} → ${to?.value}`);
    }
    if (step.action === 'mapped' && from !== null && to !== null) {
      const v6 = from.bitLength === 128 ? from : to.bitLength === 128 ? to : null;
      const v4 = from.bitLength === 32 ? from : to.bitLength === 32 ? to : null;
      if (v6?.embeddedIpv4Bytes !== undefined && v4 !== null) {
        const address = parseIpv6(v6.value)!;
        const embedded = v6.embeddedIpv4Bytes.map((k) => address[k]).join('.');
        if (embedded !== v4.value) problems.push(`${v6.value} embeds ${embedded} at bytes ${v6.embeddedIpv4Bytes.join(',')}, not ${v4.value}`);
      }
    }
    for (const place of [from, to]) {
      if (place === null) continue;
      const length = place.packet === 'input' ? input.length : written[place.outputIndex]?.length ?? 0;
      if (place.bitOffset < 0 || place.bitOffset + place.bitLength > length * 8) problems.push(`${label(place)} lies outside its packet`);
    }
  }
  return problems;
}
