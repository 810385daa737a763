// How a worker thread that translates (core/engine/queue-worker.ts) shows its packets to the
// observers (flows, traces, names) on the engine's main thread: a single-producer,
// single-consumer ring of observations in a SharedArrayBuffer. The worker copies the head of each
// packet and of its first output into a slot and never waits: when the main thread falls behind,
// the observation is lost and counted, the packet is not. That is what keeps the UI-facing work
// off the packet path.
//
// A slot keeps the first `inputSnapBytes` of the input and the first `outputSnapBytes` of its
// first output (the whole of an IPv4 DNS response, up to `dnsSnapBytes`, whose answers name the
// flows), with the full lengths, the verdict and the time. Observers read headers: flow keys,
// trace snaps of 128 bytes (trace-ring.ts), ICMP errors' inner headers; and of outputs only the
// first (packet-observer.ts). Bytes past a snap are meaningless (zeros, or left from an earlier
// observation) but never out of bounds: the reader's buffers hold the largest packet.
//
// One writer and one reader per buffer, for the buffer's whole life.

import { XlatOutput } from '../xlat/output.js';
import { ipv4DnsResponseUdp } from './dns-names.js';
import type { PacketObserver } from './packet-observer.js';

export const inputSnapBytes = 256;
export const outputSnapBytes = 256;
export const dnsSnapBytes = 1792;
const slotBytes = inputSnapBytes + dnsSnapBytes;

/** Per slot: verdict, input length, input bytes kept, outputs, first output's family, generated, length, bytes kept. */
const metaInts = 8;

// The control words: where the writer and the reader are (free-running, wrapping at 2^32), and
// observations lost to a full ring.
const writeAt = 0;
const readAt = 1;
const lostAt = 2;
const controlInts = 4;

const maxPacketBytes = 65_535;

function layout(capacity: number) {
  const control = 0;
  const meta = control + controlInts * 4;
  const times = meta + capacity * metaInts * 4;
  const data = times + capacity * 8;
  return { control, meta, times, data, bytes: data + capacity * slotBytes };
}

/** The SharedArrayBuffer for a ring of `capacity` observations (a power of two). */
export function createObservationBuffer(capacity: number): SharedArrayBuffer {
  if (!Number.isInteger(capacity) || capacity < 2 || (capacity & (capacity - 1)) !== 0 || capacity > 1 << 20) {
    throw new RangeError(`observation ring capacity ${capacity} must be a power of two from 2 to 2^20`);
  }
  const buffer = new SharedArrayBuffer(layout(capacity).bytes);
  new Int32Array(buffer, 0, controlInts)[3] = capacity;
  return buffer;
}

class RingViews {
  readonly capacity: number;
  readonly control: Int32Array;
  readonly meta: Int32Array;
  readonly times: Float64Array;
  readonly data: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    this.control = new Int32Array(buffer, 0, controlInts);
    this.capacity = this.control[3];
    const at = layout(this.capacity);
    if (this.capacity < 2 || (this.capacity & (this.capacity - 1)) !== 0 || buffer.byteLength !== at.bytes) {
      throw new RangeError('not an observation ring buffer');
    }
    this.meta = new Int32Array(buffer, at.meta, this.capacity * metaInts);
    this.times = new Float64Array(buffer, at.times, this.capacity);
    this.data = new Uint8Array(buffer, at.data, this.capacity * slotBytes);
  }
}

/** The worker's end: a packet observer that copies into the ring. */
export class ObservationWriter implements PacketObserver {
  private readonly ring: RingViews;
  private written: number;
  private lost = 0;
  private published: number;

  /** @param clockOffsetMs added to every time, so the reader gets times of its own clock. */
  constructor(buffer: SharedArrayBuffer, private readonly clockOffsetMs = 0) {
    this.ring = new RingViews(buffer);
    this.written = this.published = Atomics.load(this.ring.control, writeAt);
    this.lost = Atomics.load(this.ring.control, lostAt);
  }

