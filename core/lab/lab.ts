// The namespace lab: an IPv6-only access network with real peers (radvd, unbound DNS64, tayga NAT64,
// an IPv4-only server), built in three network namespaces of this machine (topology.ts), for the
// end-to-end tests and `clatter demo`. Needs root and the Debian packages in required-packages.ts.
//
// Lifecycle: createLab() builds it and resolves once it works (the host has its SLAAC address and
// default route, unbound, tayga and the server's peers listen, PREF64 RAs go out); then exec/spawn in
// any namespace, pref64.set() and uplinkDown()/uplinkUp() change what the host sees, addSecondUplink()
// gives the host a second link (second-uplink.ts), moveHostLinkTo() moves its first link to another
// network (other-network.ts); destroy() removes all of it. A failed createLab() removes what it
// made; the process exiting or being signalled removes live labs; destroyLeftoverLabs() removes those
// of runs that were SIGKILLed.

import { mkdtempSync } from 'node:fs';
import { hostIpv6AddressOrigins, type AddressOrigin } from './address-origins.js';
import { cleanupOnExit } from './exit-cleanup.js';
import { LabContext } from './lab-context.js';
import { labNames } from './lab-names.js';
import type { LabProcess } from './lab-process.js';
import { configureServer, disableServerIpv6, serverReady, startServerDaemons, writeServedFile, type ServedFile } from './ipv4-server.js';
import { configureHost, hostSlaacAddress, writeHostResolvConf } from './ipv6-host.js';
import { changeRaLinkMtu, configureRouter, restoreHostLink, routerReady, startRouterDaemons, type RouterOptions } from './isp-router.js';
import { exec, netnsVerb, type ExecOptions, type ExecResult } from './netns-command.js';
import { startNetworkManager, type NetworkManagerControl } from './network-manager.js';
import { pollUntil } from './poll.js';
import { moveHostLinkTo, type HostLinkNetwork } from './other-network.js';
import type { Pref64Control } from './pref64-control.js';
import type { RaTiming } from './radvd-config.js';
import { missingLabPackages } from './required-packages.js';
import { addSecondUplink, type SecondUplink, type SecondUplinkOptions } from './second-uplink.js';
import { destroyLeftoverLabs, teardownLab } from './teardown.js';
import { labRoles, nat64Plans, topology, type LabRole, type Nat64Plan } from './topology.js';

export type { AddressOrigin } from './address-origins.js';
export type { NetworkManagerControl } from './network-manager.js';
export { destroyLeftoverLabs } from './teardown.js';
export type { HostLinkNetwork } from './other-network.js';
export type { SecondUplink } from './second-uplink.js';
export type { LabRole } from './topology.js';

export interface LabOptions {
  /** PREF64 announced from the start: default the first NAT64 prefix; null starts with PREF64 RAs off. */
  readonly pref64?: string | null;
  /** Interval of the PREF64 RAs; default 3 s, or 300 s with real-world RA timing. */
  readonly pref64IntervalMs?: number;
  /**
   * radvd's RA intervals: `lab` (default) every 3 to 10 s; `real-world` every 200 to 600 s, as
   * radvd's defaults and real networks (and the PREF64 RAs every 300 s unless pref64IntervalMs says).
   */
  readonly raTiming?: RaTiming;
  /** An MTU option in radvd's RAs (AdvLinkMTU, RFC 4861 §4.6.4); default none. Change it with setRaLinkMtu(). */
  readonly raLinkMtu?: number | null;
  /**
   * false: ipv4only.arpa has no A records, so DNS64 gives no answer to RFC 7050 queries and PREF64
   * is the only source of the prefix. Default true.
   */
  readonly dns64Ipv4onlyArpa?: boolean;
  /**
   * What the host's resolv.conf names: `dns64` (default) the ISP's DNS64, which the RAs name as
   * RDNSS too; `plain` a second resolver on the link without DNS64 (a VPN's or a public one, not
   * the network's): RFC 7050 through it finds nothing.
   */
  readonly hostResolver?: 'dns64' | 'plain';
  /**
   * Whether radvd's RAs name the ISP's DNS64 as RDNSS (RFC 8106); default true. false: the host learns
   * the network's resolver only as NetworkManager's profile gives it (`networkManagerDns`).
   */
  readonly raRdnss?: boolean;
  /** With `networkManager`: resolvers in the uplink's profile (ipv6.dns), as DHCPv6 would give them; default none. */
  readonly networkManagerDns?: readonly string[];
  /** Lifetime in the PREF64 option; default 3 × the interval, rounded up to 8 s (RFC 8781 §4.1). */
  readonly pref64LifetimeSeconds?: number;
  /** Size of the file the HTTP server serves; default 1 MiB. */
  readonly httpFileBytes?: number;
  /** How long createLab() and uplinkUp() wait for the lab to work; default 20 s. */
  readonly readyTimeoutMs?: number;
  /**
   * The host's uplink managed by the real NetworkManager (network-manager.ts), which does SLAAC
   * itself (the kernel's accept_ra is 0) as on a desktop; default false: the kernel does SLAAC.
   */
  readonly networkManager?: boolean;
}

