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

import type { UpParams, ApiError } from '../api/messages.js';
import type { ClatStatus, DeliveryMode, PrefixInfo } from '../api/status.js';
import { DiscoveryService } from '../discovery/node/discovery-service.js';
import { linkResolverLookup } from '../discovery/node/link-resolver-lookup.js';
import type { Ipv4onlyArpaQuery } from '../discovery/dns-outcome.js';
import { parseNat64Prefix } from '../discovery/nat64-prefix.js';
import { toPrefixInfo } from '../discovery/prefix-state.js';
import { RaCache, type HeardRa } from '../discovery/ra-cache.js';
import { clatNat66Address, loadSecret } from '../host/clat-address.js';
import { findIpv6DefaultUplink, readUplink, type Uplink } from '../host/host-inspect.js';
import { nativeIpv4DefaultRoutes } from '../host/native-ipv4.js';
import { refuseBlockedPath } from '../host/firewall-inspect.js';
import { findOtherClats } from '../host/other-clats.js';
import { hasForceForwarding, HostSetup, supportsIngressDelivery } from '../host/host-setup.js';
import { HostJournal } from '../host/journal.js';
import type { NativeAddon } from '../tun/native-addon.js';
import { formatIpv6, type Ipv6Prefix } from '../wire/address.js';
import { AutoMode, type AutoModeEngine } from './auto-mode.js';
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
import { afInet6, rtnetlinkEvents, type RtnetlinkEvent } from './rtnetlink-events.js';
import { fingerprintOf, mayChangeUplink } from './uplink-identity.js';
import { UplinkSubnet } from './uplink-subnet.js';

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

interface Session {
  uplinkName: string;
  /** No uplink was named: the CLAT moves to the interface of the IPv6 default route. */
  readonly followsDefaultRoute: boolean;
  readonly force: boolean;
  readonly manualPrefix: Ipv6Prefix | null;
  discovery: DiscoveryService;
  readonly sinceMs: number;
  uplink: Uplink;
  /** What identifies the network the uplink is on: a change means a new CLAT address. */
  fingerprint: string;
  /** The /64 the CLAT's address is in, and the stale ones of before a link loss (uplink-subnet.ts). */
  subnet: UplinkSubnet;
  /** What the data path's start waits for (said once), or null. */
  waitingFor: string | null;
  phase: SessionPhase;
}

/**
 * Where a session is: without a data path (the prefix awaited, or the start waiting for the uplink),
 * translating, or failed until the uplink's next event or a prefix change retries.
 */
type SessionPhase =
  | { readonly state: 'discovering' }
  /** prefix null: discovery has just lost it, and the data path's teardown is queued (shown as discovering). */
  | { readonly state: 'running'; readonly datapath: Datapath; readonly prefix: PrefixInfo | null }
  | { readonly state: 'error'; readonly cause: string };

const discovering: SessionPhase = { state: 'discovering' };

/** The session's data path, while it has one. */
function datapathOf(session: Session): Datapath | null {
  return session.phase.state === 'running' ? session.phase.datapath : null;
}

type UpResult = { ok: true; result: ClatStatus } | { ok: false; error: ApiError };

