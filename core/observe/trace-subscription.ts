// One live trace subscriber (the UI's trace view, `clatter trace`): a cursor into the ring, the
// subscriber's filter, and its sampler. The subscriber polls once per tick (the UI at most 60
// times a second); each poll walks the pairs recorded since the last one, in place, and builds
// objects only for the pairs it delivers. Lifecycle: made when a client subscribes, polled on the
// engine's timer, dropped when the client goes; nothing on the packet path knows it exists.
//
// Process attribution names a flow's program a moment after the flow's first packets (a /proc
// walk later). A pair whose flow's program is still being looked for waits for the next poll, and
// every pair after it too (order is kept), so that it is judged by a program filter and shown with
// its program: `clatter trace --filter program=curl` shows curl's SYN. A pair waits at most
// `holdMs`, then goes with what is known.

import type { TraceFilter } from './trace-filter.js';
import type { ProgramAwaited, TracePair } from './trace-pair.js';
import type { TraceRing } from './trace-ring.js';
import { TraceSampler } from './trace-sampler.js';

/** One poll's worth: what to draw, and what was left out. */
export interface TraceBatch {
  /** Pairs that matched and were let through, oldest first. */
  readonly pairs: TracePair[];
  /** Pairs that matched but the sampler turned away ("skipped 1234"). */
  readonly skipped: number;
  /** Pairs overwritten in the ring before this subscriber got to them (unknown whether they matched). */
  readonly lost: number;
  /** The newest pair id looked at: the cursor. */
  readonly lastId: number;
}

export interface TraceSubscriptionOptions {
  /** Pairs to deliver; all when absent. */
  readonly filter?: TraceFilter;
  /** Delivered pairs a second at most (default 200). */
  readonly perSecond?: number;
  /** Start after this pair id (default: the ring's newest, i.e. from now on; 0: everything held). */
  readonly afterId?: number;
  /** Whether a flow's program is still being looked for; none waited for when absent. */
  readonly programAwaited?: ProgramAwaited;
  /** Longest a pair waits for its flow's program, in ms (default 2000). */
  readonly holdMs?: number;
}

export const defaultTracePairsPerSecond = 200;
const defaultHoldMs = 2000;

export class TraceSubscription {
  private cursor: number;
  private readonly sampler: TraceSampler;
  private readonly filter: TraceFilter | null;
  private readonly programAwaited: ProgramAwaited | null;
  private readonly holdMs: number;

  constructor(
    private readonly ring: TraceRing,
    options: TraceSubscriptionOptions = {},
  ) {
    this.cursor = options.afterId ?? ring.newestId;
    this.sampler = new TraceSampler(options.perSecond ?? defaultTracePairsPerSecond);
    this.filter = options.filter ?? null;
    this.programAwaited = options.programAwaited ?? null;
    this.holdMs = options.holdMs ?? defaultHoldMs;
  }

  /** The pairs since the last poll that this subscriber gets; `nowMs` is the time on the ring's clock. */
  poll(nowMs: number): TraceBatch {
    const ring = this.ring;
    const first = Math.max(this.cursor + 1, ring.oldestId);
    const lost = Math.max(0, first - this.cursor - 1);
    const pairs: TracePair[] = [];
    let last = ring.newestId;
    for (let id = first; id <= last; id++) {
      const slot = ring.slotOf(id);
      if (this.programAwaited !== null && nowMs - ring.timeMs[slot] < this.holdMs) {
        const flowId = ring.flowIds[slot];
        if (flowId >= 0 && this.programAwaited(flowId)) {
          last = id - 1;
          break;
        }
      }
      if (this.filter !== null && !this.filter.matchesSlot(ring, slot)) continue;
      if (!this.sampler.admit(ring.timeMs[slot])) continue;
      const pair = ring.pair(id);
      if (pair !== undefined) pairs.push(pair);
    }
    this.cursor = Math.max(this.cursor, last);
    return { pairs, skipped: this.sampler.takeSkipped(), lost, lastId: this.cursor };
  }
}
