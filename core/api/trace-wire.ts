// Trace pairs on the engine's socket: core/observe's TracePair with the packet bytes in base64
// (JSON has no bytes) and the program behind the flow, when known.

import { exportTracePcapng } from '../observe/trace-export.js';
import type { ProgramInfo, TracePacket, TracePair } from '../observe/trace-pair.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import type { ExportResult } from './messages.js';

export interface TracePacketJson {
  readonly family: 4 | 6;
  readonly length: number;
  /** The captured bytes, base64. */
  readonly bytes: string;
}

export interface TracePairJson extends Omit<TracePair, 'input' | 'output'> {
  readonly input: TracePacketJson;
  readonly output: TracePacketJson | null;
  readonly program: ProgramInfo | null;
}

function packetToJson(packet: TracePacket): TracePacketJson {
  return { family: packet.family, length: packet.length, bytes: encodeBase64(packet.bytes) };
}

function packetFromJson(packet: TracePacketJson): TracePacket {
  return { family: packet.family, length: packet.length, bytes: decodeBase64(packet.bytes) ?? new Uint8Array(0) };
}

export function tracePairToJson(pair: TracePair, program: ProgramInfo | undefined): TracePairJson {
  return { ...pair, input: packetToJson(pair.input), output: pair.output === null ? null : packetToJson(pair.output), program: program ?? null };
}

export function tracePairFromJson(pair: TracePairJson): TracePair {
  return { ...pair, input: packetFromJson(pair.input), output: pair.output === null ? null : packetFromJson(pair.output) };
}

/** An `export` answer as a pcapng file (`clatter export`, the UI's export), with the programs the engine named. */
export function exportResultToPcapng(result: ExportResult): Uint8Array {
  const programs = new Map<number, ProgramInfo>();
  for (const pair of result.pairs) if (pair.program !== null) programs.set(pair.flowId, pair.program);
  return exportTracePcapng(result.pairs.map(tracePairFromJson), {
    ipv4Interface: result.ipv4Interface,
    ipv6Interface: result.ipv6Interface,
    programOf: (flowId) => programs.get(flowId),
  });
}
