// A second link between the host and the router, as a laptop with Ethernet and Wi-Fi has: its own
// veth pair (host `uplink2` ↔ isp `host1`), its own /64, and on it its own RAs (a second radvd with
// its own config and pid file) and PREF64 RAs (a second PREF64 sender, driven by a Pref64Control of
// its own). The router routes the /64 back to the host through the link's connected route, and its
// NAT64s and DNS serve both links alike.
//
//   host ns                                   isp ns
//   uplink  ── 2001:db8:1:2::/64 ── host0     (the lab's first link, lab.ts)
//   uplink2 ── 2001:db8:1:3::/64 ── host1     fe80::2, 2001:db8:1:3::1/64, radvd + PREF64 sender
//
// The host ranks its IPv6 default routes as a desktop's network manager does (NetworkManager puts
// Wi-Fi at metric 600 after Ethernet at 100): the route learnt on uplink2 gets a higher metric
// (ra_defrtr_metric) than the first uplink's (the kernel's 1024), so the first uplink is preferred
// while it has a route. Added on demand (lab.addSecondUplink()); it goes with the namespaces.

import type { LabContext } from './lab-context.js';
import { pollUntil } from './poll.js';
import { Pref64Control, type Pref64Options } from './pref64-control.js';
import { pref64SenderScript } from './pref64-sender-script.js';
import { radvdLinkConfig } from './radvd-link-config.js';
import { python3 } from './required-packages.js';
import { slaacAddressOn } from './slaac-address.js';
import { nat64Plans, topology } from './topology.js';

export const secondUplinkPlan = {
  /** The host's end. */
  uplink: 'uplink2',
  uplinkMac: '02:c1:a7:00:00:04',
  /** The router's end. */
  hostLink: 'host1',
  hostLinkMac: '02:c1:a7:00:00:03',
  /** The router's link-local address on this link: the host's default route there is via it. */
  linkLocal: 'fe80::2',
  slaacPrefix: '2001:db8:1:3::/64',
  ipv6: '2001:db8:1:3::1',
  /** The metric of the host's RA-learnt default route on uplink2 (the first uplink's is the kernel's 1024). */
  defaultRouteMetric: 2048,
} as const;

export interface SecondUplinkOptions {
  /** PREF64 announced on this link; default the second NAT64 prefix (another network, another prefix); null: none. */
  readonly pref64?: string | null;
  readonly pref64Options?: Pref64Options;
  readonly readyTimeoutMs: number;
}

export class SecondUplink {
  readonly uplink = secondUplinkPlan.uplink;
  readonly hostLink = secondUplinkPlan.hostLink;
  readonly slaacPrefix = secondUplinkPlan.slaacPrefix;
  readonly defaultRouter = secondUplinkPlan.linkLocal;
  readonly defaultRouteMetric = secondUplinkPlan.defaultRouteMetric;

  constructor(
    private readonly ctx: LabContext,
    /** The host's SLAAC address on uplink2 when the link was ready (EUI-64 from a fixed MAC: stable). */
    readonly address: string,
    /** The PREF64 RAs on this link. */
    readonly pref64: Pref64Control,
    private readonly readyTimeoutMs: number,
  ) {}

  /** As lab.uplinkDown(): `carrier` (the router's end goes down) or `admin` (the host turns uplink2 off). */
  async down(how: 'carrier' | 'admin' = 'carrier'): Promise<void> {
    if (how === 'carrier') await this.ctx.ip('isp', 'link', 'set', secondUplinkPlan.hostLink, 'down');
    else await this.ctx.ip('host', 'link', 'set', secondUplinkPlan.uplink, 'down');
  }

  /** Brings the link back from either kind of down(); by default waits for the SLAAC address and default route. */
  async up(options: { waitForAddress?: boolean } = {}): Promise<void> {
    await this.ctx.ip('host', 'link', 'set', secondUplinkPlan.uplink, 'up');
    await restoreRouterEnd(this.ctx);
    if (options.waitForAddress === false) return;
    await waitForAddress(this.ctx, this.readyTimeoutMs);
  }