  observe(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput, nowMs: number): void {
    const { capacity, control, meta, times, data } = this.ring;
    const w = this.written;
    if (((w - Atomics.load(control, readAt)) | 0) >= capacity) {
      Atomics.store(control, lostAt, ++this.lost);
      return;
    }
    const slot = w & (capacity - 1);
    const m = slot * metaInts;
    const d = slot * slotBytes;
    const inCopied = Math.min(length, inputSnapBytes);
    copyHead(input, start, data, d, inCopied);
    meta[m] = verdict;
    meta[m + 1] = length;
    meta[m + 2] = inCopied;
    meta[m + 3] = out.count;
    if (out.count > 0) {
      const o = out.start[0];
      const outLength = out.length[0];
      const outCopied = Math.min(outLength, ipv4DnsResponseUdp(out.buffer, o, outLength) >= 0 ? dnsSnapBytes : outputSnapBytes);
      copyHead(out.buffer, o, data, d + inputSnapBytes, outCopied);
      meta[m + 4] = out.family[0];
      meta[m + 5] = out.generated[0];
      meta[m + 6] = outLength;
      meta[m + 7] = outCopied;
    }
    times[slot] = nowMs + this.clockOffsetMs;
    this.written = (w + 1) | 0;
  }

  /** Makes what was written visible and wakes the reader; once per batch, not per packet. */
  publish(): void {
    if (this.written === this.published) return;
    this.published = this.written;
    Atomics.store(this.ring.control, writeAt, this.written);
    Atomics.notify(this.ring.control, writeAt);
  }
}

/** The main thread's end: hands observations to an observer, rebuilt in buffers of its own. */
export class ObservationReader {
  private readonly ring: RingViews;
  private read: number;
  private readonly input = new Uint8Array(maxPacketBytes);
  private readonly out = new XlatOutput();

  constructor(buffer: SharedArrayBuffer) {
    this.ring = new RingViews(buffer);
    this.read = Atomics.load(this.ring.control, readAt);
  }

  /** Observations the writer lost because the ring was full. */
  get lost(): number {
    return Atomics.load(this.ring.control, lostAt);
  }

  /** True when nothing is waiting. */
  get empty(): boolean {
    return Atomics.load(this.ring.control, writeAt) === this.read;
  }

  /** Hands up to `max` waiting observations to `observer`; returns how many. */
  drain(observer: PacketObserver, max: number): number {
    const { capacity, control, meta, times, data } = this.ring;
    const { input, out } = this;
    const end = Atomics.load(control, writeAt);
    let handled = 0;
    while (this.read !== end && handled < max) {
      const slot = this.read & (capacity - 1);
      const m = slot * metaInts;
      const d = slot * slotBytes;
      copyHead(data, d, input, 0, meta[m + 2]);
      out.count = meta[m + 3];
      if (out.count > 0) {
        copyHead(data, d + inputSnapBytes, out.buffer, 0, meta[m + 7]);
        // A DNS response longer than its snap: its answers are parsed to the end (dns-names.ts),
        // which must find zeros there, not an earlier packet's bytes.
        if (meta[m + 7] === dnsSnapBytes && meta[m + 6] > dnsSnapBytes) out.buffer.fill(0, dnsSnapBytes, meta[m + 6]);
        out.start[0] = 0;
        out.length[0] = meta[m + 6];
        out.family[0] = meta[m + 4];
        out.generated[0] = meta[m + 5];
      }
      observer.observe(input, 0, meta[m + 1], meta[m], out, times[slot]);
      this.read = (this.read + 1) | 0;
      handled++;
      // Free slots as we go, so a writer on the other core can reuse them.
      if ((handled & 63) === 0) Atomics.store(control, readAt, this.read);
    }
    Atomics.store(control, readAt, this.read);
    return handled;
  }

  /** Ends a wait in whenWritten() (the writer is gone). */
  wake(): void {
    Atomics.notify(this.ring.control, writeAt);
  }

  /** Resolves when the writer publishes past what has been read (at once if it already has). */
  whenWritten(): Promise<unknown> {
    const waited = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.ring.control, writeAt, this.read);
    return waited.async ? waited.value : Promise.resolve();
  }
}

/** Atomics.waitAsync (ES2024; in Node since 16), which the ES2022 library here does not declare. */
interface AtomicsWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/**
 * Copies a packet's head between the ring and a thread's own buffers. They are different
 * ArrayBuffers, where `set` would need a `subarray` per packet (an allocation); a head is short.
 */
function copyHead(src: Uint8Array, from: number, dst: Uint8Array, to: number, length: number): void {
  for (let i = 0; i < length; i++) dst[to + i] = src[from + i];
}
