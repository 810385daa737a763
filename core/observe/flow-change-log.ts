// The flow table's change numbering, for clients that poll (`changedSince`): every update and
// removal takes the next change number; a row keeps the number of its last change, and removals
// are remembered in a ring of `capacity` (id, number) pairs. When the ring overwrites a removal,
// a client polling from before it can no longer be told every change (`complete` false), and
// refetches the whole table (core/client/ui-relay.ts does).
//
// Counters are doubles in a Float64Array, so that counting past 2^30 never changes a field's
// representation on the packet path.

const seqIndex = 0;
/** Removals up to this change number may have been forgotten. */
const forgottenThroughIndex = 1;

export class FlowChangeLog {
  private readonly state = new Float64Array(2);
  private readonly removedIds: Float64Array;
  private readonly removedSeqs: Float64Array;
  private removedNext = 0;
  private removedStored = 0;

  constructor(capacity: number) {
    this.removedIds = new Float64Array(capacity);
    this.removedSeqs = new Float64Array(capacity);
  }

  /** The latest change number (0: none yet). */
  get seq(): number {
    return this.state[seqIndex];
  }

  /** The next change number, for an update. */
  next(): number {
    return ++this.state[seqIndex];
  }

  /** Flow `id` was removed: the removal takes the next change number. */
  removed(id: number): void {
    const seq = ++this.state[seqIndex];
    const capacity = this.removedIds.length;
    if (capacity === 0) {
      this.state[forgottenThroughIndex] = seq;
      return;
    }
    if (this.removedStored === capacity) this.state[forgottenThroughIndex] = this.removedSeqs[this.removedNext];
    else this.removedStored++;
    this.removedIds[this.removedNext] = id;
    this.removedSeqs[this.removedNext] = seq;
    this.removedNext = (this.removedNext + 1) % capacity;
  }

  /** The ids removed after change number `since`, oldest first. */
  removedSince(since: number): number[] {
    const removed: number[] = [];
    const capacity = this.removedIds.length;
    for (let i = 0; i < this.removedStored; i++) {
      const at = (this.removedNext - this.removedStored + i + capacity) % capacity;
      if (this.removedSeqs[at] > since) removed.push(this.removedIds[at]);
    }
    return removed;
  }

  /** Whether every removal after `since` is still remembered. */
  completeSince(since: number): boolean {
    return since >= this.state[forgottenThroughIndex];
  }
}
