// NAT64 prefix discovery, running: the pure state machine (../discovery-machine.ts) driven by real
// time. It feeds PREF64 options from the netlink source and ipv4only.arpa answers from DNS into the
// machine, keeps one timer for the machine's next deadline, starts a DNS query whenever one is due,
// and tells listeners when the prefix in effect changes (reconfigure the translator) or when anything
// in its status does (source, learned or expiry time).
//
// Joining fast (what a phone does): at start() it takes what the RA cache (../ra-cache.ts, fed by the
// engine from every RA the host heard, CLAT or not) still holds valid for the uplink, so a PREF64
// heard minutes ago is used at once; and it sends Router Solicitations (router-solicitations.ts) so
// that the routers answer now rather than at their next periodic RA. RFC 7050 queries ask the
// network's resolvers (RFC 8880 §7.1, ../link-resolvers.ts): those the uplink's RAs named (RDNSS),
// else those NetworkManager or systemd-resolved know for the uplink (DHCPv6's among them), the
// host's only while none is known; and again as soon as the RAs name new ones.
//
// Lifecycle: construct (nothing runs) → start() (cached PREF64 fed, solicitations sent, the first DNS
// query goes out at once) → inputs and timers → stop() (timers cleared, sources closed, answers
// still in flight dropped). Timers are unref'd: discovery alone does not keep the engine's process
// alive. Listeners hear changes after they subscribe (read `current` for the state at that moment);
// they run synchronously inside the input that caused the change and must not throw.

import type { Ipv6Prefix } from '../../wire/address.js';
import type { DiscoveryInput } from '../discovery-input.js';
import { dnsQueryIsDue, nextWakeAtMs, stepDiscovery } from '../discovery-machine.js';
import { defaultDiscoveryTiming, type DiscoveryTiming } from '../discovery-timing.js';
import { dnsOutcomeInput, prefixResolvers, type DnsResolvers, type Ipv4onlyArpaQuery } from '../dns-outcome.js';
import { chooseResolvers } from '../link-resolvers.js';
import { checkNat64Prefix, parseNat64Prefix, type Nat64PrefixCheck } from '../nat64-prefix.js';
import { initialDiscoveryState, type CurrentPrefix, type DiscoveryState } from '../prefix-state.js';
import { RaCache, type HeardRa } from '../ra-cache.js';
import { raDiscovery, type NdUserOptSource, type Pref64Input, type RaDiscovery } from '../ra-discovery.js';
import { raPacketDiscovery, type RaPacketSource } from '../ra-packet-discovery.js';
import { dnsDiscovery } from './dns-discovery.js';
import type { LinkResolverLookup } from './link-resolver-lookup.js';
import { RouterSolicitations, type RouterSolicitationTiming, type SendRouterSolicitation } from './router-solicitations.js';

export interface DiscoveryServiceOptions {
  /** The interface whose RAs count; null: any (change it later with changeUplink). */
  readonly uplinkIfindex: number | null;
  /** Runs one RFC 7050 query. Default: dnsDiscovery() through the host's resolver; null: no DNS discovery. */
  readonly queryDns?: Ipv4onlyArpaQuery | null;
  /**
   * The uplink's resolvers as NetworkManager and systemd-resolved know them (link-resolver-lookup.ts),
   * asked when its RAs named none; default null: not asked.
   */
  readonly linkResolvers?: LinkResolverLookup | null;
  /** RTM_NEWNDUSEROPT datagrams (the core/tun addon's netlink socket); null: no RA discovery. The service closes it on stop(). */
  readonly ndUserOpts?: NdUserOptSource | null;
  /** RAs from a raw ICMPv6 socket (where user space, not the kernel, processes RAs); null: none. Closed on stop(). */
  readonly raPackets?: RaPacketSource | null;
  /** The user's prefix, used when neither RA nor DNS gives one. */
  readonly manualPrefix?: Ipv6Prefix | null;
  /**
   * What RAs said before this service started (the engine's, fed from every RA it heard); the
   * service adds what its own sources hear. Default: a cache of its own.
   */
  readonly raCache?: RaCache;
  /** Sends a Router Solicitation on an interface; null: never solicit. */
  readonly sendRouterSolicitation?: SendRouterSolicitation | null;
  readonly solicitationTiming?: RouterSolicitationTiming;
  /** Where the service says what it does (solicitations, which resolvers it asks). */
  readonly log?: (line: string) => void;
  readonly timing?: DiscoveryTiming;
  /** The clock; default Date.now. */
  readonly nowMs?: () => number;
}

