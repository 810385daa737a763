// The isp namespace: the operator's router between the IPv6-only access link and the IPv4 world.
// It routes IPv6 to the host and IPv4 to the server, advertises itself (radvd, plus PREF64 RAs from
// our sender), resolves with DNS64 (unbound) and translates (tayga, one per NAT64 prefix, behind an
// nftables masquerade). Setup comes in two steps so that the daemons start only once every address
// and route they need exists.

import { mkdirSync, readFileSync } from 'node:fs';
import type { LabContext } from './lab-context.js';
import { natRuleset } from './nat-ruleset.js';
import { Pref64Control } from './pref64-control.js';
import { pref64SenderFileName, pref64SenderScript } from './pref64-sender-script.js';
import { radvdConfig, type RaTiming } from './radvd-config.js';
import { python3 } from './required-packages.js';
import { taygaConfig } from './tayga-config.js';
import { nat64Plans, topology } from './topology.js';
import { unboundFiles } from './unbound-config.js';

const { isp } = topology;

/** What kind of network the router makes (LabOptions, lab.ts). */
export interface RouterOptions {
  readonly raTiming: RaTiming;
  /** radvd's AdvLinkMTU; null: no MTU option. */
  readonly raLinkMtu: number | null;
  /** ipv4only.arpa has its A records, so DNS64 answers RFC 7050 queries. */
  readonly ipv4onlyArpa: boolean;
  /** A second resolver, without DNS64, on isp.plainDnsIpv6. */
  readonly plainResolver: boolean;
  /** radvd names the router's DNS64 resolver as RDNSS. */
  readonly raRdnss: boolean;
}

/** Addresses, routes, forwarding, TUNs and NAT: everything but the daemons. */
export async function configureRouter(ctx: LabContext): Promise<void> {
  await ctx.sysctl('isp', {
    'net.ipv6.conf.all.forwarding': 1,
    'net.ipv4.ip_forward': 1,
    // uplinkDown() may take this link down: keep its global address meanwhile (IPv6 drops addresses
    // of a link that goes down), which unbound listens on. The link-local one goes regardless.
    [`net.ipv6.conf.${isp.hostLink}.keep_addr_on_down`]: 1,
  });
  await ctx.ip('isp', 'link', 'set', 'lo', 'up');
  await ctx.ip('isp', 'address', 'add', `${isp.dnsIpv4}/32`, 'dev', 'lo');
  await ctx.ip('isp', 'address', 'add', `${isp.clatOnly.ipv6}/128`, 'dev', 'lo', 'nodad');

  await ctx.ip('isp', 'link', 'set', isp.hostLink, 'addrgenmode', 'none');
  await restoreHostLink(ctx);

  await ctx.ip('isp', 'address', 'add', `${isp.ipv4}/24`, 'dev', isp.serverLink);
  await ctx.ip('isp', 'link', 'set', isp.serverLink, 'up');

  for (const plan of nat64Plans) {
    const dataDir = ctx.path(`tayga-${plan.tun}`);
    mkdirSync(dataDir);
    const config = ctx.writeFile(`tayga-${plan.tun}.conf`, taygaConfig(plan, dataDir));
    // A persistent TUN made before tayga starts, so that it can be routed to before tayga runs.
    await ctx.run('isp', ['tayga', '--config', config, '--mktun']);
    await ctx.ip('isp', 'link', 'set', plan.tun, 'up');
    await ctx.ip('isp', 'route', 'add', plan.pool, 'dev', plan.tun);
    await ctx.ip('isp', '-6', 'route', 'add', plan.prefix, 'dev', plan.tun);
  }
  await ctx.run('isp', ['nft', '-f', '-'], { input: natRuleset() });
}

/**
 * Brings the router's end of the host link up with its addresses: at setup, and after uplinkDown().
 * The link-local address is fixed, so that the host's default route reads `via fe80::1`; it is put
 * back each time because the kernel removes link-local addresses whenever the link goes down, and
 * radvd and the PREF64 sender send from it. nodad: usable at once, and no one else on the link could
 * hold these addresses.
 */
export async function restoreHostLink(ctx: LabContext): Promise<void> {
  await ctx.ip('isp', 'address', 'replace', `${isp.linkLocal}/64`, 'dev', isp.hostLink, 'nodad');
  await ctx.ip('isp', 'address', 'replace', `${isp.ipv6}/64`, 'dev', isp.hostLink, 'nodad');
  await ctx.ip('isp', 'address', 'replace', `${isp.plainDnsIpv6}/64`, 'dev', isp.hostLink, 'nodad');
  await ctx.ip('isp', 'link', 'set', isp.hostLink, 'up');
}

