// Trace pairs as a pcapng file for Wireshark: one interface per side, named after the real ones
// (the CLAT's TUN for the IPv4 side, the uplink for the IPv6 side), each packet with the bytes the
// ring kept, its length on the wire (so Wireshark marks a cut packet as cut, not as malformed),
// the pair's time, and a comment naming its twin by pair number and frame, and its program:
//   "#1234 v4 twin of #1234 v6 (frame 2), program curl (pid 812)"
// Pairs are written in ring order, input first, so frame numbers follow from the order.

import { PcapngWriter } from '../capture/pcapng-writer.js';
import type { TraceFilter } from './trace-filter.js';
import type { ProgramLookup, TracePacket, TracePair } from './trace-pair.js';

export interface TraceExportOptions {
  /** Name of the IPv4 side's interface (the CLAT's TUN, e.g. "clat"). */
  readonly ipv4Interface: string;
  /** Name of the IPv6 side's interface (the uplink, e.g. "wlan0"). */
  readonly ipv6Interface: string;
  /** Names the program of a pair's flow in the comments. */
  readonly programOf?: ProgramLookup;
  /** Only the pairs it matches. */
  readonly filter?: TraceFilter;
}

export interface TraceExportCount {
  readonly pairs: number;
  readonly packets: number;
}

/**
 * Appends `pairs` (oldest first, as TraceRing.window gives them) to `writer`, adding the two
 * interfaces first; the writer may be fresh or already hold other interfaces and packets.
 * Frame numbers in the comments count the packets written here, so they are Wireshark's
 * numbers when the writer held no packets before.
 */
export function writeTracePairs(writer: PcapngWriter, pairs: Iterable<TracePair>, options: TraceExportOptions): TraceExportCount {
  const ipv4Side = writer.addInterface(options.ipv4Interface);
  const ipv6Side = writer.addInterface(options.ipv6Interface);
  const side = (packet: TracePacket) => (packet.family === 4 ? ipv4Side : ipv6Side);
  let frames = 0;
  let written = 0;
  for (const pair of pairs) {
    if (options.filter !== undefined && !options.filter.matchesPair(pair)) continue;
    const timestampNs = BigInt(Math.max(0, Math.round(pair.atMs * 1000))) * 1000n;
    const program = programText(pair, options.programOf);
    const { input, output } = pair;
    const inputFrame = frames + 1;
    const outputFrame = frames + 2;
    const inputName = `#${pair.id} v${input.family}`;
    if (output === null) {
      writer.addPacket(side(input), timestampNs, input.bytes, `${inputName} dropped (${pair.verdict})${program}`, input.length);
      frames += 1;
    } else {
      const outputName = `#${pair.id} v${output.family}`;
      const fragments = pair.outputCount > 1 ? `, first of ${pair.outputCount} packets` : '';
      const inputComment = pair.generated
        ? `${inputName} dropped (${pair.verdict}), answered by the translator's ICMP error ${outputName} (frame ${outputFrame})${program}`
        : `${inputName} twin of ${outputName} (frame ${outputFrame})${program}`;
      const outputComment = pair.generated
        ? `${outputName} ICMP error from the translator for ${inputName} (frame ${inputFrame})${program}`
        : `${outputName} twin of ${inputName} (frame ${inputFrame})${fragments}${program}`;
      writer.addPacket(side(input), timestampNs, input.bytes, inputComment, input.length);
      writer.addPacket(side(output), timestampNs, output.bytes, outputComment, output.length);
      frames += 2;
    }
    written++;
  }
  return { pairs: written, packets: frames };
}

/** A whole pcapng file of `pairs`. */
export function exportTracePcapng(pairs: Iterable<TracePair>, options: TraceExportOptions): Uint8Array {
  const writer = new PcapngWriter();
  writeTracePairs(writer, pairs, options);
  return writer.take();
}

function programText(pair: TracePair, programOf: ProgramLookup | undefined): string {
  if (programOf === undefined || pair.flowId < 0) return '';
  const program = programOf(pair.flowId);
  if (program === undefined) return '';
  return `, program ${program.name}${program.pid === undefined ? '' : ` (pid ${program.pid})`}`;
}
