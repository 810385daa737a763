// Timing two builds of one loop against each other in one process (the benchmarks' --baseline):
// short alternating turns, each charged in CPU time, and the median of the per-turn ratios. Taking
// turns puts both builds under the same load of a shared machine, which separate runs cannot do:
// there, single runs of one build vary by ±10 %.

import { performance } from 'node:perf_hooks';

/** A loop that handles `count` packets and answers how many failed (0 when all went through). */
export type PacketLoop = (count: number) => number;

/** Short turns, so that a slow change in the machine's load falls on both builds alike. */
export const turnMs = 25;

/** Warms `run` up so that the measured loop runs optimized code; answers a batch of about 50 ms. */
export function warmUp(run: PacketLoop): number {
  run(200_000);
  let batch = 10_000;
  for (;;) {
    const t0 = performance.now();
    run(batch);
    if (performance.now() - t0 > 50) return batch;
    batch *= 2;
  }
}

/** Warms every loop up and answers a batch of about 5 ms in the slowest, a fifth of a turn. */
export function turnBatch(...runs: PacketLoop[]): number {
  return Math.max(1000, Math.round(Math.min(...runs.map(warmUp)) / 10));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * CPU nanoseconds per packet of `run` over about `ms` milliseconds, in whole batches. CPU time, not
 * wall time: a turn the scheduler interrupts is not charged for the time another process ran.
 */
export function timeTurn(run: PacketLoop, batch: number, ms: number): number {
  let packets = 0;
  const deadline = performance.now() + ms;
  const cpuBefore = process.cpuUsage();
  do {
    if (run(batch) !== 0) throw new Error('a benchmark packet was not translated');
    packets += batch;
  } while (performance.now() < deadline);
  const cpu = process.cpuUsage(cpuBefore);
  return ((cpu.user + cpu.system) * 1e3) / packets;
}

/** How many turns each build gets for `seconds` of measuring. */
export function turnsFor(seconds: number): number {
  return Math.max(10, Math.round((seconds * 1000) / turnMs));
}

/** Both builds' median ns/packet and the median of the per-turn ratios this / baseline. */
export interface TurnResult {
  baselineNs: number;
  thisNs: number;
  /** Median of the per-turn ratios this / baseline, less one: +0.03 is 3 % slower than the baseline. */
  change: number;
  /** Every turn's ns/packet, for a caller that combines loops (bench:flows subtracts the translator's). */
  baselineTurns: number[];
  thisTurns: number[];
}

/**
 * Runs the loops of two builds in `turns` alternating turns of `batch`-packet batches. Which one goes
 * first alternates too, so that neither always follows the other's garbage or cache state.
 */
export function alternate(runBaseline: PacketLoop, runThis: PacketLoop, batch: number, turns: number): TurnResult {
  const baselineTurns: number[] = [];
  const thisTurns: number[] = [];
  const ratios: number[] = [];
  for (let turn = 0; turn < turns; turn++) {
    let a: number;
    let b: number;
    if (turn % 2 === 0) {
      a = timeTurn(runBaseline, batch, turnMs);
      b = timeTurn(runThis, batch, turnMs);
    } else {
      b = timeTurn(runThis, batch, turnMs);
      a = timeTurn(runBaseline, batch, turnMs);
    }
    baselineTurns.push(a);
    thisTurns.push(b);
    ratios.push(b / a);
  }
  return { baselineNs: median(baselineTurns), thisNs: median(thisTurns), change: median(ratios) - 1, baselineTurns, thisTurns };
}

/** "+1.2 %", "-0.4 %": a change as the tables print it. */
export function formatChange(change: number): string {
  return `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %`;
}
