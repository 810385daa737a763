// The telemetry throttle between the engine and a UI: the engine sends up to 30 updates a second
// (core/engine/streams.ts) plus status events; a renderer wants fewer, larger batches, and must
// never fall behind. The batch folds events as they come — the newest status and counters win,
// rate samples and flow changes accumulate (a flow changed twice is sent once, a removed flow is
// not sent as changed), trace pairs keep the newest `maxPairs` (the rest count as skipped) — and
// `take` hands it over and starts a new one. Memory is bounded by the flow table's size and
// `maxPairs`, however long the renderer takes.

import type { EngineEvent } from '../api/messages.js';
import type { CounterSnapshot, RateSample } from '../api/counters.js';
import type { ClatStatus } from '../api/status.js';
import type { TracePairJson } from '../api/trace-wire.js';
import type { SessionUpdate } from '../api/ui-schema.js';
import type { FlowInfo } from '../observe/flow-info.js';

/** An hour of per-second samples (the engine's rate history): more than any renderer keeps. */
export const maxRates = 3600;

export class UpdateBatch {
  private status: ClatStatus | null = null;
  private counters: CounterSnapshot | null = null;
  private rates: RateSample[] = [];
  private changed = new Map<number, FlowInfo>();
  private removed = new Set<number>();
  private replaced = false;
  private pairs: TracePairJson[] = [];
  private skipped = 0;
  private lost = 0;
  private dirty = false;

  constructor(private readonly maxPairs = 400) {}

  get empty(): boolean {
    return !this.dirty;
  }

  add(event: EngineEvent): void {
    this.dirty = true;
    if (event.event === 'status') {
      this.status = event.status;
      return;
    }
    const trace = event.event === 'trace' ? event : event.trace;
    if (event.event === 'update') {
      this.counters = event.counters;
      if (event.rate !== null) this.pushRate(event.rate);
      for (const flow of event.flows.changed) this.changed.set(flow.id, flow);
      for (const id of event.flows.removed) {
        this.changed.delete(id);
        this.removed.add(id);
      }
    }
    if (trace !== null) {
      this.skipped += trace.skipped;
      this.lost += trace.lost;
      for (const pair of trace.pairs) this.pairs.push(pair);
      const excess = this.pairs.length - this.maxPairs;
      if (excess > 0) {
        this.pairs.splice(0, excess);
        this.skipped += excess;
      }
    }
  }

  /** The whole flow table, when the engine's change log was incomplete: it replaces what the UI has. */
  replaceFlows(flows: readonly FlowInfo[]): void {
    this.dirty = true;
    this.replaced = true;
    this.changed = new Map(flows.map((flow) => [flow.id, flow]));
    this.removed.clear();
  }

  /** Everything since the last `take`, and a fresh batch. */
  take(): SessionUpdate {
    const update: SessionUpdate = {
      status: this.status,
      counters: this.counters,
      rates: this.rates,
      flowsChanged: [...this.changed.values()],
      flowsRemoved: [...this.removed],
      flowsReplaced: this.replaced,
      pairs: this.pairs,
      skipped: this.skipped,
      lost: this.lost,
    };
    this.status = null;
    this.counters = null;
    this.rates = [];
    this.changed = new Map();
    this.removed = new Set();
    this.replaced = false;
    this.pairs = [];
    this.skipped = 0;
    this.lost = 0;
    this.dirty = false;
    return update;
  }

  private pushRate(rate: RateSample): void {
    this.rates.push(rate);
    if (this.rates.length > maxRates) this.rates.shift();
  }
}
