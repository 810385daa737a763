// Counters and per-second rates for the charts. Rates keep the last `chartSeconds` samples: the
// chart's width, and all the memory this store takes.

import { create } from 'zustand';
import type { CounterSnapshot, DropReasonName, RateSample } from '../../core/api/counters.js';

export const chartSeconds = 120;

export interface TrafficState {
  readonly counters: CounterSnapshot | null;
  readonly rates: readonly RateSample[];
  reset(counters: CounterSnapshot, rates: readonly RateSample[]): void;
  apply(counters: CounterSnapshot | null, rates: readonly RateSample[]): void;
}

export const useTraffic = create<TrafficState>()((set) => ({
  counters: null,
  rates: [],
  reset: (counters, rates) => set({ counters, rates: rates.slice(-chartSeconds) }),
  apply: (counters, rates) =>
    set((state) => ({
      counters: counters ?? state.counters,
      rates: rates.length === 0 ? state.rates : [...state.rates, ...rates].slice(-chartSeconds),
    })),
}));

/** The newest sample, or zeros: what "now" shows. */
export function latestRate(rates: readonly RateSample[]): RateSample | null {
  return rates.length === 0 ? null : rates[rates.length - 1];
}

/** Total packets on one side, both directions (they match when nothing is dropped). */
export function sidePackets(counters: CounterSnapshot | null, side: 'ipv4' | 'ipv6'): number {
  if (counters === null) return 0;
  return counters.out46[side].packets + counters.in64[side].packets;
}

export function sideBytes(counters: CounterSnapshot | null, side: 'ipv4' | 'ipv6'): number {
  if (counters === null) return 0;
  return counters.out46[side].bytes + counters.in64[side].bytes;
}

export function totalDropped(counters: CounterSnapshot | null): number {
  if (counters === null) return 0;
  let total = 0;
  for (const count of Object.values(counters.dropped)) total += count ?? 0;
  return total;
}

/** The drop reasons with a count, largest first. */
export function dropsByReason(dropped: Partial<Record<DropReasonName, number>>): [DropReasonName, number][] {
  return (Object.entries(dropped) as [DropReasonName, number][]).filter(([, count]) => count > 0).sort((a, b) => b[1] - a[1]);
}