export interface HostSide {
  readonly ns: string;
  readonly uplink: string;
  /** The SLAAC address the uplink had when the lab was ready (EUI-64 from a fixed MAC: stable). */
  readonly address: string;
  readonly slaacPrefix: string;
  /** The router's link-local address: the host's default route is via this. */
  readonly defaultRouter: string;
  /** The DNS64 resolver in the host's resolv.conf. */
  readonly dnsServer: string;
}

export interface IspSide {
  readonly ns: string;
  readonly hostLink: string;
  readonly linkLocal: string;
  readonly ipv6: string;
  readonly serverLink: string;
  readonly ipv4: string;
  /** unbound, on both families; `plainIpv6`: the resolver without DNS64 (hostResolver 'plain' only). */
  readonly dns: { readonly ipv6: string; readonly ipv4: string; readonly plainIpv6: string };
  readonly dns64Prefix: string;
  /** One tayga each; the first one's prefix is the default PREF64 and the DNS64 prefix. */
  readonly nat64: readonly Nat64Plan[];
  /** An iperf3 on the router at an address inside the first NAT64 prefix, before the NAT64
   * (topology.ts): through a CLAT, `ipv4` reaches it as `ipv6` with no tayga on the way. */
  readonly clatOnly: { readonly ipv4: string; readonly ipv6: string; readonly iperf3Port: number };
}

export interface ServerSide {
  readonly ns: string;
  readonly ipv4: string;
  /** Name with an A record in the lab's DNS. */
  readonly name: string;
  /** The server's address under each NAT64 prefix, in the order of IspSide.nat64. */
  readonly viaNat64: readonly string[];
  readonly http: ServedFile & { readonly port: number };
  readonly udpEchoPort: number;
  readonly iperf3Port: number;
}

const defaultHttpFileBytes = 1024 * 1024;
/** The PREF64 RAs' interval with real-world timing: a few hundred seconds, inside radvd's 200 to 600. */
const realWorldPref64IntervalMs = 300_000;
const defaultReadyTimeoutMs = 20_000;
let labsMade = 0;

export async function createLab(options: LabOptions = {}): Promise<Lab> {
  const startedMs = performance.now();
  if (process.getuid?.() !== 0) throw new Error('lab: needs root (it makes network namespaces and runs daemons in them)');
  const missing = missingLabPackages({ networkManager: options.networkManager === true });
  if (missing.length > 0) throw new Error(`lab: missing Debian packages: ${missing.join(' ')} (apt-get install ${missing.join(' ')})`);
  destroyLeftoverLabs();

  const names = labNames(process.pid, ++labsMade);
  // These names are new to this process, so anything already under them is a dead run's whose pid
  // this process has inherited (destroyLeftoverLabs spared it: the pid runs).
  teardownLab(names);
  // Registered before anything exists, so that even a half-built lab is removed on exit.
  const unregister = cleanupOnExit(() => teardownLab(names));
  const readyTimeoutMs = options.readyTimeoutMs ?? defaultReadyTimeoutMs;
  try {
    const ctx = new LabContext(names, mkdtempSync(names.tempDirPrefix));
    for (const role of labRoles) await exec(netnsVerb('add', ctx.ns(role)));
    writeHostResolvConf(names, options.hostResolver ?? 'dns64');
    const routerOptions: RouterOptions = {
      raTiming: options.raTiming ?? 'lab',
      raLinkMtu: options.raLinkMtu ?? null,
      ipv4onlyArpa: options.dns64Ipv4onlyArpa ?? true,
      plainResolver: options.hostResolver === 'plain',
      raRdnss: options.raRdnss ?? true,
    };
    await disableServerIpv6(ctx);
    await wireLinks(ctx);
    // The host's uplink comes up first: the kernel's DAD of its link-local address (1 s) then runs
    // while the rest is set up, and radvd's first RA, sent as it starts, finds the host listening.
    await Promise.all([configureHost(ctx, options.networkManager ? 'network-manager' : 'kernel'), configureRouter(ctx), configureServer(ctx)]);
    const file = writeServedFile(ctx, options.httpFileBytes ?? defaultHttpFileBytes);
    const pref64 = startRouterDaemons(ctx, routerOptions);
    startServerDaemons(ctx);
    const networkManager = options.networkManager ? await startNetworkManager(ctx, { dns: options.networkManagerDns ?? [] }) : null;

    // When one wait fails, the others stop too rather than poll a lab that is being removed.
    const giveUp = new AbortController();
    const poll = {
      timeoutMs: readyTimeoutMs,
      abortIf: () => {
        giveUp.signal.throwIfAborted();
        ctx.assertDaemonsRunning();
      },
    };
    const waits = [
      pollUntil(() => hostSlaacAddress(ctx), { ...poll, what: "the host's SLAAC address and default route" }),
      pollUntil(async () => (await routerReady(ctx, routerOptions)) || null, { ...poll, what: 'tayga, unbound and iperf3' }),
      pollUntil(async () => (await serverReady(ctx)) || null, { ...poll, what: "the server's HTTP, UDP echo and iperf3" }),
      pollUntil(async () => (networkManager === null || (await networkManager.uplinkConnected())) || null, { ...poll, what: 'NetworkManager to connect the uplink' }),
    ] as const;
    for (const wait of waits) wait.catch(() => giveUp.abort());
    const [address] = await Promise.all(waits);
    const initialPref64 = options.pref64 === undefined ? nat64Plans[0].prefix : options.pref64;
    if (initialPref64 !== null) {
      const intervalMs = options.pref64IntervalMs ?? (routerOptions.raTiming === 'real-world' ? realWorldPref64IntervalMs : undefined);
      await pref64.set(initialPref64, { intervalMs, lifetimeSeconds: options.pref64LifetimeSeconds });
    }
    return new Lab(ctx, { address, file, pref64, networkManager, unregister, readyTimeoutMs, routerOptions, createdInMs: performance.now() - startedMs });
  } catch (error) {
    unregister();
    const problems = teardownLab(names);
    if (problems.length > 0 && error instanceof Error) error.message += ` (and removing the half-built lab: ${problems.join('; ')})`;
    throw error;
  }
}

