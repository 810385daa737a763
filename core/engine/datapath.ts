// The running CLAT's data path: the TUN device, the host set up around it (core/host), and the
// packet loop with a translator configured as a CLAT (clat-translator.ts). The loop runs on the
// main thread, or with `workers` on worker threads, one per queue of a multi-queue TUN
// (queue-workers.ts). A prefix change swaps the translator without touching the device.

import type { RunningClat } from '../api/status.js';
import { formatIpv6, type Ipv6Prefix } from '../wire/address.js';
import { ipv6NextHop } from '../host/host-inspect.js';
import { markUnmanaged } from '../host/network-manager.js';
import { clatIpv4, type HostSetup, type TunPlan } from '../host/host-setup.js';
import { openLinuxTun, openLinuxTunQueues, type LinuxTun } from '../tun/linux-tun.js';
import type { NativeAddon } from '../tun/native-addon.js';
import { AnycastMembership } from './anycast-membership.js';
import { asDeliveryAllows, clatAddressesOf, slotBytesOf, translatorConfigOf, translatorOf, type DatapathConfig } from './datapath-config.js';
import { warmUpTranslator } from './jit-warm-up.js';
import type { Observatory } from './observatory.js';
import { PacketLoop, type PacketSinks, type PacketSource } from './packet-loop.js';
import { PacketSocketSource, RawIpv6Sink } from './packet-socket-path.js';
import { QueueWorkers } from './queue-workers.js';
import { VnetPacketLoop } from './vnet-packet-loop.js';

/** What the data path works with and reports to: the engine's own objects, not configuration. */
export interface DatapathServices {
  readonly addon: NativeAddon;
  readonly hostSetup: HostSetup;
  readonly observatory: Observatory;
  readonly log: (line: string) => void;
  /** The data path broke while running (a translating thread ended): the engine rebuilds it. */
  readonly onFailure: (reason: string) => void;
}

/** Undo steps taken newest first, once. */
class CleanupStack {
  private readonly steps: (() => void)[] = [];

  defer(step: () => void): void {
    this.steps.push(step);
  }

  unwind(): void {
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) step();
  }
}

type Started = { ok: true; datapath: Datapath } | { ok: false; error: string };

/** What ingress delivery keeps to follow routing changes (followRoute). */
interface IngressRoute {
  plan: TunPlan;
  readonly hostSetup: HostSetup;
  prefix: Ipv6Prefix;
}

/** What the data path needs of whatever translates: the main thread's loop, or the workers. */
interface Translating {
  setPrefix(prefix: Ipv6Prefix): void;
  stop(): Promise<void> | void;
  /** Translations the observers did not see (workers only: the main thread fell behind). */
  readonly unobserved: number;
}

export class Datapath {
  private constructor(
    readonly info: Omit<RunningClat, 'prefix' | 'sinceMs'>,
    private readonly translating: Translating,
    private readonly close: () => void,
    private readonly route: IngressRoute | null,
  ) {}

  /** Opens the TUN, sets the host up around it and starts translating. */
  static async start(requested: DatapathConfig, services: DatapathServices): Promise<Started> {
    const config = asDeliveryAllows(requested);
    const tun = { name: config.tunName, offload: config.offload };
    const opened = config.workers > 0 ? openLinuxTunQueues({ ...tun, count: config.workers }, services.addon) : openLinuxTun(tun, services.addon);
    if (!opened.ok) return { ok: false, error: opened.error };
    const queues: readonly LinuxTun[] = 'queues' in opened ? opened.queues : [opened.device];
    // Whatever is opened from here on is closed again, newest first, if a later step fails or throws:
    // in one place, whichever step it was.
    const cleanup = new CleanupStack();
    cleanup.defer(() => queues.forEach((queue) => queue.close()));
    let started: Started | undefined;
    try {
      started = await Datapath.build(config, services, queues, cleanup);
      return started;
    } finally {
      if (started?.ok !== true) cleanup.unwind();
    }
  }

