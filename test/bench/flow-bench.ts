// `npm run bench:flows`: what the flow table costs the packet loop, on one core. For small UDP
// and TCP packets over many flows it runs the translator alone and the translator followed by
// FlowTable.record (what the engine's FlowObserver does per packet), and prints nanoseconds per
// packet for both, their difference (the flow table's share) and heap bytes allocated per packet
// with the garbage collections seen while measuring. The rows are in flow-bench-build.ts.
//
// Options: --seconds N (per measurement, default 2), --flows N (default 4096), --only ROW (e.g.
// "46 udp hit"), --json, and two ways of comparing builds:
// --baseline DIR  runs this build and another build's `dist` in alternating turns in one process
//                 (bench-turns.ts) and prints both and the median change of the packet loop with
//                 the flow table, and each build's flow-table share;
// --instructions  counts machine instructions per packet with callgrind (callgrind.ts) instead of
//                 timing, this build's alone or, with --baseline, both builds'.

import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { requireValgrind, instructionsPerPacket } from './callgrind.js';
import { benchFlows, flowRows, loadFlowBuild, packetBytes, thisFlowBuild, type FlowBuild, type FlowRow } from './flow-bench-build.js';
import { alternate, formatChange, turnBatch, turnMs, turnsFor, warmUp, type PacketLoop } from './bench-turns.js';
import { gcCount } from './gc-counter.js';

interface Result {
  row: string;
  translateNs: number;
  withFlowsNs: number;
  flowTableNs: number;
  heapBytesPerPacket: number;
  /** The translator alone: what the flow table adds is the difference. */
  translateHeapBytesPerPacket: number;
  gcDuringMeasure: number;
}

/** ns per packet of `run` over `seconds`, with heap bytes per packet and GCs. */
function timed(run: PacketLoop, seconds: number): { ns: number; heap: number; gcs: number } {
  const batch = warmUp(run);
  (globalThis as { gc?: () => void }).gc?.();
  const gcBefore = gcCount();
  const heapBefore = process.memoryUsage().heapUsed;
  let packets = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    if (run(batch) !== 0) throw new Error('a benchmark packet was not translated');
    packets += batch;
  }
  const elapsedMs = performance.now() - start;
  const heapAfter = process.memoryUsage().heapUsed;
  return { ns: (elapsedMs * 1e6) / packets, heap: Math.max(0, heapAfter - heapBefore) / packets, gcs: gcCount() - gcBefore };
}

const round1 = (n: number): number => Number(n.toFixed(1));

function measure(row: FlowRow, flows: number, seconds: number): Result {
  const loops = benchFlows(thisFlowBuild, row, flows);
  const translateOnly = timed(loops.translate, seconds);
  const withFlows = timed(loops.withFlows, seconds);
  if (loops.tableSize() === 0) throw new Error('the flow table recorded nothing');
  return {
    row: row.name,
    translateNs: round1(translateOnly.ns),
    withFlowsNs: round1(withFlows.ns),
    flowTableNs: round1(withFlows.ns - translateOnly.ns),
    heapBytesPerPacket: Number(withFlows.heap.toFixed(4)),
    translateHeapBytesPerPacket: Number(translateOnly.heap.toFixed(4)),
    gcDuringMeasure: withFlows.gcs,
  };
}

interface Comparison {
  row: string;
  baselineNs: number;
  thisNs: number;
  /** Median of the per-turn ratios of the loop with the flow table, this / baseline, less one. */
  change: number;
  /** Each build's flow-table share: the median with the table less the median of the translator alone. */
  baselineFlowTableNs: number;
  thisFlowTableNs: number;
}

function compare(baseline: FlowBuild, row: FlowRow, flows: number, seconds: number): Comparison {
  const a = benchFlows(baseline, row, flows);
  const b = benchFlows(thisFlowBuild, row, flows);
  const batch = turnBatch(a.withFlows, b.withFlows, a.translate, b.translate);
  const turns = turnsFor(seconds);
  const withFlows = alternate(a.withFlows, b.withFlows, batch, turns);
  const translate = alternate(a.translate, b.translate, batch, Math.max(10, turns >> 1));
  if (a.tableSize() === 0 || b.tableSize() === 0) throw new Error('a flow table recorded nothing');
  return {
    row: row.name,
    baselineNs: round1(withFlows.baselineNs),
    thisNs: round1(withFlows.thisNs),
    change: Number(withFlows.change.toFixed(4)),
    baselineFlowTableNs: round1(withFlows.baselineNs - translate.baselineNs),
    thisFlowTableNs: round1(withFlows.thisNs - translate.thisNs),
  };
}

interface InstructionRow {
  row: string;
  /** The translator alone, this build. */
  translateInstructions: number;
  withFlowsInstructions: number;
  baselineWithFlowsInstructions?: number;
  /** this / baseline with the flow table, less one. */
  change?: number;
}

/** The arguments that start this script as a callgrind child for one row. */
function childArgs(row: FlowRow, flows: number, loop: 'translate' | 'withFlows', build: string | undefined): (packets: number) => string[] {
  return (packets) => [fileURLToPath(import.meta.url), '--child', `${loop}/${packets}`, '--only', row.name, '--flows', String(flows), ...(build === undefined ? [] : ['--baseline', build])];
}

