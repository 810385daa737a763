// Which trace pairs a subscriber or an export wants: by protocol, host, port and program, like a
// small tcpdump expression where every given criterion must hold. Protocol, host and port are
// asked of each packet of the pair (the IPv4 one and its IPv6 twin, or the dropped input and the
// error sent back), and the pair matches when one of its packets meets them all: `host
// 203.0.113.10` finds a flow by its IPv4 side, `host 2001:db8:64::cb00:710a` by its IPv6 side.
// The program is the flow's, through a lookup the engine supplies.
//
// Filters read the ring's slots in place (no pair object is built for a pair that is filtered
// out) and run before sampling, so a sampled stream's "skipped" counts only pairs that matched.

import { parseIpv4, parseIpv6 } from '../wire/address.js';
import { read16, read32 } from '../wire/bytes.js';
import { protocol as ipProtocol } from '../wire/protocol.js';
import { PacketLayers } from '../wire/packet-layers.js';
import type { ProgramLookup, TracePair } from './trace-pair.js';
import type { TraceRing } from './trace-ring.js';

export const traceProtocols = ['tcp', 'udp', 'icmp', 'other'] as const;
export type TraceProtocol = (typeof traceProtocols)[number];

/** What a subscriber asks for; every field is optional, an empty spec matches everything. */
export interface TraceFilterSpec {
  /** `icmp` is ICMP and ICMPv6; `other` is anything but TCP, UDP and those. */
  readonly protocol?: TraceProtocol;
  /** An IPv4 or IPv6 address, as source or destination. */
  readonly host?: string;
  /** A TCP or UDP port, as source or destination. */
  readonly port?: number;
  /** A program name, as the flow lookup names it. */
  readonly program?: string;
}

export type TraceFilterResult = { ok: true; filter: TraceFilter } | { ok: false; error: string };

/** Checks `spec` and builds its filter; errors are values, naming the field. */
export function parseTraceFilter(spec: TraceFilterSpec, programOf?: ProgramLookup): TraceFilterResult {
  let protocol: readonly number[] | 'other' | null = null;
  if (spec.protocol !== undefined) {
    if (!traceProtocols.includes(spec.protocol)) return { ok: false, error: `protocol: "${String(spec.protocol)}" is not one of ${traceProtocols.join(', ')}` };
    protocol = spec.protocol === 'tcp' ? [ipProtocol.tcp] : spec.protocol === 'udp' ? [ipProtocol.udp] : spec.protocol === 'icmp' ? [ipProtocol.icmp, ipProtocol.icmpv6] : 'other';
  }
  let host4 = -1;
  let host6: Uint8Array | null = null;
  if (spec.host !== undefined) {
    const text = String(spec.host);
    const v4 = parseIpv4(text);
    if (v4 !== undefined) host4 = v4;
    else host6 = parseIpv6(text) ?? null;
    if (v4 === undefined && host6 === null) return { ok: false, error: `host: "${text}" is not an IPv4 or IPv6 address` };
  }
  let port = -1;
  if (spec.port !== undefined) {
    if (!Number.isInteger(spec.port) || spec.port < 0 || spec.port > 65_535) return { ok: false, error: `port: ${String(spec.port)} is not a port number (0 to 65535)` };
    port = spec.port;
  }
  let program: string | null = null;
  if (spec.program !== undefined) {
    if (typeof spec.program !== 'string' || spec.program === '') return { ok: false, error: 'program: must be a non-empty name' };
    if (programOf === undefined) return { ok: false, error: 'program: programs are not known here (no flow attribution)' };
    program = spec.program;
  }
  return { ok: true, filter: new TraceFilter(protocol, host4, host6, port, program, programOf ?? null) };
}

export class TraceFilter {
  private readonly layers = new PacketLayers();
  /** Whether protocol, host or port is asked for: otherwise the packets need not be read. */
  private readonly readsPackets: boolean;

  constructor(
    private readonly protocol: readonly number[] | 'other' | null,
    private readonly host4: number,
    private readonly host6: Uint8Array | null,
    private readonly port: number,
    private readonly program: string | null,
    private readonly programOf: ProgramLookup | null,
  ) {
    this.readsPackets = protocol !== null || host4 >= 0 || host6 !== null || port >= 0;
  }

  /** Whether the pair in ring slot `slot` matches, read in place. */
  matchesSlot(ring: TraceRing, slot: number): boolean {
    if (!this.programMatches(ring.flowIds[slot])) return false;
    if (!this.readsPackets) return true;
    const slab = ring.slab;
    const inputAt = ring.inputAt(slot);
    if (this.packetMatches(slab, inputAt, inputAt + ring.inputKept[slot])) return true;
    const outputAt = ring.outputAt(slot);
    return ring.outputKept[slot] > 0 && this.packetMatches(slab, outputAt, outputAt + ring.outputKept[slot]);
  }

  /** Whether a pair already read from the ring matches (for exports). */
  matchesPair(pair: TracePair): boolean {
    if (!this.programMatches(pair.flowId)) return false;
    if (!this.readsPackets) return true;
    if (this.packetMatches(pair.input.bytes, 0, pair.input.bytes.length)) return true;
    return pair.output !== null && this.packetMatches(pair.output.bytes, 0, pair.output.bytes.length);
  }

  private programMatches(flowId: number): boolean {
    if (this.program === null) return true;
    return flowId >= 0 && this.programOf !== null && this.programOf(flowId)?.name === this.program;
  }

  /** Protocol, host and port, all on the packet at `b[start, end)`. */
  private packetMatches(b: Uint8Array, start: number, end: number): boolean {
    const layers = this.layers;
    if (!layers.locate(b, start, end)) return false;
    const proto = layers.protocol;
    if (this.protocol === 'other') {
      if (proto === ipProtocol.tcp || proto === ipProtocol.udp || proto === ipProtocol.icmp || proto === ipProtocol.icmpv6) return false;
    } else if (this.protocol !== null && !this.protocol.includes(proto)) {
      return false;
    }
    if (this.host4 >= 0) {
      if (layers.version !== 4 || (read32(b, start + 12) !== this.host4 && read32(b, start + 16) !== this.host4)) return false;
    } else if (this.host6 !== null) {
      if (layers.version !== 6 || (!sameAddress(b, start + 8, this.host6) && !sameAddress(b, start + 24, this.host6))) return false;
    }
    if (this.port >= 0) {
      const at = layers.transportAt;
      if (at < 0 || end - at < 4 || (proto !== ipProtocol.tcp && proto !== ipProtocol.udp)) return false;
      if (read16(b, at) !== this.port && read16(b, at + 2) !== this.port) return false;
    }
    return true;
  }
}

function sameAddress(b: Uint8Array, at: number, address: Uint8Array): boolean {
  for (let k = 0; k < 16; k++) if (b[at + k] !== address[k]) return false;
  return true;
}
