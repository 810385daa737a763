// Auto mode (`clatter engine --mode auto`): the engine brings the CLAT up by itself when the host
// has IPv6 and no native IPv4 default route, and down when native IPv4 appears (RFC 6877 §6.3: the
// CLAT is for IPv6-only access). Native IPv4 is judged per route (core/host/native-ipv4.ts), and the
// reason the CLAT is on or off is kept for the status. It looks again on the network events that may
// change the answer, debounced, and after a resume; the engine runs each look in its operation queue.

import type { ApiError } from '../api/messages.js';
import { findIpv6DefaultUplink } from '../host/host-inspect.js';
import { judgeIpv4DefaultRoutes } from '../host/native-ipv4.js';
import { afInet, afInet6, type RtnetlinkEvent } from './rtnetlink-events.js';
import { eventDebounceMs } from './event-debounce.js';

/** What auto mode asks of the engine. */
export interface AutoModeEngine {
  /** The CLAT's session, if it is up: whether it was forced over native IPv4. */
  session(): { readonly force: boolean } | null;
  /** Up on the interface of the IPv6 default route (no uplink named: it follows that route). */
  bringUp(): Promise<{ ok: true } | { ok: false; error: ApiError }>;
  takeDown(reason: string): Promise<void>;
  publish(): void;
  /** Runs `operation` in the engine's queue (nothing once it is shutting down). */
  enqueue(operation: () => Promise<void>): void;
  log(line: string): void;
}


export class AutoMode {
  /** Why auto mode has the CLAT on or off (shown in status); undefined: it has not said. */
  reason: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** The CLAT's own TUN, whose default route is not native IPv4. */
    private readonly tunName: string,
    private readonly engine: AutoModeEngine,
  ) {}

  /**
   * Looks again, after the debounce, when `events` may have changed native IPv4 or (while the CLAT
   * is off) the IPv6 uplink: IPv4 default routes, links and IPv4 addresses (a link set down or its
   * address removed takes its routes without a route event); and, while off, IPv6 default routes.
   */
  watch(events: readonly RtnetlinkEvent[]): void {
    const off = this.engine.session() === null;
    const concerns = (event: RtnetlinkEvent) =>
      event.kind === 'link' ||
      (event.kind === 'address' && event.family === afInet) ||
      (event.kind === 'route' && event.destinationLength === 0 && (event.family === afInet || (event.family === afInet6 && off)));
    if (!events.some(concerns)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.engine.enqueue(() => this.check()), eventDebounceMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** Brings the CLAT up or down as the host's native IPv4 and IPv6 default route say. */
  async check(): Promise<void> {
    const judged = await judgeIpv4DefaultRoutes(this.tunName);
    if (!judged.ok) return;
    const native = judged.value.filter((judgement) => judgement.native).map((judgement) => judgement.route);
    const notCounted = judged.value.flatMap((judgement) => (judgement.native || judgement.why === "the CLAT's own" ? [] : [`${judgement.route}: ${judgement.why}`]));
    const aside = notCounted.length > 0 ? `; not native IPv4: ${notCounted.join('; ')}` : '';
    const session = this.engine.session();
    if (session !== null) {
      if (native.length > 0 && !session.force) {
        this.reason = `off: the host has native IPv4 (${native.join('; ')})`;
        await this.engine.takeDown(`native IPv4 appeared (${native.join('; ')})`);
      } else {
        this.reason = native.length > 0 ? `on: forced over native IPv4 (${native.join('; ')})` : `on: no native IPv4${aside}`;
        this.engine.publish();
      }
      return;
    }
    if (native.length > 0) {
      this.reason = `off: the host has native IPv4 (${native.join('; ')})`;
      this.engine.publish();
      return;
    }
    const uplink = await findIpv6DefaultUplink();
    if (!uplink.ok) {
      this.reason = `off: no IPv6 default route${aside}`;
      this.engine.publish();
      return;
    }
    const before = this.reason;
    this.reason = `on: no native IPv4${aside}`;
    const started = await this.engine.bringUp();
    if (!started.ok) {
      this.reason = `off: ${started.error.message}`;
      // Said once, not again at every network event while it stays so (another CLAT stays running).
      if (this.reason !== before) this.engine.log(`auto mode: ${started.error.message}`);
      this.engine.publish();
    }
  }
}
