// The CLAT's life in the engine: off → discovering → running, and back, driven by `up`/`down`,
// by the NAT64 prefix discovery (core/discovery), and by the kernel's own events about the uplink
// (netlink). Operations run one at a time, in order (a promise chain), so a prefix change arriving
// during `down` cannot half-configure the host.
//
//   up ──> discovering ──(prefix known)──> running ──(prefix changed)──> running (new translator)
//              ^  └─(error)─> error            │
//              └────(prefix gone, uplink down or renumbered: data path torn down)
//   down, from any state ──> off, with every host change undone (core/host/journal.ts)
//
// In auto mode the engine brings the CLAT up by itself when the host has IPv6 and no native IPv4
// default route, and down when native IPv4 appears (auto-mode.ts); status says why it is on or off.
//
// One uplink at a time. Without one named, the CLAT follows the interface of the IPv6 default route:
// Wi-Fi lost and Ethernet plugged moves it there (a new CLAT address, the old uplink's changes
// undone), as it does after a resume (resume-watch.ts), when the machine may wake on another network.
// The uplink's events are watched by uplink-watch.ts; the session and its phase are clat-session.ts.

import type { UpParams, ApiError } from '../api/messages.js';
import type { ClatStatus, DeliveryMode } from '../api/status.js';
import { DiscoveryService } from '../discovery/node/discovery-service.js';
import { linkResolverLookup } from '../discovery/node/link-resolver-lookup.js';
import type { Ipv4onlyArpaQuery } from '../discovery/dns-outcome.js';
import { parseNat64Prefix } from '../discovery/nat64-prefix.js';
import { toPrefixInfo } from '../discovery/prefix-state.js';
import { RaCache } from '../discovery/ra-cache.js';
import { ClatAddressChoice } from '../host/clat-address-choice.js';
import { findIpv6DefaultUplink, readUplink, type Uplink } from '../host/host-inspect.js';
import { nativeIpv4DefaultRoutes } from '../host/native-ipv4.js';
import { refuseBlockedPath } from '../host/firewall-inspect.js';
import { findOtherClats } from '../host/other-clats.js';
import { HostSetup } from '../host/host-setup.js';
import { HostJournal } from '../host/journal.js';
import type { NativeAddon } from '../tun/native-addon.js';
import type { Ipv6Prefix } from '../wire/address.js';
import { AutoMode, type AutoModeEngine } from './auto-mode.js';
import { datapathOf, discovering, type Session } from './clat-session.js';
import { counterSummary } from './counters.js';
import { Datapath } from './datapath.js';
import { HealthWatch, healthContextOf } from './health-watch.js';
import { netlinkNetfilter, NetlinkSubscription, nfnetlinkGroup, rtnlGroup } from './netlink-subscription.js';
import { Monitor } from './monitor.js';
import { Observatory } from './observatory.js';
import { RaSocket } from './ra-socket.js';
import { ResumeWatch } from './resume-watch.js';
import { watchRouterAdvertisements } from './ra-watch.js';
import { routerSolicitationSender } from './router-solicitation-sender.js';
import { rtnetlinkEvents } from './rtnetlink-events.js';
import { fingerprintOf } from './uplink-identity.js';
import { UplinkSubnet } from './uplink-subnet.js';
import { UplinkWatch, type UplinkWatchEngine } from './uplink-watch.js';
import { eventDebounceMs } from './event-debounce.js';

export interface EngineOptions {
  readonly stateDir: string;
  /** Name of the CLAT's TUN device. */
  readonly tunName: string;
  readonly mode: 'manual' | 'auto';
  readonly addon: NativeAddon;
  readonly log: (line: string) => void;
  /** RFC 7050 query; default: through the host's resolver. */
  readonly queryDns?: Ipv4onlyArpaQuery;
  /** How long `up` waits for the CLAT to be running before answering "discovering". */
  readonly upWaitMs?: number;
  /**
   * How IPv6 packets for the CLAT address reach the engine; 'auto': ingress where nftables is,
   * otherwise force-forwarding where the kernel has it, otherwise packet-socket.
   */
  readonly delivery?: DeliveryMode | 'auto';
  /** TUN offloads (TSO, USO, partial checksums) where the delivery mode allows them; default on. */
  readonly offload?: boolean;
  /** Worker threads that translate, one per TUN queue; default 0 (the main thread). */
  readonly workers?: number;
  /** Translate RFC 1918 destinations under 64:ff9b::/96 (draft-ietf-v6ops-nat64-wkp-1918); default off. */
  readonly allowPrivateWkp?: boolean;
}