const debounceMs = 300;
/** The fingerprint of an uplink that no longer exists. */
const uplinkGone = 'gone';
const retryMs = 2000;

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
  private uplinkTimer: NodeJS.Timeout | undefined;
  private nextHopTimer: NodeJS.Timeout | undefined;
  private followTimer: NodeJS.Timeout | undefined;
  private staleTimer: NodeJS.Timeout | undefined;
  private readonly resumeWatch: ResumeWatch;
  /** Null in manual mode. */
  private readonly auto: AutoMode | null;
  private lastStatusJson = '';
  private lastAttemptMs = 0;
  /** Whether this kernel and nft take ingress delivery's rules (asked once). */
  private ingressSupported: boolean | undefined;
  /** shutdown() has begun: network events start nothing any more. */
  private closing = false;

  constructor(private readonly options: EngineOptions) {
    this.journal = new HostJournal(options.stateDir);
    this.hostSetup = new HostSetup(this.journal, options.log);
    this.monitor = new Monitor(this.observatory, { addon: options.addon });
    this.resumeWatch = new ResumeWatch((sleptMs) => this.enqueueEvent(() => this.resumed(sleptMs)));
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
    this.raWatch = watchRouterAdvertisements(this.options.addon, this.netlink, this.raCache, this.options.log, (ra) => this.onRaHeard(ra));
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
    clearTimeout(this.uplinkTimer);
    this.auto?.stop();
    clearTimeout(this.nextHopTimer);
    clearTimeout(this.followTimer);
    clearTimeout(this.staleTimer);
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
        await this.chooseAddress(session.uplink, session.subnet.current);
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
    const chosen = await this.chooseAddress(uplink.value, subnet);
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

  /**
   * The CLAT's IPv6 address and how its packets travel: an address of its own in the uplink's SLAAC
   * /64 when there is one, or, on a network that hands out only DHCPv6 /128s, a private address
   * behind NAT66 (which needs per-interface forwarding, Linux 6.17+).
   */
  private async chooseAddress(uplink: Uplink, subnet: string | null): Promise<{ ok: true; address: string; delivery: DeliveryMode } | { ok: false; error: string }> {
    const forced = this.options.delivery ?? 'auto';
    const forwarding = hasForceForwarding(uplink.name);
    if (forced !== 'nat66' && subnet !== null) {
      const address = await this.hostSetup.chooseClatAddress(uplink, subnet, loadSecret(this.options.stateDir));
      if (!address.ok) return address;
      this.ingressSupported ??= await supportsIngressDelivery();
      const delivery = forced === 'auto' ? (this.ingressSupported ? 'ingress' : forwarding ? 'force-forwarding' : 'packet-socket') : forced;
      return { ok: true, address: address.value, delivery };
    }
    if (uplink.globalIpv6.length === 0) return { ok: false, error: `${uplink.name} has no global IPv6 address` };
    if (!forwarding) {
      return { ok: false, error: `${uplink.name} has no SLAAC /64 (DHCPv6 only?): the NAT66 fallback needs Linux 6.17 or later (per-interface forwarding)` };
    }
    this.options.log(`${uplink.name} has no SLAAC /64: the CLAT uses a private address behind NAT66`);
    return { ok: true, address: clatNat66Address(uplink.name, loadSecret(this.options.stateDir)), delivery: 'nat66' };
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
    }), debounceMs);
  }

  private onNetlink(datagram: Uint8Array): void {
    if (this.closing) return;
    // Link and address events concern the uplink; route events concern auto mode. Both are
    // debounced: our own setup produces bursts of them.
    const events = rtnetlinkEvents(datagram);
    const session = this.session;
    // While the uplink is gone, a link event may be it coming back (with a new ifindex).
    const uplinkConcern = (event: RtnetlinkEvent, s: Session) =>
      mayChangeUplink(event, s.uplink, s.phase.state === 'error') || (event.kind === 'link' && s.fingerprint === uplinkGone);
    if (session !== null && events.some((event) => uplinkConcern(event, session))) {
      clearTimeout(this.uplinkTimer);
      this.uplinkTimer = setTimeout(() => this.enqueueEvent(() => this.checkUplink()), debounceMs);
    }
    // Ingress delivery names its next hop in its rules: a route of the uplink's that another router
    // gives, or any route of the uplink's going away, may move it (a router refreshing its own
    // default route, which every RA does, does not).
    // A CLAT that follows the IPv6 default route looks again when a link or an IPv6 default route
    // changes, or an IPv6 address (the one that makes the default route's interface usable).
    const followConcern = (event: RtnetlinkEvent) =>
      event.kind === 'link' || (event.kind === 'route' && event.family === afInet6 && event.destinationLength === 0) || (event.kind === 'address' && event.family === afInet6);
    if (session?.followsDefaultRoute === true && events.some(followConcern)) {
      clearTimeout(this.followTimer);
      this.followTimer = setTimeout(() => this.enqueueEvent(() => this.followDefaultRoute()), debounceMs);
    }
    // While a data path is still starting (none yet), its next hop is not known: look once it is.
    const datapath = session === null ? undefined : datapathOf(session);
    const followsRoutes = datapath === null || datapath?.nextHop !== undefined;
    if (session !== null && followsRoutes && events.some((event) => mayMoveNextHop(event, session.uplink.ifindex, datapath?.nextHop))) {
      clearTimeout(this.nextHopTimer);
      this.nextHopTimer = setTimeout(() => this.enqueueEvent(async () => {
        if (this.session === session) await datapathOf(session)?.followRoute(this.options.log);
      }), debounceMs);
    }
    this.auto?.watch(events);
  }

  /** The uplink went down, came back, or moved to another network: rebuild what depends on it. */
  private async checkUplink(): Promise<void> {
    const session = this.session;
    if (session === null) return;
    const uplink = await readUplink(session.uplinkName);
    const lookAgainMs = session.subnet.noteLink(uplink.ok && uplink.value.up, session.uplink);
    if (lookAgainMs !== null) {
      clearTimeout(this.staleTimer);
      this.staleTimer = setTimeout(() => this.enqueueEvent(() => this.checkUplink()), lookAgainMs);
    }
    const subnet = uplink.ok ? session.subnet.choose(uplink.value) : null;
    const fingerprint = uplink.ok ? fingerprintOf(uplink.value, subnet) : uplinkGone;
    if (fingerprint === session.fingerprint) {
      // Same network, but the last attempt failed (say, the address was still tentative): try again,
      // at most every retryMs, since each attempt's own DAD probe makes address events too.
      if (session.phase.state === 'error' && uplink.ok && uplink.value.up && Date.now() - this.lastAttemptMs >= retryMs) {
        this.options.log(`retrying on ${session.uplinkName} after: ${session.phase.cause}`);
        session.phase = discovering;
        await this.reconcile(session);
      }
      return;
    }
    const what = !uplink.ok ? 'gone' : !uplink.value.up ? 'down' : subnet === null ? 'up, no /64 yet' : `new network: ${subnet}/64`;
    this.options.log(`uplink ${session.uplinkName} changed (${what}): reconfiguring`);
    session.fingerprint = fingerprint;
    session.subnet.current = subnet;
    session.waitingFor = null;
    await this.tearDownDatapath(session);
    session.phase = discovering;
    if (uplink.ok) {
      session.uplink = uplink.value;
      session.discovery.changeUplink(uplink.value.ifindex);
      // A new network: ask its routers at once rather than wait for their next periodic RA.
      if (uplink.value.up) session.discovery.solicit();
      if (uplink.value.up) await this.reconcile(session);
    }
    this.publish();
  }

  /**
   * The interface of the IPv6 default route changed (an interface lost, another plugged in, a
   * resume on another network): the CLAT moves there, its changes on the old uplink undone.
   */
  private async followDefaultRoute(): Promise<void> {
    const session = this.session;
    if (session === null || !session.followsDefaultRoute) return;
    const found = await findIpv6DefaultUplink();
    // No IPv6 default route at all: stay, and let the uplink's own events say when it is back.
    if (!found.ok || found.value === session.uplinkName) return;
    const uplink = await readUplink(found.value);
    // Not before the new uplink can carry a CLAT: a default route learnt from an RA may come before the
    // /64 the same RA gives (the kernel's address there, or the RA itself, heard by the raw socket).
    // Moving then would tear down a CLAT that works on the old uplink for one that cannot start yet;
    // the address's event brings the engine back here.
    if (!uplink.ok || !uplink.value.up || !this.canCarryClat(uplink.value)) return;
    this.options.log(`the IPv6 default route moved from ${session.uplinkName} to ${found.value}: moving the CLAT there`);
    await this.tearDownDatapath(session);
    session.discovery.stop();
    session.uplinkName = uplink.value.name;
    session.uplink = uplink.value;
    session.subnet = new UplinkSubnet(this.raCache);
    session.subnet.current = session.subnet.choose(uplink.value);
    session.fingerprint = fingerprintOf(uplink.value, session.subnet.current);
    session.phase = discovering;
    session.discovery = this.openDiscovery(uplink.value, session.manualPrefix);
    this.startDiscovery(session);
    await this.reconcile(session);
    this.publish();
  }

  /**
   * An RA offering a /64 on the uplink the CLAT is not in (a new network; or the old one named again
   * after a link loss): look at once rather than after the address events' debounce, so that the
   * CLAT proves its address while the kernel proves its own (clat-subnet.ts).
   */
  private onRaHeard(ra: HeardRa): void {
    const session = this.session;
    const offered = ra.slaacPrefixes ?? [];
    if (this.closing || session === null || ra.ifindex !== session.uplink.ifindex || offered.length === 0) return;
    if (session.phase.state === 'running' && offered.some((option) => option.prefix === session.subnet.current)) return;
    clearTimeout(this.uplinkTimer);
    this.enqueueEvent(() => this.checkUplink());
  }

  /**
   * Whether a CLAT can start on `uplink`: a /64 for its own address, or, for the NAT66 fallback,
   * any global address and per-interface forwarding (chooseAddress's rules).
   */
  private canCarryClat(uplink: Uplink): boolean {
    return new UplinkSubnet(this.raCache).choose(uplink) !== null || (uplink.globalIpv6.length > 0 && hasForceForwarding(uplink.name));
  }

  /** The machine slept (or its clock jumped): the network may be another one now. */
  private async resumed(sleptMs: number): Promise<void> {
    this.options.log(`resumed after about ${Math.round(sleptMs / 1000)} s: looking at the network again`);
    await this.auto?.check();
    if (this.session?.followsDefaultRoute === true) await this.followDefaultRoute();
    await this.checkUplink();
    // Whatever the routers said before the sleep may be stale: ask again (a no-op while soliciting).
    this.session?.discovery.solicit();
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
