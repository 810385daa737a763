// The last few thousand trace pairs (core/observe/trace-pair.ts), kept on the packet path at no
// allocation: every field of a pair lives in a typed array indexed by slot, and the first
// `snapBytes` of both packets in one slab allocated at construction. `record` copies what it keeps
// (the loop reuses its buffers); when the ring is full the oldest pair gives way.
//
// Time: the loop passes performance.now() (monotonic, fractional ms); the ring keeps that, and adds
// one wall-clock offset taken at construction when a reader asks, so pairs carry epoch times
// without a Date or a BigInt per packet, and a clock step cannot reorder them.
//
// Reading builds plain objects and is for subscribers (`readSince`, a few times a second) and
// exports (`window`). Filters read the slots in place (core/observe/trace-filter.ts).

import type { XlatOutput } from '../xlat/output.js';
import { verdictName } from '../xlat/verdict.js';
import type { TracePacket, TracePair } from './trace-pair.js';

export const defaultTraceCapacity = 4096;
export const defaultSnapBytes = 128;
/** Enough for the IPv6 header, a Fragment header, and the start of what follows: an ICMP error
 * with the headers it quotes, or TCP with its options. */
export const minSnapBytes = 128;

/** Bits of `flags`. */
export const TraceFlag = {
  /** The output is an ICMP error the translator generated for the dropped input. */
  generated: 1,
  /** No output at all: the input was dropped silently. */
  dropped: 2,
} as const;

export interface TraceRingOptions {
  /** Pairs kept (default 4096). */
  readonly capacity?: number;
  /** Bytes kept of each packet (default and minimum 128). */
  readonly snapBytes?: number;
  /** Epoch milliseconds at which the `nowMs` given to `record` read 0 (for performance.now(),
   * performance.timeOrigin). Default: taken now from Date.now() and performance.now(). */
  readonly clockOffsetMs?: number;
}

/** What `readSince` returns. */
export interface TraceRead {
  /** The pairs after the given id, oldest first. */
  readonly pairs: TracePair[];
  /** Where the next read starts: the last id returned (or passed over). */
  readonly lastId: number;
  /** Pairs after the given id that the ring no longer holds (overwritten before they were read). */
  readonly lost: number;
}

export class TraceRing {
  readonly capacity: number;
  readonly snapBytes: number;
  readonly clockOffsetMs: number;

  // Per slot. Public so filters can read pairs in place; only `record` writes them.
  /** Both packets' first bytes: slot k's input at `inputAt(k)`, its output `snapBytes` later. */
  readonly slab: Uint8Array;
  /** `nowMs` as given to `record` (monotonic). */
  readonly timeMs: Float64Array;
  readonly flowIds: Float64Array;
  /** Lengths on the wire, and how many bytes of them the slab keeps. */
  readonly inputLength: Uint32Array;
  readonly inputKept: Uint32Array;
  readonly outputLength: Uint32Array;
  readonly outputKept: Uint32Array;
  /** 46 or 64. */
  readonly direction: Uint8Array;
  /** TraceFlag bits. */
  readonly flags: Uint8Array;
  /** Verdict numbers (core/xlat/verdict.ts). */
  readonly verdict: Uint8Array;
  /** The output's side (4 or 6; 0 when there is none). */
  readonly outputFamily: Uint8Array;
  /** Packets the translation wrote. */
  readonly outputCount: Uint8Array;

  private nextId = 1;
  private nextSlot = 0;
  private stored = 0;