/** Starts tayga, unbound (and the plain resolver), radvd and the PREF64 sender (silent until told what to announce). */
export function startRouterDaemons(ctx: LabContext, options: RouterOptions): Pref64Control {
  for (const plan of nat64Plans) {
    ctx.startDaemon('isp', `tayga-${plan.tun}`, ['tayga', '--config', ctx.path(`tayga-${plan.tun}.conf`), '--nodetach']);
  }

  ctx.startDaemon('isp', 'iperf3-clat-only', ['iperf3', '--server', '--bind', isp.clatOnly.ipv6, '--port', String(isp.clatOnly.iperf3Port)]);

  const unbound = unboundFiles(ctx.tempDir, { ipv4onlyArpa: options.ipv4onlyArpa });
  for (const zone of unbound.zones) ctx.writeFile(zone.fileName, zone.text);
  ctx.startDaemon('isp', 'unbound', ['unbound', '-d', '-c', ctx.writeFile('unbound.conf', unbound.config)]);
  if (options.plainResolver) {
    const plain = unboundFiles(ctx.tempDir, { role: 'plain' });
    for (const zone of plain.zones) ctx.writeFile(zone.fileName, zone.text);
    ctx.startDaemon('isp', 'unbound-plain', ['unbound', '-d', '-c', ctx.writeFile('unbound-plain.conf', plain.config)]);
  }

  // radvd forks a privilege-separation helper that outlives radvd by a moment and, orphaned, waits as
  // a zombie for init to reap it. As PID 1 of a PID namespace of its own, radvd takes the helper
  // down with it and the kernel reaps it (pid_namespaces(7)); unshare's --kill-child passes our
  // SIGTERM on.
  const radvd = ctx.writeFile('radvd.conf', radvdConfig({ timing: options.raTiming, linkMtu: options.raLinkMtu, rdnss: options.raRdnss }));
  ctx.startDaemon('isp', 'radvd', [
    ...['unshare', '--pid', '--fork', '--kill-child=SIGTERM'],
    ...['radvd', '--nodaemon', '--config', radvd, '--pidfile', ctx.path('radvd.pid'), '--logmethod', 'stderr'],
  ]);

  const sender = ctx.startDaemon(
    'isp',
    'pref64-sender',
    [python3, ctx.writeFile(pref64SenderFileName, pref64SenderScript), isp.hostLink, isp.linkLocal, String(topology.routerLifetimeSeconds)],
    { stdin: true },
  );
  return new Pref64Control(sender);
}

/**
 * radvd announces `linkMtu` from now on (null: no MTU option): its configuration rewritten and
 * reloaded (SIGHUP); the RAs that follow carry it.
 */
export function changeRaLinkMtu(ctx: LabContext, options: RouterOptions, linkMtu: number | null): void {
  ctx.writeFile('radvd.conf', radvdConfig({ timing: options.raTiming, linkMtu, rdnss: options.raRdnss }));
  const unshare = ctx.daemons.find((daemon) => daemon.name === 'radvd');
  if (unshare === undefined || unshare.exit !== null) throw new Error('lab: radvd is not running');
  // radvd is the one child of `unshare --fork` (its PID namespace's init); a signal to unshare
  // would end it, so the reload goes to radvd itself, found by its parent's pid.
  const children = readFileSync(`/proc/${unshare.pid}/task/${unshare.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  if (children.length !== 1) throw new Error(`lab: expected radvd as the one child of ${unshare.pid}, found ${children.join(', ') || 'none'}`);
  process.kill(Number(children[0]), 'SIGHUP');
}

/** True once every tayga holds its TUN (carrier up) and unbound listens on both its addresses. */
export async function routerReady(ctx: LabContext, options: RouterOptions): Promise<boolean> {
  const [links, sockets] = await Promise.all([ctx.ip('isp', '-j', 'link', 'show'), ctx.listeningSockets('isp')]);
  const carriers = new Map((JSON.parse(links.stdout) as { ifname: string; flags: string[] }[]).map((l) => [l.ifname, l.flags.includes('LOWER_UP')]));
  const tunsHeld = nat64Plans.every((plan) => carriers.get(plan.tun) === true);
  const dnsListening =
    sockets.has(`udp [${isp.ipv6}]:53`) && sockets.has(`udp ${isp.dnsIpv4}:53`) && (!options.plainResolver || sockets.has(`udp [${isp.plainDnsIpv6}]:53`));
  const iperf3Listening = sockets.has(`tcp [${isp.clatOnly.ipv6}]:${isp.clatOnly.iperf3Port}`);
  return tunsHeld && dnsListening && iperf3Listening;
}
