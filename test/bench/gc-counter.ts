// Garbage collections seen since the process started, counted by a PerformanceObserver: the
// benchmarks read it before and after measuring to say whether the hot path made the collector run.

import { PerformanceObserver } from 'node:perf_hooks';

let collections = 0;
new PerformanceObserver((list) => {
  collections += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

export function gcCount(): number {
  return collections;
}
