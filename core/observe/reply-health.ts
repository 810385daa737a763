// Whether replies come back through the CLAT: the data path's health, as the packets show it.
//
// A CLAT that translates every packet the host sends while nothing comes back is broken, but none
// of its counters say so: a firewall dropping the forwarded replies, a NAT64 that went away and a
// stale prefix all look like "translated 46: growing, translated 64: still". This watches the two
// kinds of packet that must be answered, TCP SYN (RFC 9293 §3.5: a SYN is answered by a SYN-ACK or a
// RST) and ICMP echo request (RFC 792: by an echo reply), and raises `no-replies` when, since the
// last packet that came back from anywhere, such requests went to at least `minDestinations`
// distinct IPv4 destinations and have waited at least `graceMs`. UDP never counts: a datagram asks
// for nothing, and one silent UDP server says nothing about the path. Several destinations, and
// nothing else coming back either, tell a dead path from one dead server.
//
// The packet loop calls `observe` for every packet; it allocates nothing and reads a few header
// bytes. Destinations live in a small fixed table (`capacity` slots, the least recently asked one
// evicted when full), and `evaluate`, called once a second, decides. The next packet that comes
// back clears the verdict: every request sent before it counts as "before a reply" until it is sent
// again. Times are the loop's (performance.now(), monotonic ms); verdicts add `clockOffsetMs`.

import type { ReplyHealth } from '../api/status.js';
import { formatIpv4 } from '../wire/address.js';
import { icmp4Type } from '../wire/icmp.js';
import type { XlatOutput } from '../xlat/output.js';
import { Verdict } from '../xlat/verdict.js';
import type { PacketObserver } from './packet-observer.js';
import { protocol } from '../wire/protocol.js';

const tcpSyn = 0x02;
const tcpAck = 0x10;

export interface ReplyHealthOptions {
  /** Destinations remembered at once (default 16). */
  readonly capacity?: number;
  /** How long a request may wait for its answer before it counts as unanswered (default 3 s). */
  readonly graceMs?: number;
  /** A destination not asked again for this long is forgotten (default 60 s). */
  readonly windowMs?: number;
  /** Distinct unanswered destinations that make the path look dead (default 3). */
  readonly minDestinations?: number;
  /** Added to times in verdicts (the engine passes performance.timeOrigin, making them epoch ms). */
  readonly clockOffsetMs?: number;
}

/** The running status's `health` (core/api/status.ts) without the causes, which the engine looks for on the host. */
export type ReplyVerdict = { readonly state: 'ok' } | Omit<Extract<ReplyHealth, { state: 'no-replies' }>, 'causes'>;

const ok: ReplyVerdict = { state: 'ok' };

export class ReplyHealthDetector implements PacketObserver {
  readonly capacity: number;
  private readonly graceMs: number;
  private readonly windowMs: number;
  private readonly minDestinations: number;
  /**
   * Added to the loop's times in a verdict to make them epoch times. The loop's clock stops while the
   * machine sleeps and the wall clock does not, so the owner sets it anew before each evaluate().
   */
  clockOffsetMs: number;

  /** Per slot: the destination (int32, see flow-table.ts on why not uint32), or unused. */
  private readonly destination: Int32Array;
  private readonly inUse: Uint8Array;
  /** The first request since the last reply from anywhere (a request before it is "before a reply"). */
  private readonly firstSentMs: Float64Array;
  private readonly lastSentMs: Float64Array;
  private readonly requests: Float64Array;
  private used = 0;
  private lastInboundMs = Number.NEGATIVE_INFINITY;
  /** Packets seen coming back (64), for the engine to compare with its counters. */
  inboundObserved = 0;

  constructor(options: ReplyHealthOptions = {}) {
    const capacity = options.capacity ?? 16;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('ReplyHealthDetector capacity must be a positive integer');
    this.capacity = capacity;
    this.graceMs = options.graceMs ?? 3000;
    this.windowMs = options.windowMs ?? 60_000;
    this.minDestinations = options.minDestinations ?? 3;
    this.clockOffsetMs = options.clockOffsetMs ?? 0;
    this.destination = new Int32Array(capacity);
    this.inUse = new Uint8Array(capacity);
    this.firstSentMs = new Float64Array(capacity);
    this.lastSentMs = new Float64Array(capacity);
    this.requests = new Float64Array(capacity);
  }

