// NAT64 prefix discovery, running: the pure state machine (../discovery-machine.ts) driven by real
// time. It feeds PREF64 options from the netlink source and ipv4only.arpa answers from DNS into the
// machine, keeps one timer for the machine's next deadline, starts a DNS query whenever one is due,
// and tells listeners when the prefix in effect changes (reconfigure the translator) or when anything
// in its status does (source, learned or expiry time).
//
// Lifecycle: construct (nothing runs) → start() (the first DNS query goes out at once) → inputs and
// timers → stop() (timer cleared, netlink source closed, answers still in flight dropped). Timers are
// unref'd: discovery alone does not keep the engine's process alive. Listeners hear changes after they
// subscribe (read `current` for the state at that moment); they run synchronously inside the input
// that caused the change and must not throw.

import type { Ipv6Prefix } from '../../wire/address.js';
import type { DiscoveryInput } from '../discovery-input.js';
import { dnsQueryIsDue, nextWakeAtMs, stepDiscovery } from '../discovery-machine.js';
import { defaultDiscoveryTiming, type DiscoveryTiming } from '../discovery-timing.js';
import { dnsOutcomeInput, type Ipv4onlyArpaQuery } from '../dns-outcome.js';
import { checkNat64Prefix, parseNat64Prefix, type Nat64PrefixCheck } from '../nat64-prefix.js';
import { initialDiscoveryState, type CurrentPrefix, type DiscoveryState } from '../prefix-state.js';
import { raDiscovery, type NdUserOptSource, type Pref64Input, type RaDiscovery } from '../ra-discovery.js';
import { raPacketDiscovery, type RaPacketSource } from '../ra-packet-discovery.js';
import { dnsDiscovery } from './dns-discovery.js';

export interface DiscoveryServiceOptions {
  /** The interface whose RAs count; null: any (change it later with changeUplink). */
  readonly uplinkIfindex: number | null;
  /** Runs one RFC 7050 query. Default: dnsDiscovery() through the host's resolver; null: no DNS discovery. */
  readonly queryDns?: Ipv4onlyArpaQuery | null;
  /** RTM_NEWNDUSEROPT datagrams (the core/tun addon's netlink socket); null: no RA discovery. The service closes it on stop(). */
  readonly ndUserOpts?: NdUserOptSource | null;
  /** RAs from a raw ICMPv6 socket (where user space, not the kernel, processes RAs); null: none. Closed on stop(). */
  readonly raPackets?: RaPacketSource | null;
  /** The user's prefix, used when neither RA nor DNS gives one. */
  readonly manualPrefix?: Ipv6Prefix | null;
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
  readonly #ndUserOpts: NdUserOptSource | null;
  readonly #raPackets: RaPacketSource | null;
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
    this.#ndUserOpts = options.ndUserOpts ?? null;
    this.#raPackets = options.raPackets ?? null;
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
    const raOptions = { uplinkIfindex: this.#state.uplinkIfindex, nowMs: this.#nowMs, onPref64: (input: Pref64Input) => this.#feed(input) };
    if (this.#ndUserOpts !== null) this.#ra.push(raDiscovery(this.#ndUserOpts, raOptions));
    if (this.#raPackets !== null) this.#ra.push(raPacketDiscovery(this.#raPackets, raOptions));
    this.#schedule();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const ra of this.#ra.splice(0)) ra.close();
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

  /** A new network: forget what RA and DNS said, filter RAs by `ifindex`, query DNS now. */
  changeUplink(ifindex: number | null): void {
    for (const ra of this.#ra) ra.setUplinkIfindex(ifindex);
    this.#feed({ kind: 'uplink-change', atMs: this.#nowMs(), ifindex });
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
    this.#feed({ kind: 'dns-query-started', atMs: nowMs });
    const inFlight = this.#state.dnsQuery;
    if (inFlight.state !== 'in-flight') return;
    const { queryId } = inFlight;
    queryDns().then(
      (outcome) => {
        if (this.#running) this.#feed(dnsOutcomeInput(outcome, queryId, this.#nowMs()));
      },
      (error: unknown) => {
        // The query function should not reject; if it does, it counts as a failed query.
        if (this.#running) this.#feed({ kind: 'dns-failure', atMs: this.#nowMs(), queryId, error: String(error) });
      },
    );
  }
}
