// A trace pair, as readers get it: a packet as one side of the CLAT saw it and its twin on the
// other side. Direction 46: the IPv4 packet a host program sent, and its IPv6 translation on the
// uplink; direction 64: the IPv6 packet from the network, and the IPv4 packet the host received.
// When the translator refused a packet and answered with an ICMP error, the pair is the dropped
// input and that error (both on the input's side); when it dropped one silently, there is no output.
//
// Plain objects, built only when a reader asks (core/observe/trace-ring.ts keeps the pairs in
// typed arrays); the bytes are copies, safe to keep.

export interface TracePacket {
  /** The side it was seen on: 4 (the TUN, as host programs see it) or 6 (the uplink). */
  readonly family: 4 | 6;
  /** Its length on the wire. */
  readonly length: number;
  /** Its first bytes (up to the ring's snap length): `bytes.length < length` when it was cut. */
  readonly bytes: Uint8Array;
}

export interface TracePair {
  /** Pair number: increasing from 1, never reused. */
  readonly id: number;
  /** When the packet loop handled it: milliseconds since the Unix epoch, microsecond precision. */
  readonly atMs: number;
  /** 46: IPv4 → IPv6 (out through the CLAT); 64: IPv6 → IPv4 (back in). */
  readonly direction: 46 | 64;
  /** The translator's verdict name (core/xlat/verdict.ts): `translated`, or why it dropped the input. */
  readonly verdict: string;
  /** The output is an ICMP error the translator generated rather than a translation. */
  readonly generated: boolean;
  /** The flow the caller filed the pair under; -1 for none. */
  readonly flowId: number;
  /** Packets the translation wrote: more than 1 when it fragmented (only the first is kept). */
  readonly outputCount: number;
  readonly input: TracePacket;
  /** Null when the input was dropped without a reply. */
  readonly output: TracePacket | null;
}

/** Who sent a flow's packets (core/engine/process-attribution.ts finds out). */
export interface ProgramInfo {
  readonly name: string;
  readonly pid?: number;
}

/** flowId → the program behind the flow, or undefined when unknown; supplied by the engine. */
export type ProgramLookup = (flowId: number) => ProgramInfo | undefined;

/** flowId → whether the flow's program is still being looked for (FlowTable.programAwaited). */
export type ProgramAwaited = (flowId: number) => boolean;
