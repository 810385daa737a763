// Router Solicitations on demand (RFC 4861 §6.3.7): when the CLAT is turned on, or its uplink
// changes, ask the link's routers for an RA instead of waiting for the next periodic one, which on
// networks with radvd's defaults comes every 200 to 600 s (up to 1800 s by RFC 4861 §6.2.1).
//
// Lifecycle of a burst: start(ifindex) sends the first solicitation at once, then one every
// RTR_SOLICITATION_INTERVAL (4 s), at most MAX_RTR_SOLICITATIONS (3) in all (RFC 4861 §10); the
// burst ends early when an RA arrives on that interface (heard(): "desist from sending additional
// solicitations", §6.3.7), or on stop(). The random delay of up to MAX_RTR_SOLICITATION_DELAY before
// the first one is left out: §6.3.7 asks for it against a whole link of hosts starting at once, and
// says a host that already delayed since the interface came up (its duplicate address detection)
// need not delay again; a CLAT turned on runs on an uplink that is up and has its addresses. Timers
// are unref'd.

/** Sends one Router Solicitation out of interface `ifindex`: null when sent, else why not. */
export type SendRouterSolicitation = (ifindex: number) => string | null;

export interface RouterSolicitationTiming {
  /** MAX_RTR_SOLICITATIONS. */
  readonly count: number;
  /** RTR_SOLICITATION_INTERVAL. */
  readonly intervalMs: number;
}

/** RFC 4861 §10. */
export const rfc4861SolicitationTiming: RouterSolicitationTiming = { count: 3, intervalMs: 4_000 };

/**
 * A solicitation the kernel refused to send (a link just back has no route to ff02::2 yet) put
 * nothing on the wire: it is tried again soon, and not counted among the three, for a while.
 */
const unsentRetryMs = 250;
const unsentRetries = 20;

export class RouterSolicitations {
  #ifindex: number | null = null;
  #sent = 0;
  #unsent = 0;
  #failed = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: SendRouterSolicitation,
    private readonly log: (line: string) => void,
    private readonly timing: RouterSolicitationTiming = rfc4861SolicitationTiming,
  ) {}

  /** The interface a burst is under way on; null: none. */
  get soliciting(): number | null {
    return this.#ifindex;
  }

  /** Starts a burst on `ifindex`; one already under way on it goes on as it was (no extra solicitations). */
  start(ifindex: number): void {
    if (this.#ifindex === ifindex) return;
    this.stop();
    this.#ifindex = ifindex;
    this.#sent = 0;
    this.#unsent = 0;
    this.#failed = false;
    this.#sendOne();
  }

  /** An RA arrived on `ifindex`. */
  heard(ifindex: number): void {
    if (ifindex === this.#ifindex) this.stop();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#ifindex = null;
  }

  #sendOne(): void {
    const ifindex = this.#ifindex;
    if (ifindex === null) return;
    const error = this.send(ifindex);
    if (error !== null && !this.#failed) {
      // Once per burst: a link that is down fails every time.
      this.#failed = true;
      this.log(`Router Solicitation not sent: ${error}`);
    }
    if (error !== null && this.#unsent < unsentRetries) {
      this.#unsent++;
      this.#timer = setTimeout(() => this.#sendOne(), unsentRetryMs);
      this.#timer.unref();
      return;
    }
    this.#sent++;
    if (this.#sent >= this.timing.count) {
      this.stop();
      return;
    }
    this.#timer = setTimeout(() => this.#sendOne(), this.timing.intervalMs);
    this.#timer.unref();
  }
}
