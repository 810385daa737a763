// The traffic charts' value axes: no two ticks may print the same label (at low rates the
// packets chart used to read `1 pkt/s` four times), at most five ticks, and the axis reaches the
// highest value drawn.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distinctTicks, siLabelValue } from '../../renderer/ui/axis-ticks.js';
import { formatSi } from '../../renderer/ui/format.js';

const bits = (value: number) => formatSi(value, 'bit/s');
const packets = (value: number) => formatSi(value, 'pkt/s');
const ticks = (max: number, unit: 'pkt/s' | 'bit/s') => distinctTicks(max, unit);

describe('axis ticks', () => {
  it('at one or two packets a second, whole packets: 0, 1, 2 — not 0, 0.5, 1, 1.5 printed as 0, 1, 1, 2', () => {
    expect(ticks(1.2, 'pkt/s')).toEqual([0, 1, 2]);
    expect(ticks(1.2, 'pkt/s').map(packets)).toEqual(['0 pkt/s', '1 pkt/s', '2 pkt/s']);
    expect(ticks(2, 'pkt/s')).toEqual([0, 1, 2]);
    expect(ticks(3, 'pkt/s')).toEqual([0, 1, 2, 3]);
    expect(ticks(0.4, 'pkt/s')).toEqual([0, 1]);
  });

  it('an empty chart still has an axis: 0 and 1', () => {
    expect(ticks(0, 'pkt/s')).toEqual([0, 1]);
    expect(ticks(Number.NaN, 'bit/s')).toEqual([0, 1]);
  });

  it('larger values get nice steps, in SI units', () => {
    expect(ticks(37, 'pkt/s')).toEqual([0, 10, 20, 30, 40]);
    expect(ticks(2_400_000, 'bit/s').map(bits)).toEqual(['0 bit/s', '1.00 Mbit/s', '2.00 Mbit/s', '3.00 Mbit/s']);
    expect(ticks(940_000_000, 'bit/s').map(bits)).toEqual(['0 bit/s', '250 Mbit/s', '500 Mbit/s', '750 Mbit/s', '1.00 Gbit/s']);
  });

  it('for any rate: labels distinct and exact, at most five ticks, from 0 up to at least the highest value', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.constantFrom('pkt/s', 'bit/s'), (max, unit) => {
        const format = (value: number) => formatSi(value, unit);
        const ticks = distinctTicks(max, unit);
        expect(new Set(ticks.map(format)).size).toBe(ticks.length);
        for (const tick of ticks) expect(siLabelValue(format(tick), unit)).toBeCloseTo(tick, 6);
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        expect(ticks.length).toBeLessThanOrEqual(5);
        expect(ticks[0]).toBe(0);
        expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
        for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThan(ticks[i - 1]);
      }),
      { numRuns: 2000 },
    );
  });
});