  /** The host's usable SLAAC address on uplink2 now; null when it has none. */
  hostAddress(): Promise<string | null> {
    return slaacAddressOn(this.ctx, secondUplinkPlan.uplink, secondUplinkPlan.slaacPrefix);
  }
}

/** Wires, configures and starts the second link; resolves once the host has its address there. */
export async function addSecondUplink(ctx: LabContext, options: SecondUplinkOptions): Promise<SecondUplink> {
  const plan = secondUplinkPlan;
  // Made from inside the isp namespace, like the first link: no end ever exists in the machine's own.
  await ctx.ip('isp', 'link', 'add', plan.hostLink, 'address', plan.hostLinkMac, 'type', 'veth', 'peer', 'name', plan.uplink, 'address', plan.uplinkMac, 'netns', ctx.ns('host'));
  // The same host settings as the first uplink (ipv6-host.ts), and the lower rank of its default route.
  await ctx.sysctl('host', {
    [`net.ipv6.conf.${plan.uplink}.accept_ra`]: 2,
    [`net.ipv6.conf.${plan.uplink}.autoconf`]: 1,
    [`net.ipv6.conf.${plan.uplink}.router_solicitation_delay`]: 0,
    [`net.ipv6.conf.${plan.uplink}.ra_defrtr_metric`]: plan.defaultRouteMetric,
  });
  await ctx.ip('host', 'link', 'set', plan.uplink, 'up');
  await ctx.sysctl('isp', { [`net.ipv6.conf.${plan.hostLink}.keep_addr_on_down`]: 1 });
  await ctx.ip('isp', 'link', 'set', plan.hostLink, 'addrgenmode', 'none');
  await restoreRouterEnd(ctx);

  // radvd as the lab's first one runs (isp-router.ts): PID 1 of a PID namespace of its own, so that
  // its privilege-separation helper goes with it.
  const config = ctx.writeFile('radvd-uplink2.conf', radvdLinkConfig({ link: plan.hostLink, slaacPrefix: plan.slaacPrefix, dnsServer: topology.isp.ipv6 }));
  ctx.startDaemon('isp', 'radvd-uplink2', [
    ...['unshare', '--pid', '--fork', '--kill-child=SIGTERM'],
    ...['radvd', '--nodaemon', '--config', config, '--pidfile', ctx.path('radvd-uplink2.pid'), '--logmethod', 'stderr'],
  ]);
  const script = ctx.writeFile('pref64-sender-uplink2.py', pref64SenderScript);
  const sender = ctx.startDaemon('isp', 'pref64-sender-uplink2', [python3, script, plan.hostLink, plan.linkLocal, String(topology.routerLifetimeSeconds)], { stdin: true });
  const pref64 = new Pref64Control(sender);

  const address = await waitForAddress(ctx, options.readyTimeoutMs);
  const prefix = options.pref64 === undefined ? nat64Plans[1].prefix : options.pref64;
  if (prefix !== null) await pref64.set(prefix, options.pref64Options);
  return new SecondUplink(ctx, address, pref64, options.readyTimeoutMs);
}

/** The router's end with its fixed addresses, up (the kernel drops link-local addresses on down). */
async function restoreRouterEnd(ctx: LabContext): Promise<void> {
  const plan = secondUplinkPlan;
  await ctx.ip('isp', 'address', 'replace', `${plan.linkLocal}/64`, 'dev', plan.hostLink, 'nodad');
  await ctx.ip('isp', 'address', 'replace', `${plan.ipv6}/64`, 'dev', plan.hostLink, 'nodad');
  await ctx.ip('isp', 'link', 'set', plan.hostLink, 'up');
}

function waitForAddress(ctx: LabContext, timeoutMs: number): Promise<string> {
  return pollUntil(() => slaacAddressOn(ctx, secondUplinkPlan.uplink, secondUplinkPlan.slaacPrefix), {
    timeoutMs,
    what: "the host's SLAAC address and default route on uplink2",
    abortIf: () => ctx.assertDaemonsRunning(),
  });
}
