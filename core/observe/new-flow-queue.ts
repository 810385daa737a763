// The flows created since process attribution last asked (core/engine/process-attribution.ts):
// a ring of (slot, id) pairs filled on the packet path, emptied off it by `take`, which builds the
// objects. A flow in the ring is "awaiting its program" until attribution answers; beyond the
// backlog the oldest waiting flow is dropped, and nobody should wait for its program any more.
// The listener hears once per burst (when a flow arrives in an empty, taken ring), not per flow.

import type { NewFlow } from './flow-info.js';
import type { FlowStore } from './flow-store.js';

export class NewFlowQueue {
  private readonly slots: Int32Array;
  private readonly ids: Float64Array;
  private head = 0;
  private count = 0;
  private listener: (() => void) | null = null;
  private armed = true;
  /** Doubles, so that counting past 2^30 never changes the field's representation. */
  private readonly droppedCount = new Float64Array(1);

  constructor(
    private readonly store: FlowStore,
    backlog: number,
  ) {
    this.slots = new Int32Array(backlog);
    this.ids = new Float64Array(backlog);
  }

  /** New flows never handed to `take` because the backlog was full. */
  get dropped(): number {
    return this.droppedCount[0];
  }

  /** The flow in `slot` (id `id`) was just created. */
  add(slot: number, id: number): void {
    const backlog = this.slots.length;
    if (backlog === 0) return;
    const store = this.store;
    if (this.count === backlog) {
      const dropped = this.slots[this.head];
      if (store.ids[dropped] === this.ids[this.head]) store.awaitingProgram[dropped] = 0;
      this.head = (this.head + 1) % backlog;
      this.count--;
      this.droppedCount[0]++;
    }
    const at = (this.head + this.count) % backlog;
    this.slots[at] = slot;
    this.ids[at] = id;
    this.count++;
    store.awaitingProgram[slot] = 1;
    if (this.armed && this.listener !== null) {
      this.armed = false;
      this.listener();
    }
  }

  /** See FlowTable.setNewFlowListener. */
  setListener(listener: (() => void) | null): void {
    this.listener = listener;
    this.armed = true;
    if (listener !== null && this.count > 0) {
      this.armed = false;
      listener();
    }
  }

  /** Up to `max` flows, oldest first (those already gone are skipped). */
  take(max: number): NewFlow[] {
    const taken: NewFlow[] = [];
    const backlog = this.slots.length;
    const store = this.store;
    while (this.count > 0 && taken.length < max) {
      const slot = this.slots[this.head];
      const id = this.ids[this.head];
      this.head = (this.head + 1) % backlog;
      this.count--;
      if (store.inUse[slot] === 0 || store.ids[slot] !== id) continue;
      taken.push({
        id,
        protocol: store.protocol[slot],
        localV4: store.local4[slot] >>> 0,
        localPort: store.localPort[slot],
        remoteV4: store.remote4[slot] >>> 0,
        remotePort: store.remotePort[slot],
        outbound: store.openedOutbound[slot] === 1,
      });
    }
    if (this.count === 0) this.armed = true;
    return taken;
  }

  /** Forgets every waiting flow (the table was cleared). */
  clear(): void {
    this.count = 0;
    this.armed = true;
  }
}