  private static async build(
    config: DatapathConfig,
    services: DatapathServices,
    queues: readonly LinuxTun[],
    cleanup: CleanupStack,
  ): Promise<Started> {
    const { addon, hostSetup, observatory, log } = services;
    const device = queues[0];
    // Before the TUN is up and has an address: NetworkManager, where it runs, then leaves it alone
    // (no "connected (externally)" profile, no connectivity check through it) and writes nothing.
    const unmanaged = await markUnmanaged(device.name);
    if (!unmanaged.ok) log(`NetworkManager: ${unmanaged.error}`);
    let nextHop: string | null = null;
    if (config.delivery === 'ingress') {
      const found = await ipv6NextHop(config.uplink.name, formatIpv6(config.prefix.address));
      if (!found.ok) return found;
      nextHop = found.value;
    }
    const plan = {
      uplink: config.uplink,
      tun: device.name,
      clatIpv6: config.clatIpv6,
      ipv4DefaultRoute: config.ipv4DefaultRoute,
      delivery: config.delivery,
      nextHop,
    };
    const applied = await hostSetup.applyTun(plan);
    if (!applied.ok) return applied;
    if (config.delivery === 'ingress') {
      const joined = AnycastMembership.join(addon, config.uplink.name, config.clatIpv6);
      if (!joined.ok) return joined;
      cleanup.defer(() => joined.membership.leave());
    }
    let sources: PacketSource[] = [device];
    let sinks: PacketSinks = { ipv4: device, ipv6: device };
    if (config.delivery === 'packet-socket') {
      const sink = RawIpv6Sink.open(addon, config.uplink.name, config.clatIpv6);
      if (!sink.ok) return sink;
      cleanup.defer(() => sink.sink.close());
      const source = PacketSocketSource.open(addon, config.uplink.name, config.clatIpv6);
      if (!source.ok) return source;
      cleanup.defer(() => source.source.close());
      sources = [device, source.source];
      sinks = { ipv4: device, ipv6: sink.sink };
    }
    // Explanations of recorded pairs re-run the translator with the configuration of their time.
    const noteConfig = (prefix: Ipv6Prefix): void => observatory.translatorConfigs.note(translatorConfigOf(config, prefix), performance.now());
    noteConfig(config.prefix);
    let translating: Translating;
    if (config.workers > 0) {
      const started = await QueueWorkers.start(queues, config, { counters: observatory.counters, observer: observatory, log, onFailure: services.onFailure });
      if (!started.ok) return started;
      translating = started.workers;
    } else {
      const translator = translatorOf(config, config.prefix);
      warmUpTranslator(translator, config.offload);
      const clat = clatAddressesOf(config);
      const loop = config.offload
        ? new VnetPacketLoop(device, translator, observatory.counters, clat)
        : new PacketLoop(sources, sinks, translator, observatory.counters, slotBytesOf(config), clat);
      loop.addObserver(observatory);
      loop.start();
      translating = {
        setPrefix: (prefix) => loop.setTranslator(translatorOf(config, prefix)),
        stop: () => loop.stop(),
        unobserved: 0,
      };
    }
    return {
      ok: true,
      datapath: new Datapath(
        {
          uplink: config.uplink.name,
          tun: device.name,
          clatIpv4,
          clatIpv6: config.clatIpv6,
          mtu: applied.value.mtu4,
          delivery: config.delivery,
          offloads: device.offloads,
          workers: config.workers,
          allowPrivateWkp: config.allowPrivateWkp,
        },
        noteConfigs(translating, noteConfig),
        () => cleanup.unwind(),
        config.delivery === 'ingress' ? { plan, hostSetup, prefix: config.prefix } : null,
      ),
    };
  }

  /** Ingress delivery's next hop towards the NAT64 prefix; undefined for the other modes. */
  get nextHop(): string | null | undefined {
    return this.route?.plan.nextHop;
  }

  /**
   * Ingress delivery sends to the next hop its rules name: after a routing change (another router,
   * a new prefix), look the next hop up again and reload the rules if it moved.
   */
  async followRoute(log: (line: string) => void): Promise<void> {
    const route = this.route;
    if (route === null) return;
    const found = await ipv6NextHop(route.plan.uplink.name, formatIpv6(route.prefix.address));
    if (!found.ok) {
      log(`ingress delivery: ${found.error}; keeping next hop ${route.plan.nextHop ?? 'on-link'}`);
      return;
    }
    if (found.value === route.plan.nextHop) return;
    const plan = { ...route.plan, nextHop: found.value };
    const loaded = await route.hostSetup.loadIngressRules(plan, true);
    // Only a loaded table changes what the rules say: a failed load is tried again at the next event.
    if (loaded.ok) route.plan = plan;
    log(loaded.ok ? `ingress delivery: next hop now ${found.value ?? 'on-link'}` : `ingress delivery: ${loaded.error}`);
  }

  setPrefix(prefix: Ipv6Prefix): void {
    this.translating.setPrefix(prefix);
    if (this.route !== null) this.route.prefix = prefix;
  }

  /** Translations the observers (flows, traces) did not see. */
  get unobserved(): number {
    return this.translating.unobserved;
  }

  /** Stops translating and closes the TUN (its routes and addresses go with it); host undo is the engine's. */
  async stop(): Promise<void> {
    await this.translating.stop();
    this.close();
  }
}

/** `translating`, noting each new configuration before the translator takes it. */
function noteConfigs(translating: Translating, noteConfig: (prefix: Ipv6Prefix) => void): Translating {
  return {
    setPrefix: (prefix) => {
      noteConfig(prefix);
      translating.setPrefix(prefix);
    },
    stop: () => translating.stop(),
    get unobserved() {
      return translating.unobserved;
    },
  };
}
