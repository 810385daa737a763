// The flow table under test in bench:flows: small TCP or UDP packets over many flows, translated
// and then recorded by FlowTable.record (what the engine's FlowObserver does per packet), for this
// build or for another build's `dist` (--baseline).

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as flowTableModule from '../../core/observe/flow-table.js';
import { protocol } from '../../core/wire/protocol.js';
import { Verdict, verdictNames } from '../../core/xlat/verdict.js';
import { clatConfig, writeBenchIpv4, writeBenchIpv6 } from './bench-packets.js';
import type { PacketLoop } from './bench-turns.js';
import { loadBuild, thisBuild, type Build, type Direction } from './xlat-bench-build.js';

export interface FlowBuild extends Build {
  FlowTable: typeof flowTableModule.FlowTable;
}

export const thisFlowBuild: FlowBuild = { ...thisBuild, FlowTable: flowTableModule.FlowTable };

export async function loadFlowBuild(dir: string): Promise<FlowBuild> {
  const flowTable = (await import(pathToFileURL(resolve(dir, 'core/observe/flow-table.js')).href)) as typeof flowTableModule;
  return { ...(await loadBuild(dir)), FlowTable: flowTable.FlowTable };
}

/** The packets' size: small packets, where the flow table's share of the cost is largest. */
export const packetBytes = 64;
const stride = 128;

/** One row of bench:flows. */
export interface FlowRow {
  /** "46 udp hit": direction, transport, and whether the flows fit the table ("hit") or not ("churn"). */
  name: string;
  direction: Direction;
  protocol: typeof protocol.tcp | typeof protocol.udp;
  /** The table's capacity as a share of the flows: 1 for hit, 1/4 for churn. */
  capacityShare: number;
}

/**
 * hit: every flow fits the table, each packet finds its flow; churn: four times more flows than
 * the table holds, so every packet creates a flow and evicts one.
 */
export const flowRows: readonly FlowRow[] = (['46', '64'] as const).flatMap((direction) => [
  { name: `${direction} udp hit`, direction, protocol: protocol.udp, capacityShare: 1 },
  { name: `${direction} tcp hit`, direction, protocol: protocol.tcp, capacityShare: 1 },
  { name: `${direction} udp churn`, direction, protocol: protocol.udp, capacityShare: 1 / 4 },
]);

/** The row's two loops in one build: the translator alone, and the translator with the flow table. */
export interface FlowLoops {
  translate: PacketLoop;
  withFlows: PacketLoop;
  /** How many flows the table holds: the with-flows loop must have recorded some. */
  tableSize: () => number;
}

type LoopFactory = (translator: unknown, table: unknown, arena: Uint8Array, out: unknown, mask: number, stride: number, size: number) => PacketLoop;

/**
 * A loop over the flows' packets in turn, answering how many were not translated; with `record`,
 * each translated packet is then recorded in the table, the packet loop's clock advancing 1 µs per
 * packet. Each loop is compiled on its own (a Function of its own): closures of one function literal
 * share V8's type feedback, so one loop for both builds would see two classes and be slower for both.
 */
function flowLoop(record: boolean, translator: unknown, table: unknown, arena: Uint8Array, out: unknown, mask: number): PacketLoop {
  const factory = new Function('translator', 'table', 'arena', 'out', 'mask', 'stride', 'size', `
    let next = 0;
    // The clock in a typed array: a double in a closure would be boxed per write.
    const clock = new Float64Array(1);
    return (count) => {
      let failures = 0;
      for (let n = 0; n < count; n++) {
        const at = (next & mask) * stride;
        next++;
        const verdict = translator.translateAt(arena, at, size, out);
        if (verdict !== ${Verdict.translated}) failures++;
        ${record ? 'table.record(arena, at, size, verdict, out, (clock[0] += 0.001));' : ''}
      }
      return failures;
    };`) as LoopFactory;
  return factory(translator, table, arena, out, mask, stride, packetBytes);
}

/** The loops of `row` in `build`, over `flows` flows (a power of two). */
export function benchFlows(build: FlowBuild, row: FlowRow, flows: number): FlowLoops {
  const config = build.parseSiitConfig(clatConfig);
  if (!config.ok) throw new Error(config.error);
  const arena = new Uint8Array(flows * stride);
  for (let i = 0; i < flows; i++) {
    const packet = { protocol: row.protocol, size: packetBytes, localPort: 20_000 + i };
    if (row.direction === '46') writeBenchIpv4(arena, i * stride, packet);
    else writeBenchIpv6(arena, i * stride, packet);
  }
  const out = new build.XlatOutput();
  const translator = new build.Translator(config.config);
  for (let i = 0; i < flows; i++) {
    const verdict = translator.translateAt(arena, i * stride, packetBytes, out);
    if (verdict !== Verdict.translated) throw new Error(`benchmark packet not translated: ${verdictNames[verdict]}`);
  }
  const table = new build.FlowTable({ capacity: Math.max(1, Math.round(flows * row.capacityShare)) });
  const mask = flows - 1;
  return {
    translate: flowLoop(false, translator, table, arena, out, mask),
    withFlows: flowLoop(true, translator, table, arena, out, mask),
    tableSize: () => table.size,
  };
}
