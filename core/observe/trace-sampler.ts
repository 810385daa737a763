// Bounds one subscriber's live trace to what a person and a UI redrawing at most 60 times a second
// can use: at most `perSecond` pairs in any one-second window, and, so that a burst is shown
// spread over the second rather than all at its start, at most a tenth of that (rounded up) in any
// tenth of a second. The pairs it turns away are counted, so each batch can say "skipped 1234".
//
// Sliding windows over the times of the pairs it let through (kept in two small rings), on the
// pairs' own clock: the bound holds whenever the subscriber polls, and a quiet stream (a ping a
// second) passes untouched, the first pair included, which a token bucket starting empty would not.

/** Above this a live view shows nothing a person can follow; it bounds the rings' memory too. */
export const maxTracePairsPerSecond = 100_000;
/** The finer window: a tenth of a second. */
const spreadWindows = 10;

export class TraceSampler {
  private readonly second: SlidingWindow;
  private readonly tenth: SlidingWindow;
  private skippedSinceTake = 0;
  /** Matching pairs turned away since the sampler was made. */
  skippedTotal = 0;

  /** @param perSecond pairs a second at most (an integer from 0 to maxTracePairsPerSecond) */
  constructor(readonly perSecond: number) {
    if (!Number.isInteger(perSecond) || perSecond < 0 || perSecond > maxTracePairsPerSecond) {
      throw new RangeError(`trace sampler: ${perSecond} pairs a second is not an integer from 0 to ${maxTracePairsPerSecond}`);
    }
    this.second = new SlidingWindow(perSecond, 1000);
    this.tenth = new SlidingWindow(Math.ceil(perSecond / spreadWindows), 1000 / spreadWindows);
  }

  /** Whether a matching pair handled at `atMs` goes to the subscriber; counts it when not. */
  admit(atMs: number): boolean {
    if (this.second.hasRoom(atMs) && this.tenth.hasRoom(atMs)) {
      this.second.add(atMs);
      this.tenth.add(atMs);
      return true;
    }
    this.skippedSinceTake++;
    this.skippedTotal++;
    return false;
  }

  /** Pairs turned away since the last call (for the next batch to report). */
  takeSkipped(): number {
    const skipped = this.skippedSinceTake;
    this.skippedSinceTake = 0;
    return skipped;
  }
}

/** At most `limit` times within any `windowMs`: the times let through, in a ring of `limit`. */
class SlidingWindow {
  private readonly times: Float64Array;
  private next = 0;
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    this.times = new Float64Array(limit);
  }

  /** Room for one more at `atMs`: fewer than `limit` so far, or the limit-th latest is a window old. */
  hasRoom(atMs: number): boolean {
    if (this.limit === 0) return false;
    if (this.count < this.limit) return true;
    return this.times[this.next] <= atMs - this.windowMs;
  }

  add(atMs: number): void {
    this.times[this.next] = atMs;
    this.next = this.next + 1 === this.limit ? 0 : this.next + 1;
    if (this.count < this.limit) this.count++;
  }
}