export type DiscoveryListener = (current: CurrentPrefix, state: DiscoveryState) => void;

/** setTimeout's limit (about 24.8 days); a later deadline wakes early, finds nothing due and waits again. */
const maxTimerDelayMs = 2 ** 31 - 1;

export class DiscoveryService {
  readonly #nowMs: () => number;
  readonly #timing: DiscoveryTiming;
  readonly #queryDns: Ipv4onlyArpaQuery | null;
  readonly #linkResolvers: LinkResolverLookup | null;
  readonly #ndUserOpts: NdUserOptSource | null;
  readonly #raPackets: RaPacketSource | null;
  readonly #cache: RaCache;
  readonly #solicitations: RouterSolicitations | null;
  readonly #log: (line: string) => void;
  /** The resolvers the last query asked, as a key; null before the first query. */
  #askedResolvers: string | null = null;
  /** The RAs' resolvers when the last query started, as a key: new ones make a query due. */
  #askedRaResolvers: string | null = null;
  readonly #prefixListeners = new Set<DiscoveryListener>();
  readonly #statusListeners = new Set<DiscoveryListener>();
  #state: DiscoveryState;
  #ra: RaDiscovery[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(options: DiscoveryServiceOptions) {
    this.#nowMs = options.nowMs ?? Date.now;
    this.#timing = options.timing ?? defaultDiscoveryTiming;
    this.#queryDns = options.queryDns === undefined ? dnsDiscovery() : options.queryDns;
    this.#linkResolvers = options.linkResolvers ?? null;
    this.#ndUserOpts = options.ndUserOpts ?? null;
    this.#raPackets = options.raPackets ?? null;
    this.#cache = options.raCache ?? new RaCache();
    this.#log = options.log ?? (() => {});
    const send = options.sendRouterSolicitation ?? null;
    this.#solicitations = send === null ? null : new RouterSolicitations(send, this.#log, options.solicitationTiming);
    this.#state = initialDiscoveryState({
      uplinkIfindex: options.uplinkIfindex,
      dnsEnabled: this.#queryDns !== null,
      nowMs: this.#nowMs(),
    });
    if (options.manualPrefix != null) this.#feed({ kind: 'manual-set', atMs: this.#nowMs(), prefix: options.manualPrefix });
  }

  get state(): DiscoveryState {
    return this.#state;
  }

  get current(): CurrentPrefix {
    return this.#state.current;
  }

  /** Called when the prefix in effect changes (or appears, or goes): reconfigure the translator. Returns an unsubscribe. */
  onPrefixChange(listener: DiscoveryListener): () => void {
    this.#prefixListeners.add(listener);
    return () => this.#prefixListeners.delete(listener);
  }

  /** Called when anything in `current` changes, the source and times included: update the status. */
  onStatusChange(listener: DiscoveryListener): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const raOptions = {
      uplinkIfindex: this.#state.uplinkIfindex,
      nowMs: this.#nowMs,
      onPref64: (input: Pref64Input) => this.#feed(input),
      onRa: (ra: HeardRa) => this.#heard(ra),
    };
    if (this.#ndUserOpts !== null) this.#ra.push(raDiscovery(this.#ndUserOpts, raOptions));
    if (this.#raPackets !== null) this.#ra.push(raPacketDiscovery(this.#raPackets, raOptions));
    this.#useCached(this.#state.uplinkIfindex);
    this.solicit();
    this.#schedule();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#solicitations?.stop();
    for (const ra of this.#ra.splice(0)) ra.close();
  }

  /**
   * Asks the uplink's routers for an RA now (RFC 4861 §6.3.7: up to 3 Router Solicitations, 4 s
   * apart, until one answers). start() does it; call it again when the uplink may be on another
   * network (after changeUplink, after a resume). Nothing happens without an uplink or a sender.
   */
  solicit(): void {
    const ifindex = this.#state.uplinkIfindex;
    if (!this.#running || ifindex === null || this.#solicitations === null || this.#solicitations.soliciting === ifindex) return;
    this.#log('asking the routers for an RA now (Router Solicitations, RFC 4861 §6.3.7: at most 3, 4 s apart)');
    this.#solicitations.start(ifindex);
  }

  /** Checks the text (RFC 6052 length, u-octet zero) and uses it as the manual prefix if it is valid. */
  setManualPrefix(text: string): Nat64PrefixCheck {
    const checked = parseNat64Prefix(text);
    if (checked.ok) this.#feed({ kind: 'manual-set', atMs: this.#nowMs(), prefix: checked.prefix });
    return checked;
  }

  setManualPrefixBytes(prefix: Ipv6Prefix): Nat64PrefixCheck {
    const checked = checkNat64Prefix(prefix);
    if (checked.ok) this.#feed({ kind: 'manual-set', atMs: this.#nowMs(), prefix });
    return checked;
  }

  clearManualPrefix(): void {
    this.#feed({ kind: 'manual-clear', atMs: this.#nowMs() });
  }

  /**
   * A new network: forget what RA and DNS said, filter RAs by `ifindex`, take what the RA cache
   * holds for it, query DNS now. Solicitations under way for the old uplink stop; call solicit() to
   * ask the new one's routers.
   */
  changeUplink(ifindex: number | null): void {
    for (const ra of this.#ra) ra.setUplinkIfindex(ifindex);
    if (this.#solicitations?.soliciting !== ifindex) this.#solicitations?.stop();
    this.#feed({ kind: 'uplink-change', atMs: this.#nowMs(), ifindex });
    this.#useCached(ifindex);
  }

  /** Feeds the PREF64 announcements the cache holds for `ifindex`, each at the time it was heard. */
  #useCached(ifindex: number | null): void {
    if (ifindex === null) return;
    const cached = this.#cache.pref64Inputs(ifindex, this.#nowMs());
    if (cached.length > 0) this.#log(`PREF64 from an RA heard ${Math.round((this.#nowMs() - cached[cached.length - 1].atMs) / 1000)} s ago, still valid: using it now`);
    for (const input of cached) this.#feed(input);
  }

  /** An RA on the uplink: remember it, stop soliciting, and ask DNS again if it names new resolvers. */
  #heard(ra: HeardRa): void {
    this.#cache.observe(ra);
    this.#solicitations?.heard(ra.ifindex);
    if (this.#askedRaResolvers !== null && this.#raResolvers().join(' ') !== this.#askedRaResolvers) {
      this.#feed({ kind: 'dns-resolvers-changed', atMs: ra.atMs });
    }
  }

  /** The resolvers the uplink's RAs named (RDNSS), still valid. */
  #raResolvers(): string[] {
    const ifindex = this.#state.uplinkIfindex;
    return ifindex === null ? [] : [...this.#cache.resolvers(ifindex, this.#nowMs())].sort();
  }

  /**
   * Whom the next RFC 7050 query asks (RFC 8880 §7.1, ../link-resolvers.ts): the uplink's RDNSS,
   * else its resolvers as NetworkManager or systemd-resolved know them, else the host's. Known at
   * once unless the tools must be asked.
   */
  #resolvers(): DnsResolvers | Promise<DnsResolvers> {
    const ifindex = this.#state.uplinkIfindex;
    const ra = ifindex === null ? [] : this.#cache.resolvers(ifindex, this.#nowMs());
    if (ifindex === null || ra.length > 0 || this.#linkResolvers === null) return chooseResolvers(ifindex, ra, []);
    return this.#linkResolvers(ifindex).then((reports) => chooseResolvers(ifindex, ra, reports));
  }

  #feed(input: DiscoveryInput): void {
    const step = stepDiscovery(this.#state, input, this.#timing);
    this.#state = step.state;
    if (step.prefixChanged) for (const listener of this.#prefixListeners) listener(step.state.current, step.state);
    if (step.currentChanged) for (const listener of this.#statusListeners) listener(step.state.current, step.state);
    this.#schedule();
  }

  /** Starts the DNS query if one is due, then sets the timer for the machine's next deadline. */
  #schedule(): void {
    if (!this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const nowMs = this.#nowMs();
    if (this.#queryDns !== null && dnsQueryIsDue(this.#state, nowMs)) {
      this.#startDnsQuery(this.#queryDns, nowMs); // feeds 'dns-query-started', which schedules again
      return;
    }
    const wakeAtMs = nextWakeAtMs(this.#state);
    if (wakeAtMs === null) return;
    const delayMs = Math.min(Math.max(wakeAtMs - nowMs, 0), maxTimerDelayMs);
    this.#timer = setTimeout(() => this.#feed({ kind: 'tick', atMs: this.#nowMs() }), delayMs);
    this.#timer.unref();
  }

  #startDnsQuery(queryDns: Ipv4onlyArpaQuery, nowMs: number): void {
    this.#askedRaResolvers = this.#raResolvers().join(' ');
    this.#feed({ kind: 'dns-query-started', atMs: nowMs });
    const inFlight = this.#state.dnsQuery;
    if (inFlight.state !== 'in-flight') return;
    const { queryId } = inFlight;
    const ask = (resolvers: DnsResolvers) => {
      const key = resolversKey(resolvers);
      if (this.#running && key !== this.#askedResolvers) this.#log(askingLine(resolvers));
      this.#askedResolvers = key;
      return queryDns(resolvers).then((outcome) => dnsOutcomeInput(outcome, queryId, this.#nowMs(), prefixResolvers(resolvers)));
    };
    const resolvers = this.#resolvers();
    const asked = resolvers instanceof Promise ? resolvers.then(ask) : ask(resolvers);
    asked.then(
      (input) => {
        if (this.#running) this.#feed(input);
      },
      (error: unknown) => {
        // The query function should not reject; if it does, it counts as a failed query.
        if (this.#running) this.#feed({ kind: 'dns-failure', atMs: this.#nowMs(), queryId, error: String(error) });
      },
    );
  }
}

/** What the log says of whom a query asks. */
function askingLine(resolvers: DnsResolvers): string {
  switch (resolvers.source) {
    case 'ra':
      return `asking the resolvers of the uplink's RAs (RDNSS) for ipv4only.arpa: ${resolvers.addresses.join(', ')}`;
    case 'network-manager':
      return `no resolver in the uplink's RAs: asking its resolvers as NetworkManager knows them for ipv4only.arpa: ${resolvers.addresses.join(', ')}`;
    case 'resolved':
      return `no resolver in the uplink's RAs: asking its resolvers as systemd-resolved knows them for ipv4only.arpa: ${resolvers.addresses.join(', ')}`;
    case 'host':
      return "no resolver known for the uplink (its RAs, NetworkManager, systemd-resolved): asking the host's (/etc/resolv.conf) for ipv4only.arpa";
  }
}

/** Which resolvers, whatever their order (two routers naming theirs in turn are no change). */
function resolversKey(resolvers: DnsResolvers): string {
  return resolvers.source === 'host' ? 'host' : `${resolvers.source} ${resolvers.ifindex} ${[...resolvers.addresses].sort().join(' ')}`;
}