/** The two veth pairs, made from inside the isp namespace: no end ever exists in the machine's own. */
async function wireLinks(ctx: LabContext): Promise<void> {
  const { host, isp, server } = topology;
  await ctx.ip('isp', 'link', 'add', isp.hostLink, 'address', isp.hostLinkMac, 'type', 'veth', 'peer', 'name', host.uplink, 'address', host.uplinkMac, 'netns', ctx.ns('host'));
  await ctx.ip('isp', 'link', 'add', isp.serverLink, 'address', isp.serverLinkMac, 'type', 'veth', 'peer', 'name', server.link, 'address', server.linkMac, 'netns', ctx.ns('server'));
}

interface LabParts {
  readonly address: string;
  readonly file: ServedFile;
  readonly pref64: Pref64Control;
  readonly networkManager: NetworkManagerControl | null;
  readonly unregister: () => void;
  readonly readyTimeoutMs: number;
  readonly routerOptions: RouterOptions;
  readonly createdInMs: number;
}

export class Lab {
  /** The run prefix of every name, `clt-<pid>-<n>`. */
  readonly id: string;
  readonly namespaces: Readonly<Record<LabRole, string>>;
  /** Configs, logs (`<daemon>.log`) and served files; removed by destroy(). */
  readonly tempDir: string;
  readonly host: HostSide;
  readonly isp: IspSide;
  readonly server: ServerSide;
  /** The PREF64 RAs on the host's link: set(prefix) to announce or change it, set(null) to stop. */
  readonly pref64: Pref64Control;
  /** NetworkManager on the host's uplink, in a lab made with `networkManager: true`; else null. */
  readonly networkManager: NetworkManagerControl | null;
  /** How long createLab() took. */
  readonly createdInMs: number;
  private destroyed = false;

  constructor(
    private readonly ctx: LabContext,
    private readonly parts: LabParts,
  ) {
    const { host, isp, server } = topology;
    this.id = ctx.names.id;
    this.namespaces = ctx.names.namespaces;
    this.tempDir = ctx.tempDir;
    this.pref64 = parts.pref64;
    this.networkManager = parts.networkManager;
    this.createdInMs = parts.createdInMs;
    this.host = { ns: ctx.ns('host'), uplink: host.uplink, address: parts.address, slaacPrefix: isp.slaacPrefix, defaultRouter: isp.linkLocal, dnsServer: isp.ipv6 };
    this.isp = {
      ns: ctx.ns('isp'),
      hostLink: isp.hostLink,
      linkLocal: isp.linkLocal,
      ipv6: isp.ipv6,
      serverLink: isp.serverLink,
      ipv4: isp.ipv4,
      dns: { ipv6: isp.ipv6, ipv4: isp.dnsIpv4, plainIpv6: isp.plainDnsIpv6 },
      dns64Prefix: isp.dns64Prefix,
      nat64: nat64Plans,
      clatOnly: isp.clatOnly,
    };
    this.server = {
      ns: ctx.ns('server'),
      ipv4: server.ipv4,
      name: server.name,
      viaNat64: server.viaNat64,
      http: { ...parts.file, port: server.httpPort },
      udpEchoPort: server.udpEchoPort,
      iperf3Port: server.iperf3Port,
    };
  }