  observe(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput, nowMs: number): void {
    if (verdict !== Verdict.translated || out.count === 0 || length < 20 || out.generated[0] !== 0) return;
    const version = input[start] >> 4;
    if (version === 6 && out.family[0] === 4) {
      // Something came back: from this destination, and proof that the path carries replies.
      this.inboundObserved++;
      this.noteInbound(nowMs);
      if (this.used > 0) this.answered(int32At(out.buffer, out.start[0] + 12));
      return;
    }
    if (version !== 4 || out.family[0] !== 6) return;
    const ihl = (input[start] & 0x0f) << 2;
    // Only a first fragment (or a whole packet) carries the transport header.
    if (ihl < 20 || (((input[start + 6] << 8) | input[start + 7]) & 0x1fff) !== 0) return;
    const l4 = start + ihl;
    const proto = input[start + 9];
    if (proto === protocol.tcp) {
      if (l4 + 14 > start + length || (input[l4 + 13] & (tcpSyn | tcpAck)) !== tcpSyn) return;
    } else if (proto === protocol.icmp) {
      if (l4 + 1 > start + length || input[l4] !== icmp4Type.echoRequest) return;
    } else {
      return;
    }
    this.asked(int32At(input, start + 16), nowMs);
  }

  /** A packet came back (also one the observers did not see: counted by a worker, missed by a busy main thread). */
  noteInbound(nowMs: number): void {
    if (nowMs > this.lastInboundMs) this.lastInboundMs = nowMs;
  }

  /** The verdict at `nowMs`; forgets destinations not asked for `windowMs`. Once a second, not per packet. */
  evaluate(nowMs: number): ReplyVerdict {
    let eligible = 0;
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.inUse[slot] === 0) continue;
      if (nowMs - this.lastSentMs[slot] > this.windowMs) {
        this.free(slot);
        continue;
      }
      if (this.unanswered(slot, nowMs)) eligible++;
    }
    if (eligible < this.minDestinations) return ok;
    const slots: number[] = [];
    for (let slot = 0; slot < this.capacity; slot++) if (this.inUse[slot] === 1 && this.unanswered(slot, nowMs)) slots.push(slot);
    slots.sort((a, b) => this.firstSentMs[a] - this.firstSentMs[b]);
    return {
      state: 'no-replies',
      sinceMs: this.firstSentMs[slots[0]] + this.clockOffsetMs,
      unansweredDestinations: slots.map((slot) => formatIpv4(this.destination[slot] >>> 0)),
      unansweredRequests: slots.reduce((total, slot) => total + this.requests[slot], 0),
    };
  }

  /** Forgets everything (a new data path: what the last one saw says nothing of it). */
  reset(): void {
    this.inUse.fill(0);
    this.used = 0;
    this.lastInboundMs = Number.NEGATIVE_INFINITY;
  }

  /** Asked after the last reply from anywhere, and waiting longer than the grace. */
  private unanswered(slot: number, nowMs: number): boolean {
    return this.firstSentMs[slot] > this.lastInboundMs && nowMs - this.firstSentMs[slot] >= this.graceMs;
  }

  private asked(destination: number, nowMs: number): void {
    let slot = this.slotOf(destination);
    if (slot < 0) {
      slot = this.freeSlot();
      this.inUse[slot] = 1;
      this.used++;
      this.destination[slot] = destination;
      this.firstSentMs[slot] = nowMs;
      this.requests[slot] = 0;
    } else if (this.firstSentMs[slot] <= this.lastInboundMs) {
      // Its earlier requests went out before something came back: waiting starts again now.
      this.firstSentMs[slot] = nowMs;
      this.requests[slot] = 0;
    }
    this.lastSentMs[slot] = nowMs;
    this.requests[slot]++;
  }

  private answered(source: number): void {
    const slot = this.slotOf(source);
    if (slot >= 0) this.free(slot);
  }

  private slotOf(destination: number): number {
    for (let slot = 0; slot < this.capacity; slot++) if (this.inUse[slot] === 1 && this.destination[slot] === destination) return slot;
    return -1;
  }

  /** A free slot, or the least recently asked destination's (evicted). */
  private freeSlot(): number {
    let oldest = 0;
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.inUse[slot] === 0) return slot;
      if (this.lastSentMs[slot] < this.lastSentMs[oldest]) oldest = slot;
    }
    this.free(oldest);
    return oldest;
  }

  private free(slot: number): void {
    this.inUse[slot] = 0;
    this.used--;
  }
}

/** The 32-bit big-endian word at `at` as an int32. */
function int32At(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
}
