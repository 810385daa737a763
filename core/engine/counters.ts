// The status line's summary of the engine's counters (core/observe/traffic-counters.ts).

import type { ClatCounters } from '../api/status.js';
import { direction46, direction64, type TrafficCounters } from '../observe/traffic-counters.js';

const scratch = new Float64Array(4);

export function counterSummary(counters: TrafficCounters): ClatCounters {
  counters.totals(direction46, scratch);
  const translated46 = scratch[0];
  const bytes46 = scratch[1];
  counters.totals(direction64, scratch);
  const snapshot = counters.snapshot();
  return {
    translated46, bytes46, translated64: scratch[2], bytes64: scratch[3],
    superPackets46: snapshot.out46.superPackets, superPackets64: snapshot.in64.superPackets,
    dropped: snapshot.dropped,
  };
}