type UpResult = { ok: true; result: ClatStatus } | { ok: false; error: ApiError };


export class ClatEngine {
  /** Counters and rates: everything the UI shows of the traffic in numbers. */
  readonly observatory = new Observatory();
  /** Flows, programs, traces and the dependency report. */
  readonly monitor: Monitor;
  /** Whether replies arrive through the running CLAT (the running status's `health`). */
  readonly health: HealthWatch;
  /** The interfaces of the last data path, to name an export's capture interfaces after. */
  lastInterfaces = { ipv4: 'clat', ipv6: 'uplink' };
  private readonly journal: HostJournal;
  private readonly hostSetup: HostSetup;
  /** The CLAT's address on an uplink, and its delivery mode. */
  private readonly addressChoice: ClatAddressChoice;
  /** What every RA the host heard said (PREF64, RDNSS), CLAT on or off: `up` uses it at once. */
  private readonly raCache = new RaCache();
  private raWatch: { close(): void } | null = null;
  private readonly listeners = new Set<(status: ClatStatus) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private session: Session | null = null;
  private offReason: string | undefined;
  private netlink: NetlinkSubscription | null = null;
  /** nftables rule set changes (someone's `flush ruleset` takes our tables along). */
  private rulesetEvents: NetlinkSubscription | null = null;
  private rulesetTimer: NodeJS.Timeout | undefined;
  private readonly resumeWatch: ResumeWatch;
  /** Null in manual mode. */
  private readonly auto: AutoMode | null;
  private readonly uplinkWatch: UplinkWatch;
  private lastStatusJson = '';
  private lastAttemptMs = 0;
  /** shutdown() has begun: network events start nothing any more. */
  private closing = false;

  constructor(private readonly options: EngineOptions) {
    this.journal = new HostJournal(options.stateDir);
    this.hostSetup = new HostSetup(this.journal, options.log);
    this.addressChoice = new ClatAddressChoice(this.hostSetup, options.stateDir, options.delivery ?? 'auto', options.log);
    this.monitor = new Monitor(this.observatory, { addon: options.addon });
    this.resumeWatch = new ResumeWatch((sleptMs) => this.enqueueEvent(() => this.resumed(sleptMs)));
    this.uplinkWatch = new UplinkWatch(this.raCache, this.uplinkWatchEngine());
    this.auto = options.mode === 'auto' ? new AutoMode(options.tunName, this.autoModeEngine()) : null;
    this.health = new HealthWatch(this.observatory, { running: () => healthContextOf(this.status()), onChange: () => this.publish(), log: options.log });
  }

  /** Undoes what a crashed run left, then listens to the kernel's network events. */
  async start(): Promise<{ ok: true } | { ok: false; error: string }> {
    const leftovers = this.journal.pending();
    if (leftovers.length > 0) {
      this.options.log(`undoing ${leftovers.length} host changes left by a previous run`);
      await this.hostSetup.undo();
    }
    const opened = NetlinkSubscription.open(this.options.addon, [rtnlGroup.link, rtnlGroup.ipv4Ifaddr, rtnlGroup.ipv6Ifaddr, rtnlGroup.ipv4Route, rtnlGroup.ipv6Route, rtnlGroup.ipv6Ifinfo, rtnlGroup.ndUserOpt]);
    if (!opened.ok) return opened;
    this.netlink = opened.subscription;
    this.netlink.onMessage((datagram) => this.onNetlink(datagram));
    const rulesets = NetlinkSubscription.open(this.options.addon, [nfnetlinkGroup.nftables], netlinkNetfilter);
    if (rulesets.ok) {
      this.rulesetEvents = rulesets.subscription;
      this.rulesetEvents.onMessage(() => this.onRulesetChange());
    } else {
      this.options.log(`not watching nftables rule set changes: ${rulesets.error}`);
    }
    this.raWatch = watchRouterAdvertisements(this.options.addon, this.netlink, this.raCache, this.options.log, (ra) => {
      if (!this.closing) this.uplinkWatch.raHeard(ra);
    });
    const auto = this.auto;
    if (auto !== null) void this.enqueue(() => auto.check());
    this.observatory.start();
    this.resumeWatch.start();
    return { ok: true };
  }

