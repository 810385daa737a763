// Rates over time for the charts: one sample a second, kept in a fixed-size ring (an hour by
// default), each the difference of the counters since the previous second. Memory is fixed at
// construction: 8 numbers a sample.

import type { RateSample } from '../api/counters.js';
import { direction46, direction64, type TrafficCounters } from './traffic-counters.js';

const columns = 8;

export class RateHistory {
  private readonly samples: Float64Array;
  private readonly previous = new Float64Array(columns);
  private readonly scratch = new Float64Array(4);
  private readonly now = new Float64Array(columns);
  private next = 0;
  private stored = 0;

  constructor(readonly capacity = 3600) {
    this.samples = new Float64Array(capacity * columns);
  }

  /** Takes the sample for the second that ended at `atMs` (call once a second). */
  sample(counters: TrafficCounters, atMs: number): RateSample {
    const now = this.now;
    counters.totals(direction46, this.scratch);
    now[1] = this.scratch[0];
    now[2] = this.scratch[1];
    now[3] = this.scratch[3];
    counters.totals(direction64, this.scratch);
    now[4] = this.scratch[2];
    now[5] = this.scratch[1];
    now[6] = this.scratch[3];
    now[7] = counters.droppedTotal();
    const at = this.next * columns;
    this.samples[at] = atMs;
    for (let c = 1; c < columns; c++) {
      this.samples[at + c] = now[c] - this.previous[c];
      this.previous[c] = now[c];
    }
    this.next = (this.next + 1) % this.capacity;
    this.stored = Math.min(this.stored + 1, this.capacity);
    return this.read(this.stored - 1);
  }

  /** The last `count` samples (all by default), oldest first. */
  recent(count = this.stored): RateSample[] {
    const n = Math.min(count, this.stored);
    const list: RateSample[] = [];
    for (let k = this.stored - n; k < this.stored; k++) list.push(this.read(k));
    return list;
  }

  /** Sample k of the stored ones, 0 = the oldest. */
  private read(k: number): RateSample {
    const slot = (this.next - this.stored + k + this.capacity) % this.capacity;
    const at = slot * columns;
    const s = this.samples;
    return {
      atMs: s[at],
      packets46: s[at + 1],
      bytes46v4: s[at + 2],
      bytes46v6: s[at + 3],
      packets64: s[at + 4],
      bytes64v4: s[at + 5],
      bytes64v6: s[at + 6],
      dropped: s[at + 7],
    };
  }
}