  constructor(options: TraceRingOptions = {}) {
    const capacity = options.capacity ?? defaultTraceCapacity;
    const snapBytes = options.snapBytes ?? defaultSnapBytes;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`trace ring: capacity ${capacity} is not a positive integer`);
    if (!Number.isInteger(snapBytes) || snapBytes < minSnapBytes || snapBytes > 65_535) {
      throw new RangeError(`trace ring: snap length ${snapBytes} is not an integer from ${minSnapBytes} to 65535`);
    }
    this.capacity = capacity;
    this.snapBytes = snapBytes;
    this.clockOffsetMs = options.clockOffsetMs ?? defaultClockOffsetMs();
    this.slab = new Uint8Array(capacity * 2 * snapBytes);
    this.timeMs = new Float64Array(capacity);
    this.flowIds = new Float64Array(capacity);
    this.inputLength = new Uint32Array(capacity);
    this.inputKept = new Uint32Array(capacity);
    this.outputLength = new Uint32Array(capacity);
    this.outputKept = new Uint32Array(capacity);
    this.direction = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.verdict = new Uint8Array(capacity);
    this.outputFamily = new Uint8Array(capacity);
    this.outputCount = new Uint8Array(capacity);
  }

  /**
   * Keeps the pair of one handled packet (PacketObserver.observe's arguments, plus the flow) and
   * returns its id. The input is `input[start, start + length)`; the output, `out`'s first packet.
   * Allocates nothing.
   */
  record(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput, nowMs: number, flowId = -1): number {
    const slot = this.nextSlot;
    const snap = this.snapBytes;
    const slab = this.slab;
    let at = slot * 2 * snap;
    const inputKept = length < snap ? length : snap;
    for (let i = 0; i < inputKept; i++) slab[at + i] = input[start + i];
    this.inputLength[slot] = length;
    this.inputKept[slot] = inputKept;
    // The loop's rule: a version-4 packet came from the host, anything else from the network.
    this.direction[slot] = length > 0 && input[start] >> 4 === 4 ? 46 : 64;
    this.verdict[slot] = verdict;
    this.timeMs[slot] = nowMs;
    this.flowIds[slot] = flowId;
    const count = out.count;
    this.outputCount[slot] = count;
    if (count > 0) {
      const from = out.start[0];
      const outLength = out.length[0];
      const outKept = outLength < snap ? outLength : snap;
      const buffer = out.buffer;
      at += snap;
      for (let i = 0; i < outKept; i++) slab[at + i] = buffer[from + i];
      this.outputLength[slot] = outLength;
      this.outputKept[slot] = outKept;
      this.outputFamily[slot] = out.family[0];
      this.flags[slot] = out.generated[0] !== 0 ? TraceFlag.generated : 0;
    } else {
      this.outputLength[slot] = 0;
      this.outputKept[slot] = 0;
      this.outputFamily[slot] = 0;
      this.flags[slot] = TraceFlag.dropped;
    }
    this.nextSlot = slot + 1 === this.capacity ? 0 : slot + 1;
    if (this.stored < this.capacity) this.stored++;
    return this.nextId++;
  }

  /** Id of the newest pair; 0 before the first. */
  get newestId(): number {
    return this.nextId - 1;
  }

  /** Id of the oldest pair held; `newestId + 1` when the ring is empty. */
  get oldestId(): number {
    return this.nextId - this.stored;
  }

  /** Pairs held. */
  get size(): number {
    return this.stored;
  }

  /** The slot of pair `id`, or -1 when the ring does not hold it (yet, or any more). */
  slotOf(id: number): number {
    if (!Number.isInteger(id) || id < this.oldestId || id > this.newestId) return -1;
    return (this.nextSlot - (this.nextId - id) + this.capacity) % this.capacity;
  }

  /** Offset in `slab` of slot `slot`'s input bytes. */
  inputAt(slot: number): number {
    return slot * 2 * this.snapBytes;
  }

  /** Offset in `slab` of slot `slot`'s output bytes. */
  outputAt(slot: number): number {
    return slot * 2 * this.snapBytes + this.snapBytes;
  }

  /** Epoch milliseconds of a `nowMs` on the loop's clock. */
  toEpochMs(monotonicMs: number): number {
    return this.clockOffsetMs + monotonicMs;
  }

  /** Pair `id` as a plain object, or undefined when the ring does not hold it. */
  pair(id: number): TracePair | undefined {
    const slot = this.slotOf(id);
    return slot < 0 ? undefined : this.materialise(id, slot);
  }

  /** The pairs after `afterId` (0: all held), at most `maxPairs`, oldest first. */
  readSince(afterId: number, maxPairs = Infinity): TraceRead {
    const first = Math.max(Math.floor(afterId) + 1, this.oldestId);
    const lost = Math.max(0, this.oldestId - Math.max(0, Math.floor(afterId)) - 1);
    const last = Math.min(this.newestId, first - 1 + Math.max(0, maxPairs));
    const pairs: TracePair[] = [];
    for (let id = first; id <= last; id++) pairs.push(this.materialise(id, this.slotOf(id)));
    return { pairs, lastId: Math.max(first - 1, last), lost };
  }

  /** The pairs handled between `fromMs` and `toMs` (epoch milliseconds, inclusive), oldest first. */
  window(fromMs: number, toMs = Infinity): TracePair[] {
    const pairs: TracePair[] = [];
    for (let id = this.oldestId; id <= this.newestId; id++) {
      const slot = this.slotOf(id);
      const atMs = this.clockOffsetMs + this.timeMs[slot];
      if (atMs >= fromMs && atMs <= toMs) pairs.push(this.materialise(id, slot));
    }
    return pairs;
  }

  private materialise(id: number, slot: number): TracePair {
    const direction = this.direction[slot] === 46 ? 46 : 64;
    const input: TracePacket = {
      family: direction === 46 ? 4 : 6,
      length: this.inputLength[slot],
      bytes: this.slab.slice(this.inputAt(slot), this.inputAt(slot) + this.inputKept[slot]),
    };
    const outputFamily = this.outputFamily[slot];
    const output: TracePacket | null =
      outputFamily === 0
        ? null
        : {
            family: outputFamily === 4 ? 4 : 6,
            length: this.outputLength[slot],
            bytes: this.slab.slice(this.outputAt(slot), this.outputAt(slot) + this.outputKept[slot]),
          };
    const verdict = this.verdict[slot];
    return {
      id,
      atMs: this.clockOffsetMs + this.timeMs[slot],
      direction,
      verdict: verdictName(verdict) ?? `unknown(${verdict})`,
      generated: (this.flags[slot] & TraceFlag.generated) !== 0,
      flowId: this.flowIds[slot],
      outputCount: this.outputCount[slot],
      input,
      output,
    };
  }
}

/** Epoch ms at which performance.now() read 0, where there is a `performance` (Node, browsers). */
function defaultClockOffsetMs(): number {
  const clock = (globalThis as { performance?: { now(): number } }).performance;
  return Date.now() - (clock === undefined ? 0 : clock.now());
}