/** The callgrind child: warm up, then run `packets` packets of one loop of one row. */
async function child(spec: string, row: FlowRow, flows: number, build: string | undefined): Promise<void> {
  const [loop, packets] = spec.split('/');
  const loops = benchFlows(build === undefined ? thisFlowBuild : await loadFlowBuild(build), row, flows);
  const run = loop === 'translate' ? loops.translate : loops.withFlows;
  if (run(50_000) !== 0 || run(Number(packets)) !== 0) throw new Error('a benchmark packet was not translated');
}

async function countInstructions(row: FlowRow, flows: number, baseline: string | undefined): Promise<InstructionRow> {
  const result: InstructionRow = {
    row: row.name,
    translateInstructions: await instructionsPerPacket(childArgs(row, flows, 'translate', undefined)),
    withFlowsInstructions: await instructionsPerPacket(childArgs(row, flows, 'withFlows', undefined)),
  };
  if (baseline !== undefined) {
    result.baselineWithFlowsInstructions = await instructionsPerPacket(childArgs(row, flows, 'withFlows', baseline));
    result.change = Number((result.withFlowsInstructions / result.baselineWithFlowsInstructions - 1).toFixed(4));
  }
  return result;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '2' },
      flows: { type: 'string', default: '4096' },
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      baseline: { type: 'string' },
      instructions: { type: 'boolean', default: false },
      child: { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  const flows = Number(values.flows);
  if (!(seconds > 0)) throw new Error('--seconds must be a positive number');
  if (!Number.isInteger(flows) || flows < 8 || (flows & (flows - 1)) !== 0) throw new Error('--flows must be a power of two, 8 or more');
  const chosen = flowRows.filter((row) => values.only === undefined || row.name === values.only);
  if (chosen.length === 0) throw new Error(`--only: no row ${JSON.stringify(values.only)} (rows: ${flowRows.map((row) => row.name).join(', ')})`);
  if (values.child !== undefined) return child(values.child, chosen[0], flows, values.baseline);
  const { baseline, json } = values;

  if (values.instructions) {
    await requireValgrind();
    if (!json) {
      print(`Flow table instructions per packet (callgrind, node ${process.version}, ${flows} flows, ${packetBytes}-byte packets)${baseline === undefined ? '' : `, against ${baseline}`}`);
      print(`row              translate  +record  flow table${baseline === undefined ? '' : '  baseline +record  change'}`);
    }
    const results: InstructionRow[] = [];
    for (const row of chosen) {
      const r = await countInstructions(row, flows, baseline);
      results.push(r);
      if (json) continue;
      const own = `${r.row.padEnd(15)}  ${String(r.translateInstructions).padStart(9)}  ${String(r.withFlowsInstructions).padStart(7)}  ${String(r.withFlowsInstructions - r.translateInstructions).padStart(10)}`;
      print(r.change === undefined ? own : `${own}  ${String(r.baselineWithFlowsInstructions).padStart(16)}  ${formatChange(r.change).padStart(6)}`);
    }
    if (json) print(JSON.stringify({ node: process.version, flows, baseline, results }, null, 2));
    return;
  }

  if (baseline !== undefined) {
    const build = await loadFlowBuild(baseline);
    if (!json) {
      print(`Flow table benchmark against ${baseline} (node ${process.version}, one core, ${flows} flows, ${turnsFor(seconds)} turns of ${turnMs} ms each per row)`);
      print('row              baseline ns  this ns  change  flow table ns: baseline  this');
    }
    const comparisons: Comparison[] = [];
    for (const row of chosen) {
      const c = compare(build, row, flows, seconds);
      comparisons.push(c);
      if (!json) print(`${c.row.padEnd(15)}  ${c.baselineNs.toFixed(1).padStart(11)}  ${c.thisNs.toFixed(1).padStart(7)}  ${formatChange(c.change).padStart(6)}  ${c.baselineFlowTableNs.toFixed(1).padStart(23)}  ${c.thisFlowTableNs.toFixed(1).padStart(4)}`);
    }
    if (json) print(JSON.stringify({ node: process.version, flows, baseline, comparisons }, null, 2));
    return;
  }

  const results = chosen.map((row) => measure(row, flows, seconds));
  if (json) {
    print(JSON.stringify({ node: process.version, flows, results }, null, 2));
    return;
  }
  print(`Flow table benchmark (node ${process.version}, one core, ${flows} flows, ${packetBytes}-byte packets, ${seconds} s per measurement)`);
  print('row              translate ns  +record ns  flow table ns  heap B/packet (translate alone)  GCs');
  for (const r of results) {
    print(`${r.row.padEnd(15)}  ${r.translateNs.toFixed(1).padStart(12)}  ${r.withFlowsNs.toFixed(1).padStart(10)}  ${r.flowTableNs.toFixed(1).padStart(13)}  ${r.heapBytesPerPacket.toFixed(4).padStart(13)} ${`(${r.translateHeapBytesPerPacket.toFixed(4)})`.padStart(18)}  ${String(r.gcDuringMeasure).padStart(3)}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:flows: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
