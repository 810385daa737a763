// The engine's counters: exact at any packet rate and cheap (typed arrays indexed by number, no
// object per packet). Verdicts come from the translator's table (core/xlat/verdict.ts).

import type { ClatCounters } from '../api/status.js';
import { verdictCount, verdictNames, type VerdictName } from '../xlat/verdict.js';

export class EngineCounters {
  /** Packets per verdict (index = verdict number), of both directions. */
  readonly verdicts = new Float64Array(verdictCount);
  translated46 = 0;
  translated64 = 0;
  bytes46 = 0;
  bytes64 = 0;
  /** Output packets the TUN would not take (queue full or refused). */
  writeFailures = 0;

  snapshot(): ClatCounters {
    const dropped: Partial<Record<VerdictName, number>> = {};
    for (let v = 1; v < verdictCount; v++) if (this.verdicts[v] > 0) dropped[verdictNames[v]] = this.verdicts[v];
    return { translated46: this.translated46, translated64: this.translated64, bytes46: this.bytes46, bytes64: this.bytes64, dropped };
  }
}
