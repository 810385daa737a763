// Tick values for a chart's value axis whose SI labels (format.ts's formatSi) are all different
// and all true: with whole numbers of packets a second, recharts' own ticks at a low rate (0, 0.5,
// 1, 1.5) print as `0 pkt/s`, `1 pkt/s`, `1 pkt/s`, `2 pkt/s`. The step is the smallest "nice" one
// (1, 2, 2.5 or 5 times a power of ten) that keeps to `maxTicks` and whose labels say exactly
// their value and differ from each other; the axis then ends at the last tick.

import { formatSi } from './format.js';

const prefixValues: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** The number an SI label says (`1.50 Mbit/s` → 1500000), or NaN. */
export function siLabelValue(label: string, unit: string): number {
  const match = /^(-?\d+(?:\.\d+)?) ([kMGT]?)(.*)$/.exec(label);
  if (match === null || match[3] !== unit) return Number.NaN;
  return Number(match[1]) * prefixValues[match[2]];
}

/** Nice steps from `min` upward: 1, 2, 2.5, 5, 10, 20, 25, 50, … times the power of ten at or below it. */
function* niceSteps(min: number): Generator<number> {
  let power = 10 ** Math.floor(Math.log10(min));
  for (;;) {
    for (const factor of [1, 2, 2.5, 5]) {
      const step = factor * power;
      if (step >= min * (1 - 1e-9)) yield step;
    }
    power *= 10;
  }
}

function exact(label: string, value: number, unit: string): boolean {
  return Math.abs(siLabelValue(label, unit) - value) <= Math.abs(value) * 1e-9;
}

/**
 * Ticks from 0 to at least `maxValue`, at most `maxTicks` (≥ 2) of them, each label
 * (`formatSi(value, unit)`) exact and different from the others. An empty chart (max 0) gets 0 and 1.
 */
export function distinctTicks(maxValue: number, unit: string, maxTicks = 5): number[] {
  const top = Number.isFinite(maxValue) && maxValue > 0 ? maxValue : 0;
  const intervals = Math.max(1, maxTicks - 1);
  // Below 1 nothing prints exactly (formatSi shows no decimals under 1000): start at a step of 1.
  for (const step of niceSteps(Math.max(top / intervals, 1))) {
    const count = Math.max(1, Math.ceil(top / step - 1e-9));
    const ticks = Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
    const labels = ticks.map((tick) => formatSi(tick, unit));
    if (new Set(labels).size === ticks.length && ticks.every((tick, i) => exact(labels[i], tick, unit))) return ticks;
    // formatSi keeps three significant digits: a nice step past the third digit is always exact.
    if (step > top * 1e3 + 1e3) break;
  }
  return [0, Math.max(1, top)];
}
