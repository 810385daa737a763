// What a UI host knows of the engine right now: the snapshot it connected with, brought up to date
// by every update batch it passed on. A renderer that loads (or reloads, or a second browser tab)
// asks for it (`session.current`) and starts from the present, not from when the host connected.
// Bounded like its sources: an hour of rate samples, the engine's flow table.

import type { Snapshot } from '../api/messages.js';
import type { RateSample } from '../api/counters.js';
import type { SessionUpdate } from '../api/ui-schema.js';
import type { FlowInfo } from '../observe/flow-info.js';
import { maxRates } from './update-batch.js';

export class LiveState {
  private snapshotNow: Snapshot;
  private rates: RateSample[];
  private readonly flows = new Map<number, FlowInfo>();

  constructor(snapshot: Snapshot, flows: readonly FlowInfo[]) {
    this.snapshotNow = snapshot;
    this.rates = snapshot.rates.slice(-maxRates);
    for (const flow of flows) this.flows.set(flow.id, flow);
  }

  apply(update: SessionUpdate): void {
    if (update.status !== null || update.counters !== null) {
      this.snapshotNow = {
        ...this.snapshotNow,
        ...(update.status !== null ? { status: update.status } : {}),
        ...(update.counters !== null ? { counters: update.counters } : {}),
      };
    }
    if (update.rates.length > 0) {
      this.rates.push(...update.rates);
      if (this.rates.length > maxRates) this.rates = this.rates.slice(-maxRates);
    }
    if (update.flowsReplaced) this.flows.clear();
    for (const flow of update.flowsChanged) this.flows.set(flow.id, flow);
    for (const id of update.flowsRemoved) this.flows.delete(id);
  }

  snapshot(): Snapshot {
    return { ...this.snapshotNow, rates: [...this.rates] };
  }

  flowList(): FlowInfo[] {
    return [...this.flows.values()];
  }
}
