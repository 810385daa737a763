// The session's uplink, watched through the kernel's events (netlink) and the RAs the host hears:
// the uplink went down, came back or moved to another network (a new /64 for the CLAT: a new
// address, the data path rebuilt); the IPv6 default route moved to another interface (a CLAT that
// follows it moves there, its changes on the old uplink undone); ingress delivery's next hop moved.
// Events come in bursts (our own setup makes many): each concern is debounced, and its work runs
// in the engine's operation queue, one at a time with everything else the engine does.

import type { HeardRa, RaCache } from '../discovery/ra-cache.js';
import { canCarryClat } from '../host/clat-address-choice.js';
import { findIpv6DefaultUplink, readUplink } from '../host/host-inspect.js';
import { formatIpv6 } from '../wire/address.js';
import { datapathOf, discovering, type Session } from './clat-session.js';
import { afInet6, type RtnetlinkEvent } from './rtnetlink-events.js';
import { fingerprintOf, mayChangeUplink } from './uplink-identity.js';
import { UplinkSubnet } from './uplink-subnet.js';
import { eventDebounceMs } from './event-debounce.js';

/** What the watch asks of the engine. */
export interface UplinkWatchEngine {
  session(): Session | null;
  /** Stops the session's data path and undoes the host changes (a failed undo: the session's error). */
  tearDownDatapath(session: Session): Promise<void>;
  /** Brings the session's data path in line with the prefix its discovery knows. */
  reconcile(session: Session): Promise<void>;
  /** Opens and starts prefix discovery on the session's (new) uplink. */
  restartDiscovery(session: Session): void;
  /** When the engine last tried to start a data path (Date.now()). */
  lastAttemptMs(): number;
  publish(): void;
  /** Runs `operation` in the engine's queue (nothing once it is shutting down). */
  enqueue(operation: () => Promise<void>): void;
  log(line: string): void;
}

/** The fingerprint of an uplink that no longer exists. */
const uplinkGone = 'gone';
/** A failed start on the same network is tried again at most this often. */
const retryMs = 2000;

