// Noticing that the machine slept. CLOCK_MONOTONIC (performance.now) stops while the machine is
// suspended and the wall clock (Date.now) does not, so a tick that finds the wall clock ahead of
// the monotonic one by more than a few seconds follows a suspend (or a step of the wall clock, after
// which looking at the network again does no harm). Timers, which run on the monotonic clock, know
// nothing of the sleep: lifetimes that ran out meanwhile, a network that changed while the lid was
// closed, are the engine's to find out (clat-engine.ts).

const tickMs = 2000;
/** More than a tick's jitter under load, less than any sleep worth noticing. */
const jumpMs = 5000;

export class ResumeWatch {
  private timer: NodeJS.Timeout | undefined;
  private lastWallMs = 0;
  private lastMonotonicMs = 0;

  constructor(
    private readonly onResume: (sleptMs: number) => void,
    private readonly clock: { wallMs(): number; monotonicMs(): number } = { wallMs: () => Date.now(), monotonicMs: () => performance.now() },
  ) {}

  start(): void {
    this.stop();
    this.lastWallMs = this.clock.wallMs();
    this.lastMonotonicMs = this.clock.monotonicMs();
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look at the two clocks (the interval's; public for tests). */
  tick(): void {
    const wallMs = this.clock.wallMs();
    const monotonicMs = this.clock.monotonicMs();
    const sleptMs = wallMs - this.lastWallMs - (monotonicMs - this.lastMonotonicMs);
    this.lastWallMs = wallMs;
    this.lastMonotonicMs = monotonicMs;
    if (sleptMs > jumpMs) this.onResume(sleptMs);
  }
}