  onStatus(listener: (status: ClatStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): ClatStatus {
    const status = this.sessionStatus();
    const reason = this.auto?.reason;
    return reason === undefined ? status : { ...status, auto: reason };
  }

  private sessionStatus(): ClatStatus {
    const mode = this.options.mode;
    const session = this.session;
    if (session === null) return this.offReason === undefined ? { state: 'off', mode } : { state: 'off', mode, reason: this.offReason };
    const phase = session.phase;
    if (phase.state === 'error') return { state: 'error', mode, cause: phase.cause, uplink: session.uplinkName };
    if (phase.state === 'discovering' || phase.prefix === null) return { state: 'discovering', mode, uplink: session.uplinkName, sinceMs: session.sinceMs };
    const datapath = phase.datapath;
    const unobserved = (datapath.info.workers ?? 0) > 0 ? { unobserved: datapath.unobserved } : {};
    return { state: 'running', mode, ...datapath.info, ...unobserved, prefix: phase.prefix, sinceMs: session.sinceMs, counters: counterSummary(this.observatory.counters), health: this.health.health() };
  }

  up(params: UpParams): Promise<UpResult> {
    return this.enqueue(() => this.bringUp(params)).then(async (started) => {
      if (!started.ok) return started;
      return { ok: true, result: await this.settled() };
    });
  }

  down(reason?: string): Promise<ClatStatus> {
    return this.enqueue(async () => {
      // Turned off by hand: auto mode's last word ("on: …") no longer describes it.
      if (reason === undefined && this.auto !== null) this.auto.reason = undefined;
      await this.takeDown(reason);
      return this.status();
    });
  }

  /** Down, and stop listening: the engine is exiting. */
  async shutdown(): Promise<void> {
    // First stop hearing the network: the CLAT's own teardown makes link and route events, and an
    // auto mode that acted on them would bring the CLAT back while the engine exits.
    this.closing = true;
    this.uplinkWatch.stop();
    this.auto?.stop();
    clearTimeout(this.rulesetTimer);
    this.resumeWatch.stop();
    this.rulesetEvents?.close();
    this.rulesetEvents = null;
    this.raWatch?.close();
    await this.down();
    this.netlink?.close();
    this.netlink = null;
    this.observatory.stop();
    this.monitor.close();
    this.health.close();
  }

  /** Work a network event asks for, in the queue; none once the engine is shutting down. */
  private enqueueEvent(operation: () => Promise<void>): void {
    if (this.closing) return;
    void this.enqueue(async () => {
      if (!this.closing) await operation();
    });
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(operation, operation);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private publish(): void {
    const status = this.status();
    // Counters change with every packet: announce changes of state, not of traffic.
    const json = JSON.stringify({ ...status, counters: undefined });
    if (json === this.lastStatusJson) return;
    this.lastStatusJson = json;
    for (const listener of this.listeners) listener(status);
  }

  /** Resolves when the CLAT is running or failed, or after upWaitMs with it still discovering. */
  private settled(): Promise<ClatStatus> {
    const current = this.status();
    if (current.state !== 'discovering') return Promise.resolve(current);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stop();
        resolve(this.status());
      }, this.options.upWaitMs ?? 10_000);
      const stop = this.onStatus((status) => {
        if (status.state === 'discovering') return;
        clearTimeout(timer);
        stop();
        resolve(status);
      });
    });
  }

  private async bringUp(params: UpParams): Promise<{ ok: true } | { ok: false; error: ApiError }> {
    if (this.session !== null) return { ok: false, error: { code: 'already-up', message: `the CLAT is already ${this.status().state} on ${this.session.uplinkName}; run clatter down first` } };
    let manualPrefix: Ipv6Prefix | null = null;
    if (params.prefix !== undefined) {
      const checked = parseNat64Prefix(params.prefix);
      if (!checked.ok) return { ok: false, error: { code: 'bad-prefix', message: `--prefix: ${checked.error}` } };
      manualPrefix = checked.prefix;
    }
    let uplinkName = params.uplink;
    if (uplinkName === undefined) {
      const found = await findIpv6DefaultUplink();
      if (!found.ok) return { ok: false, error: { code: 'no-ipv6', message: found.error } };
      uplinkName = found.value;
    }
    const uplink = await readUplink(uplinkName);
    if (!uplink.ok) return { ok: false, error: { code: 'unknown-uplink', message: uplink.error } };
    const native = await nativeIpv4DefaultRoutes(this.options.tunName);
    if (!native.ok) return { ok: false, error: { code: 'internal', message: native.error } };
    // Two CLATs would both claim 192.0.0.1 and the IPv4 default route (RFC 7335 gives a host one).
    const others = await findOtherClats(this.options.tunName);
    if (others.length > 0) {
      return { ok: false, error: { code: 'other-clat', message: `another CLAT runs on this host (${others.map((other) => other.name).join('; ')}): stop it first` } };
    }
    if (native.value.length > 0 && params.force !== true) {
      return {
        ok: false,
        error: { code: 'native-ipv4', message: `this host has native IPv4 (${native.value.join('; ')}): a CLAT is not needed. Use --force to take the IPv4 default route anyway` },
      };
    }
    const subnet = new UplinkSubnet(this.raCache);
    subnet.current = subnet.choose(uplink.value);
    const session: Session = {
      uplinkName,
      followsDefaultRoute: params.uplink === undefined,
      force: params.force === true,
      manualPrefix,
      discovery: this.openDiscovery(uplink.value, manualPrefix),
      sinceMs: Date.now(),
      uplink: uplink.value,
      fingerprint: fingerprintOf(uplink.value, subnet.current),
      subnet,
      waitingFor: null,
      phase: discovering,
    };
    this.session = session;
    this.offReason = undefined;
    this.startDiscovery(session);
    this.options.log(`CLAT up on ${uplinkName}: discovering the NAT64 prefix`);
    this.publish();
    // A manual prefix (or a known one) is there at once: reconcile now rather than on a change; else
    // reconcile proves the CLAT's address while the routers answer the solicitation.
    await this.reconcile(session);
    return { ok: true };
  }

  /**
   * NAT64 prefix discovery on one uplink. RAs reach it two ways: the kernel's relay of the options
   * it parsed (netlink), and a raw socket for hosts where NetworkManager or systemd-networkd parse
   * RAs instead of the kernel.
   */
  private openDiscovery(uplink: Uplink, manualPrefix: Ipv6Prefix | null): DiscoveryService {
    const raSocket = RaSocket.open(this.options.addon, uplink.name);
    if (!raSocket.ok) this.options.log(`RAs only through the kernel: ${raSocket.error}`);
    return new DiscoveryService({
      uplinkIfindex: uplink.ifindex,
      ndUserOpts: this.netlink?.share() ?? null,
      raPackets: raSocket.ok ? raSocket.socket : null,
      manualPrefix,
      raCache: this.raCache,
      sendRouterSolicitation: routerSolicitationSender(this.options.addon),
      linkResolvers: linkResolverLookup(),
      log: this.options.log,
      ...(this.options.queryDns !== undefined ? { queryDns: this.options.queryDns } : {}),
    });
  }

  /** Starts the session's discovery, whose changes concern only this session and this discovery. */
  private startDiscovery(session: Session): void {
    const discovery = session.discovery;
    const current = () => this.session === session && session.discovery === discovery;
    discovery.onPrefixChange(() => void this.enqueue(async () => {
      if (current()) await this.reconcile(session);
    }));
    discovery.onStatusChange((prefix) => {
      if (!current()) return;
      if (session.phase.state === 'running') session.phase = { ...session.phase, prefix: toPrefixInfo(prefix) };
      this.publish();
    });
    discovery.start();
  }

  /** Brings the data path in line with the prefix discovery knows. */
  private async reconcile(session: Session): Promise<void> {
    if (this.session !== session) return;
    const current = session.discovery.current;
    if (current.state !== 'known') {
      if (session.phase.state === 'running') {
        this.options.log('the NAT64 prefix is gone: stopping translation until one is known again');
        await this.tearDownDatapath(session);
      } else if (session.subnet.current !== null && session.uplink.up) {
        // DAD of the CLAT's address (1 s) while the prefix is awaited (a new network's PREF64 may come
        // in an RA of its own, or by DNS64): the data path takes the proved address when it comes.
        this.publish();
        await this.addressChoice.choose(session.uplink, session.subnet.current);
      }
      this.publish();
      return;
    }
    if (session.phase.state === 'running') {
      const before = session.phase.prefix;
      session.phase.datapath.setPrefix(current.prefix);
      const prefix = toPrefixInfo(current);
      session.phase = { ...session.phase, prefix };
      // Said when it changes: the same prefix confirmed (a cached and a heard PREF64 in a row) is no news.
      if (before?.prefix !== prefix.prefix || before?.source !== prefix.source) {
        this.options.log(`NAT64 prefix now ${prefix.prefix} (${current.source})`);
      }
      this.publish();
      return;
    }
    this.lastAttemptMs = Date.now();
    const started = await this.startDatapath(session, current.prefix);
    if (!started.ok && started.waiting === true) {
      // Said once while it stays so: every address event of the link comes back here.
      if (session.waitingFor !== started.error) this.options.log(`${session.uplinkName}: ${started.error}`);
      session.waitingFor = started.error;
    } else if (!started.ok) {
      session.phase = { state: 'error', cause: started.error };
      this.options.log(`CLAT failed: ${started.error}`);
      await this.hostSetup.undo();
    } else {
      const prefix = toPrefixInfo(current);
      session.phase = { state: 'running', datapath: started.datapath, prefix };
      session.waitingFor = null;
      const info = started.datapath.info;
      this.options.log(
        `CLAT running: ${info.clatIpv4} ↔ ${info.clatIpv6} via ${prefix.prefix} (${current.source}); ` +
          `address proved in ${started.addressMs} ms (DAD), data path up in ${started.datapathMs} ms`,
      );
    }
    this.publish();
  }

  /** Starts the data path; `waiting`: not a failure, the uplink offers no /64 yet (stale ones wait for an RA). */
  private async startDatapath(
    session: Session,
    prefix: Ipv6Prefix,
  ): Promise<{ ok: true; datapath: Datapath; addressMs: number; datapathMs: number } | { ok: false; error: string; waiting?: true }> {
    const uplink = await readUplink(session.uplinkName);
    if (!uplink.ok) return uplink;
    if (!uplink.value.up) return { ok: false, error: `${session.uplinkName} is down` };
    session.uplink = uplink.value;
    const subnet = (session.subnet.current = session.subnet.choose(uplink.value));
    session.fingerprint = fingerprintOf(uplink.value, subnet);
    // No /64 yet on a link that just came back: its RA (solicited) is on its way; not a failure.
    if (subnet === null && session.subnet.stale().size > 0) {
      return { ok: false, waiting: true, error: "waiting for the network's RA: the /64s of before the link loss may be another network's" };
    }
    if (subnet === null && uplink.value.globalIpv6.length === 0 && uplink.value.tentativeIpv6.length === 0) {
      return { ok: false, waiting: true, error: "waiting for the network's RA: no IPv6 address on the link yet" };
    }
    const choosingMs = Date.now();
    const chosen = await this.addressChoice.choose(uplink.value, subnet);
    if (!chosen.ok) return chosen;
    const startingMs = Date.now();
    const { address, delivery } = chosen;
    // A firewall that certainly drops this mode's packets: say so, naming the rule, rather than "running".
    const refused = await refuseBlockedPath(delivery, { uplink: uplink.value.name, tun: this.options.tunName, clatIpv6: address });
    if (!refused.ok) return refused;
    const native = await nativeIpv4DefaultRoutes(this.options.tunName);
    // The failure callback names this start's data path: a later one is not its business.
    let datapath: Datapath | null = null;
    const started = await Datapath.start(
      {
        uplink: uplink.value,
        tunName: this.options.tunName,
        prefix,
        clatIpv6: address,
        ipv4DefaultRoute: !native.ok || native.value.length === 0 || session.force,
        delivery,
        offload: this.options.offload ?? true,
        workers: this.options.workers ?? 0,
        allowPrivateWkp: this.options.allowPrivateWkp ?? false,
      },
      {
        addon: this.options.addon,
        hostSetup: this.hostSetup,
        observatory: this.observatory,
        log: this.options.log,
        onFailure: (reason) => void this.enqueue(() => this.datapathFailed(session, datapath, reason)),
      },
    );
    if (!started.ok) return started;
    datapath = started.datapath;
    this.lastInterfaces = { ipv4: started.datapath.info.tun, ipv6: started.datapath.info.uplink };
    return { ok: true, datapath, addressMs: startingMs - choosingMs, datapathMs: Date.now() - startingMs };
  }

  /** The running data path broke (a translating thread ended): off, with the cause, until the uplink's next event retries. */
  private async datapathFailed(session: Session, datapath: Datapath | null, reason: string): Promise<void> {
    if (datapath === null || datapathOf(session) !== datapath || this.session !== session) return;
    this.options.log(`CLAT failed: ${reason}`);
    await this.tearDownDatapath(session);
    // A failed undo is the cause to show, if there was one.
    if (session.phase.state !== 'error') session.phase = { state: 'error', cause: reason };
    this.publish();
  }

  private async tearDownDatapath(session: Session): Promise<void> {
    const datapath = datapathOf(session);
    if (datapath !== null) session.phase = discovering;
    await datapath?.stop();
    const problems = await this.hostSetup.undo();
    if (problems.length > 0) session.phase = { state: 'error', cause: `could not undo every host change: ${problems.join('; ')}` };
  }

  private async takeDown(reason?: string): Promise<void> {
    const session = this.session;
    if (session === null) return;
    session.discovery.stop();
    await this.tearDownDatapath(session);
    this.session = null;
    this.offReason = reason;
    this.options.log(`CLAT down${reason === undefined ? '' : `: ${reason}`}`);
    this.publish();
  }

  /**
   * A firewall loaded its rule set (Docker, ufw and firewalld at start and on every reload, Debian's
   * nftables.conf with a `flush ruleset` first): put back any table of ours it took away. Our own
   * loads are rule set changes too; they find everything in place.
   */
  private onRulesetChange(): void {
    // Checked again in the queue: a data path still starting has its table too by then.
    if (this.session === null) return;
    clearTimeout(this.rulesetTimer);
    this.rulesetTimer = setTimeout(() => this.enqueueEvent(async () => {
      if (this.session?.phase.state !== 'running') return;
      const restored = await this.hostSetup.restoreMissingTables();
      if (restored.length > 0) this.options.log(`a rule set load removed nftables table ${restored.join(', ')}: put back`);
    }), eventDebounceMs);
  }

  private onNetlink(datagram: Uint8Array): void {
    if (this.closing) return;
    // Link and address events concern the uplink; route events concern auto mode too.
    const events = rtnetlinkEvents(datagram);
    this.uplinkWatch.watch(events);
    this.auto?.watch(events);
  }

  /** The machine slept (or its clock jumped): the network may be another one now. */
  private async resumed(sleptMs: number): Promise<void> {
    this.options.log(`resumed after about ${Math.round(sleptMs / 1000)} s: looking at the network again`);
    await this.auto?.check();
    if (this.session?.followsDefaultRoute === true) await this.uplinkWatch.followDefaultRoute();
    await this.uplinkWatch.checkUplink();
    // Whatever the routers said before the sleep may be stale: ask again (a no-op while soliciting).
    this.session?.discovery.solicit();
  }

  /** What the uplink watch may do to the engine. */
  private uplinkWatchEngine(): UplinkWatchEngine {
    return {
      session: () => this.session,
      tearDownDatapath: (session) => this.tearDownDatapath(session),
      reconcile: (session) => this.reconcile(session),
      restartDiscovery: (session) => {
        session.discovery = this.openDiscovery(session.uplink, session.manualPrefix);
        this.startDiscovery(session);
      },
      lastAttemptMs: () => this.lastAttemptMs,
      publish: () => this.publish(),
      enqueue: (operation) => this.enqueueEvent(operation),
      log: this.options.log,
    };
  }

  /** What auto mode may do to the engine. */
  private autoModeEngine(): AutoModeEngine {
    return {
      session: () => this.session,
      // No uplink named: the CLAT follows the IPv6 default route.
      bringUp: () => this.bringUp({}),
      takeDown: (reason) => this.takeDown(reason),
      publish: () => this.publish(),
      enqueue: (operation) => this.enqueueEvent(operation),
      log: this.options.log,
    };
  }
}
