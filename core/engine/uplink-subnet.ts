// The /64 a session's CLAT takes its address in, over time: what core/host/clat-subnet.ts chooses
// from the offers of the moment, plus the memory that choice needs. The RA cache says which /64s the
// uplink's RAs offered since it last gained its link; this keeps the /64 the CLAT is in and the
// stale ones: those the uplink had when it lost its link (the kernel keeps SLAAC addresses through a
// carrier loss, and the network may be another when the link is back), until an RA names them
// again, or for staleGraceMs at most once the link is back (a network whose routers stay silent).

import type { RaCache } from '../discovery/ra-cache.js';
import { chooseClatSubnet, uplinkSubnets } from '../host/clat-subnet.js';
import type { Uplink } from '../host/host-inspect.js';

/** How long after a link comes back a /64 of before its loss waits for an RA to name it. */
export const staleGraceMs = 5000;

export class UplinkSubnet {
  /** The /64 the CLAT's address is in; null: none chosen yet. */
  current: string | null = null;
  #stale: { readonly subnets: ReadonlySet<string>; untilMs: number } | null = null;

  constructor(
    private readonly raCache: RaCache,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The /64 for the CLAT on `uplink` now, from what it and its RAs offer (current is not changed). */
  choose(uplink: Uplink): string | null {
    return chooseClatSubnet({ current: this.current, announced: this.raCache.slaacPrefixes(uplink.ifindex, this.nowMs()), ...uplinkSubnets(uplink), stale: this.stale() });
  }

  /** The /64s of before the last link loss that still wait for an RA to name them. */
  stale(): ReadonlySet<string> {
    return this.#stale !== null && this.nowMs() < this.#stale.untilMs ? this.#stale.subnets : new Set();
  }

  /**
   * The uplink's link state as last read (`last`: the uplink as read before, while linked). Returns
   * the delay after which to look again when the link has just come back with stale /64s; else null.
   */
  noteLink(linked: boolean, last: Uplink): number | null {
    if (!linked) {
      const { usable, tentative } = uplinkSubnets(last);
      const own = [...usable, ...tentative, ...(this.current === null ? [] : [this.current])];
      this.#stale = { subnets: new Set([...this.stale(), ...own]), untilMs: Number.POSITIVE_INFINITY };
      return null;
    }
    if (this.#stale?.untilMs !== Number.POSITIVE_INFINITY) return null;
    this.#stale.untilMs = this.nowMs() + staleGraceMs;
    return staleGraceMs;
  }
}
