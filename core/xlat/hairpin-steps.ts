// RFC 7757 §4 hairpinning, explained: the translator takes an IPv6 packet to IPv4 (the first pass,
// into an intermediate packet that never leaves) and back to IPv6 (the second pass). The recorder
// notes both passes; this joins them, so each step goes from the input to the output as the issue
// asks: a field the first pass mapped into the intermediate packet and the second mapped onward
// becomes one step (Hop Limit 64 → 63, decremented once; an address by pool6, then by the EAMT),
// with both rules, the intermediate value quoted between them.

import type { StepAction } from '../api/explanation.js';
import { formatField } from './explain-values.js';
import type { RawPlace, RawStep } from './recorder.js';

/** Two actions one after the other, as one. */
function combine(first: StepAction, second: StepAction): StepAction {
  if (first === 'copied') return second;
  if (second === 'copied') return first;
  if (first === second) return first;
  for (const strongest of ['decremented', 'computed', 'updated'] as const) if (first === strongest || second === strongest) return strongest;
  return 'mapped';
}

function withValue(rule: string, placeholder: '{from}' | '{to}', value: string): string {
  return rule.replaceAll(placeholder, value);
}

/** The first-pass step that last wrote each bit of the intermediate packet, as segments over `place`. */
function coverage(place: RawPlace, first: readonly RawStep[]): { step: RawStep | undefined; lo: number; hi: number }[] {
  const segments: { step: RawStep | undefined; lo: number; hi: number }[] = [];
  const writer = (bit: number): RawStep | undefined => {
    for (let k = first.length - 1; k >= 0; k--) {
      const to = first[k].to;
      if (to !== null && bit >= to.bit && bit < to.bit + to.bits) return first[k];
    }
    return undefined;
  };
  for (let bit = place.bit; bit < place.bit + place.bits; bit++) {
    const step = writer(bit);
    const last = segments[segments.length - 1];
    if (last !== undefined && last.step === step) last.hi = bit + 1;
    else segments.push({ step, lo: bit, hi: bit + 1 });
  }
  return segments;
}

/**
 * The second pass's steps (`second`, reading the intermediate packet `middle`) joined to the first
 * pass's (`first`, writing it): steps from the input to the output. Fields the first pass dropped
 * stay as they were; fields made in the middle and dropped there are left out.
 */
export function joinHairpinSteps(first: readonly RawStep[], second: readonly RawStep[], middle: Uint8Array): RawStep[] {
  const joined: RawStep[] = first.filter((step) => step.to === null);
  const middleValue = (place: RawPlace) => formatField(middle, place.header, place.name, place.bit, place.bits);
  for (const step of second) {
    if (step.from === null) {
      joined.push(step);
      continue;
    }
    const segments = coverage(step.from, first);
    for (const { step: earlier, lo, hi } of segments) {
      const shift = lo - step.from.bit;
      const bits = hi - lo;
      const whole = segments.length === 1;
      const to = step.to === null ? null : whole ? step.to : { ...step.to, bit: step.to.bit + shift, bits };
      if (earlier === undefined || earlier.from === null) {
        // Made in the middle (an IPv4 header checksum, a counter's Identification): dropped again, or carried on.
        if (to === null) continue;
        const action = step.action === 'copied' || step.action === 'mapped' ? 'synthesised' : step.action;
        const value = middleValue({ ...step.from, bit: lo, bits });
        joined.push({ ...step, action, from: null, to, rule: withValue(step.rule, '{from}', value), range: false });
        continue;
      }
      if (earlier.range && step.range) {
        // Bytes copied both times: a copy from the input.
        joined.push({ ...step, from: { ...earlier.from, bit: earlier.from.bit + (lo - earlier.to!.bit), bits }, to });
        continue;
      }
      const value = middleValue(earlier.to!);
      const rule = `${withValue(earlier.rule, '{to}', value)}; then ${withValue(step.rule, '{from}', value)}`;
      const cite = [...new Set([...earlier.cite.split(', '), ...step.cite.split(', ')])].join(', ');
      const from = earlier.range ? { ...earlier.from, header: step.from.header, name: step.from.name, bit: earlier.from.bit + (lo - earlier.to!.bit), bits } : earlier.from;
      const action = to === null ? 'dropped' : combine(earlier.action, step.action);
      // A field whose widths differ (an address, 128 → 32 → 128 bits) stays one step, not a span;
      // copied on in a span (an error quoting the intermediate packet), it keeps its own name.
      const range = step.range && from.bits === bits && (to === null || to.bits === bits);
      const named = to !== null && step.range && !range ? { ...to, header: earlier.to!.header, name: earlier.to!.name } : to;
      joined.push({ ...step, action, from, to: named, rule, cite, range });
    }
  }
  return joined;
}

/** The refusal of a second pass, its field found in the input where the first pass took it from. */
export function joinHairpinPlace(place: RawPlace | null, first: readonly RawStep[]): RawPlace | null {
  if (place === null) return null;
  const segments = coverage(place, first);
  const earlier = segments.length === 1 ? segments[0].step : undefined;
  return earlier?.from ?? null;
}