export class UplinkWatch {
  private uplinkTimer: NodeJS.Timeout | undefined;
  private nextHopTimer: NodeJS.Timeout | undefined;
  private followTimer: NodeJS.Timeout | undefined;
  private staleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly raCache: RaCache,
    private readonly engine: UplinkWatchEngine,
  ) {}

  /** Schedules, debounced, what the kernel's `events` may ask of the session. */
  watch(events: readonly RtnetlinkEvent[]): void {
    const session = this.engine.session();
    if (session === null) return;
    // While the uplink is gone, a link event may be it coming back (with a new ifindex).
    const uplinkConcern = (event: RtnetlinkEvent) =>
      mayChangeUplink(event, session.uplink, session.phase.state === 'error') || (event.kind === 'link' && session.fingerprint === uplinkGone);
    if (events.some(uplinkConcern)) {
      clearTimeout(this.uplinkTimer);
      this.uplinkTimer = setTimeout(() => this.engine.enqueue(() => this.checkUplink()), eventDebounceMs);
    }
    // A CLAT that follows the IPv6 default route looks again when a link or an IPv6 default route
    // changes, or an IPv6 address (the one that makes the default route's interface usable).
    const followConcern = (event: RtnetlinkEvent) =>
      event.kind === 'link' || (event.kind === 'route' && event.family === afInet6 && event.destinationLength === 0) || (event.kind === 'address' && event.family === afInet6);
    if (session.followsDefaultRoute && events.some(followConcern)) {
      clearTimeout(this.followTimer);
      this.followTimer = setTimeout(() => this.engine.enqueue(() => this.followDefaultRoute()), eventDebounceMs);
    }
    // Ingress delivery names its next hop in its rules: a route of the uplink's that another router
    // gives, or any route of the uplink's going away, may move it (a router refreshing its own
    // default route, which every RA does, does not).
    // While a data path is still starting (none yet), its next hop is not known: look once it is.
    const datapath = datapathOf(session);
    const followsRoutes = datapath === null || datapath.nextHop !== undefined;
    if (followsRoutes && events.some((event) => mayMoveNextHop(event, session.uplink.ifindex, datapath?.nextHop))) {
      clearTimeout(this.nextHopTimer);
      this.nextHopTimer = setTimeout(() => this.engine.enqueue(async () => {
        if (this.engine.session() === session) await datapathOf(session)?.followRoute((line) => this.engine.log(line));
      }), eventDebounceMs);
    }
  }

  /**
   * An RA offering a /64 on the uplink the CLAT is not in (a new network; or the old one named again
   * after a link loss): look at once rather than after the address events' debounce, so that the
   * CLAT proves its address while the kernel proves its own (core/host/clat-subnet.ts).
   */
  raHeard(ra: HeardRa): void {
    const session = this.engine.session();
    const offered = ra.slaacPrefixes ?? [];
    if (session === null || ra.ifindex !== session.uplink.ifindex || offered.length === 0) return;
    if (session.phase.state === 'running' && offered.some((option) => option.prefix === session.subnet.current)) return;
    clearTimeout(this.uplinkTimer);
    this.engine.enqueue(() => this.checkUplink());
  }

  stop(): void {
    clearTimeout(this.uplinkTimer);
    clearTimeout(this.nextHopTimer);
    clearTimeout(this.followTimer);
    clearTimeout(this.staleTimer);
  }

  /** The uplink went down, came back, or moved to another network: rebuild what depends on it. */
  async checkUplink(): Promise<void> {
    const session = this.engine.session();
    if (session === null) return;
    const uplink = await readUplink(session.uplinkName);
    const lookAgainMs = session.subnet.noteLink(uplink.ok && uplink.value.up, session.uplink);
    if (lookAgainMs !== null) {
      clearTimeout(this.staleTimer);
      this.staleTimer = setTimeout(() => this.engine.enqueue(() => this.checkUplink()), lookAgainMs);
    }
    const subnet = uplink.ok ? session.subnet.choose(uplink.value) : null;
    const fingerprint = uplink.ok ? fingerprintOf(uplink.value, subnet) : uplinkGone;
    if (fingerprint === session.fingerprint) {
      // Same network, but the last attempt failed (say, the address was still tentative): try again,
      // at most every retryMs, since each attempt's own DAD probe makes address events too.
      if (session.phase.state === 'error' && uplink.ok && uplink.value.up && Date.now() - this.engine.lastAttemptMs() >= retryMs) {
        this.engine.log(`retrying on ${session.uplinkName} after: ${session.phase.cause}`);
        session.phase = discovering;
        await this.engine.reconcile(session);
      }
      return;
    }
    const what = !uplink.ok ? 'gone' : !uplink.value.up ? 'down' : subnet === null ? 'up, no /64 yet' : `new network: ${subnet}/64`;
    this.engine.log(`uplink ${session.uplinkName} changed (${what}): reconfiguring`);
    session.fingerprint = fingerprint;
    session.subnet.current = subnet;
    session.waitingFor = null;
    await this.engine.tearDownDatapath(session);
    session.phase = discovering;
    if (uplink.ok) {
      session.uplink = uplink.value;
      session.discovery.changeUplink(uplink.value.ifindex);
      // A new network: ask its routers at once rather than wait for their next periodic RA.
      if (uplink.value.up) session.discovery.solicit();
      if (uplink.value.up) await this.engine.reconcile(session);
    }
    this.engine.publish();
  }

  /**
   * The interface of the IPv6 default route changed (an interface lost, another plugged in, a
   * resume on another network): the CLAT moves there, its changes on the old uplink undone.
   */
  async followDefaultRoute(): Promise<void> {
    const session = this.engine.session();
    if (session === null || !session.followsDefaultRoute) return;
    const found = await findIpv6DefaultUplink();
    // No IPv6 default route at all: stay, and let the uplink's own events say when it is back.
    if (!found.ok || found.value === session.uplinkName) return;
    const uplink = await readUplink(found.value);
    // Not before the new uplink can carry a CLAT: a default route learnt from an RA may come before the
    // /64 the same RA gives (the kernel's address there, or the RA itself, heard by the raw socket).
    // Moving then would tear down a CLAT that works on the old uplink for one that cannot start yet;
    // the address's event brings the engine back here.
    if (!uplink.ok || !uplink.value.up || !canCarryClat(uplink.value, new UplinkSubnet(this.raCache).choose(uplink.value))) return;
    this.engine.log(`the IPv6 default route moved from ${session.uplinkName} to ${found.value}: moving the CLAT there`);
    await this.engine.tearDownDatapath(session);
    session.discovery.stop();
    session.uplinkName = uplink.value.name;
    session.uplink = uplink.value;
    session.subnet = new UplinkSubnet(this.raCache);
    session.subnet.current = session.subnet.choose(uplink.value);
    session.fingerprint = fingerprintOf(uplink.value, session.subnet.current);
    session.phase = discovering;
    this.engine.restartDiscovery(session);
    await this.engine.reconcile(session);
    this.engine.publish();
  }
}

/**
 * True when a route event may change the next hop of ingress delivery (an IPv6 route that could
 * cover the NAT64 prefix); `nextHop` undefined: not known yet (the data path is starting).
 */
function mayMoveNextHop(event: RtnetlinkEvent, uplinkIfindex: number, nextHop: string | null | undefined): boolean {
  if (event.kind !== 'route' || event.family !== afInet6 || event.destinationLength > 96) return false;
  if (!event.added) return event.oif === uplinkIfindex || event.oif === 0;
  if (event.oif !== uplinkIfindex) return false;
  if (nextHop === undefined) return true;
  const gateway = event.gateway === null ? null : formatIpv6(event.gateway);
  return gateway !== nextHop;
}