  /** The lab's daemons (tayga ×2, iperf3 on the router, unbound, radvd, pref64-sender, http, udp-echo, iperf3), for their output. */
  get daemons(): readonly LabProcess[] {
    return this.ctx.daemons;
  }

  /** Runs argv in a namespace and collects its output; rejects on a non-zero exit unless `check: false`. */
  async exec(role: LabRole, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    this.assertLive();
    return this.ctx.run(role, argv, options);
  }

  /** Starts argv in a namespace; destroy() stops it if it still runs (it kills what is in the namespaces). */
  spawn(role: LabRole, argv: readonly string[], options: { name?: string; stdin?: boolean } = {}): LabProcess {
    this.assertLive();
    return this.ctx.spawn(role, argv, options);
  }

  /**
   * The host loses its network. `carrier` (default), as when an access point goes away: the router's
   * end of the link goes down and the host's uplink loses its carrier; the kernel keeps the host's
   * addresses and routes (flagged linkdown) and whatever the host configured itself. `admin`, as when
   * the host turns its interface off: the uplink goes down, taking its addresses and routes with it.
   */
  async uplinkDown(how: 'carrier' | 'admin' = 'carrier'): Promise<void> {
    this.assertLive();
    if (how === 'carrier') await this.ctx.ip('isp', 'link', 'set', topology.isp.hostLink, 'down');
    else await this.ctx.ip('host', 'link', 'set', topology.host.uplink, 'down');
  }

  /**
   * Brings the link back from either kind of uplinkDown(); by default resolves once the host has a
   * usable SLAAC address and default route again.
   */
  async uplinkUp(options: { waitForAddress?: boolean } = {}): Promise<void> {
    this.assertLive();
    await this.ctx.ip('host', 'link', 'set', topology.host.uplink, 'up');
    await restoreHostLink(this.ctx);
    if (options.waitForAddress === false) return;
    await pollUntil(() => hostSlaacAddress(this.ctx), {
      timeoutMs: this.parts.readyTimeoutMs,
      what: "the host's SLAAC address after the uplink came back",
      abortIf: () => this.ctx.assertDaemonsRunning(),
    });
  }

  /**
   * radvd announces `mtu` in its RAs from now on (null: no MTU option), reloaded at once; with lab
   * timing the next RA, within 10 s, carries it.
   */
  setRaLinkMtu(mtu: number | null): void {
    this.assertLive();
    changeRaLinkMtu(this.ctx, this.parts.routerOptions, mtu);
  }

  /**
   * A second link from the host to the router, with its own /64, RAs and PREF64 RAs
   * (second-uplink.ts); resolves once the host has its address there.
   */
  async addSecondUplink(options: Omit<SecondUplinkOptions, 'readyTimeoutMs'> = {}): Promise<SecondUplink> {
    this.assertLive();
    return addSecondUplink(this.ctx, { ...options, readyTimeoutMs: this.parts.readyTimeoutMs });
  }

  /**
   * The router's RAs on the host's first link advertise another /64 from now on, as another network
   * would (other-network.ts); with pref64.set(), another PREF64 too.
   */
  async moveHostLinkTo(network: HostLinkNetwork): Promise<void> {
    this.assertLive();
    await moveHostLinkTo(this.ctx, network);
  }

  /** The host's usable SLAAC address now (past DAD, with a default route); null when it has none. */
  async hostAddress(): Promise<string | null> {
    this.assertLive();
    return hostSlaacAddress(this.ctx);
  }

  /** Every IPv6 address of the host namespace with who made it (the kernel from an RA, or a program). */
  async hostAddressOrigins(): Promise<AddressOrigin[]> {
    this.assertLive();
    return hostIpv6AddressOrigins(this.ctx);
  }

  /** Removes the whole lab: processes, namespaces, files. Idempotent. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.parts.unregister();
    const problems = teardownLab(this.ctx.names);
    if (problems.length > 0) throw new Error(`lab ${this.id}: destroy left ${problems.join('; ')}`);
  }

  private assertLive(): void {
    if (this.destroyed) throw new Error(`lab ${this.id} is destroyed`);
  }
}
