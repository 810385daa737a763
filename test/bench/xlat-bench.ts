// `npm run bench:xlat`: how fast the translator runs on one core, and what it allocates.
// For 64, 512 and 1500-byte UDP packets in each direction (the CLAT configuration: pool6
// 2001:db8:64::/96, 192.0.0.1 ↔ the CLAT's IPv6 address), it prints packets per second, Gbit/s of
// input, nanoseconds per packet, and heap bytes allocated per packet with the number of garbage
// collections seen while measuring. Input and output share one arena, as in the engine.
//
// Options: --seconds N (per measurement, default 2), --json, --baseline DIR.
//
// --baseline DIR compares this build with another one in the same process: DIR is that build's
// output directory (`dist` of another checkout, after `npx tsc -b`). Each row then runs the two
// translators in turns of 25 ms, 40 turns each per second of --seconds (bench-turns.ts), and
// prints both medians and the median of the per-turn ratios.

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { alternate, formatChange, turnBatch, turnMs, turnsFor, warmUp } from './bench-turns.js';
import { gcCount } from './gc-counter.js';
import { benchTranslator, loadBuild, rows, thisBuild, type Build, type Direction } from './xlat-bench-build.js';

interface Result {
  direction: Direction;
  packetBytes: number;
  packetsPerSecond: number;
  gbitPerSecond: number;
  nsPerPacket: number;
  heapBytesPerPacket: number;
  gcDuringMeasure: number;
}

function measure(direction: Direction, size: number, seconds: number): Result {
  const run = benchTranslator(thisBuild, direction, size);
  const batch = warmUp(run);
  (globalThis as { gc?: () => void }).gc?.();
  const gcBefore = gcCount();
  const heapBefore = process.memoryUsage().heapUsed;
  let packets = 0;
  let failures = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    failures += run(batch);
    packets += batch;
  }
  const elapsedS = (performance.now() - start) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;
  if (failures !== 0) throw new Error('a benchmark packet was not translated');
  const pps = packets / elapsedS;
  return {
    direction,
    packetBytes: size,
    packetsPerSecond: Math.round(pps),
    gbitPerSecond: Number(((pps * size * 8) / 1e9).toFixed(2)),
    nsPerPacket: Number((1e9 / pps).toFixed(1)),
    heapBytesPerPacket: Number((Math.max(0, heapAfter - heapBefore) / packets).toFixed(4)),
    gcDuringMeasure: gcCount() - gcBefore,
  };
}

interface Comparison {
  direction: Direction;
  packetBytes: number;
  baselineNsPerPacket: number;
  nsPerPacket: number;
  /** Median of the per-turn ratios this / baseline, less one: +0.03 is 3 % slower than the baseline. */
  change: number;
}

function compare(baseline: Build, direction: Direction, size: number, seconds: number): Comparison {
  const runBaseline = benchTranslator(baseline, direction, size);
  const runThis = benchTranslator(thisBuild, direction, size);
  const turns = alternate(runBaseline, runThis, turnBatch(runBaseline, runThis), turnsFor(seconds));
  return {
    direction,
    packetBytes: size,
    baselineNsPerPacket: Number(turns.baselineNs.toFixed(1)),
    nsPerPacket: Number(turns.thisNs.toFixed(1)),
    change: Number(turns.change.toFixed(4)),
  };
}

async function compareWith(dir: string, seconds: number, json: boolean): Promise<void> {
  const baseline = await loadBuild(dir);
  const comparisons: Comparison[] = [];
  if (!json) process.stdout.write(`Translator benchmark against ${dir} (node ${process.version}, one core, ${turnsFor(seconds)} turns of ${turnMs} ms each per row)\n`);
  if (!json) process.stdout.write('dir  bytes  baseline ns/packet  this ns/packet  change\n');
  for (const { direction, size } of rows) {
    const c = compare(baseline, direction, size, seconds);
    comparisons.push(c);
    if (!json) {
      process.stdout.write(`${c.direction}   ${String(c.packetBytes).padStart(5)}  ${c.baselineNsPerPacket.toFixed(1).padStart(18)}  ${c.nsPerPacket.toFixed(1).padStart(14)}  ${formatChange(c.change).padStart(7)}\n`);
    }
  }
  if (json) process.stdout.write(`${JSON.stringify({ node: process.version, baseline: dir, comparisons }, null, 2)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '2' }, json: { type: 'boolean', default: false }, baseline: { type: 'string' } },
  });
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw new Error('--seconds must be a positive number');
  if (values.baseline !== undefined) {
    await compareWith(values.baseline, seconds, values.json);
    return;
  }
  const results: Result[] = [];
  for (const { direction, size } of rows) results.push(measure(direction, size, seconds));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, results }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`Translator benchmark (node ${process.version}, one core, ${seconds} s per row)\n`);
  process.stdout.write('dir  bytes    packets/s    Gbit/s   ns/packet  heap B/packet  GCs\n');
  for (const r of results) {
    process.stdout.write(
      `${r.direction}   ${String(r.packetBytes).padStart(5)}  ${String(r.packetsPerSecond).padStart(11)}  ${r.gbitPerSecond.toFixed(2).padStart(8)}  ${r.nsPerPacket.toFixed(1).padStart(10)}  ${r.heapBytesPerPacket.toFixed(4).padStart(13)}  ${String(r.gcDuringMeasure).padStart(3)}\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:xlat: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
