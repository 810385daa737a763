// The host namespace: an IPv6-only machine on the access network, where the CLAT will run. Its
// uplink learns everything from the router's RAs: a SLAAC address (RFC 4862), the default route and
// the DNS server (RFC 8106, though nothing in the namespace reads RDNSS: hence resolv.conf). It has no
// IPv4 address and no IPv4 route; IPv4 exists there only on loopback.

import { mkdirSync, writeFileSync } from 'node:fs';
import { BlockList } from 'node:net';
import { join } from 'node:path';
import type { LabContext } from './lab-context.js';
import type { LabNames } from './lab-names.js';
import { topology } from './topology.js';

const { uplink } = topology.host;

/**
 * `raBy: 'kernel'` (the lab's default): the kernel does SLAAC and takes the default route from the
 * RAs. `raBy: 'network-manager'`: the uplink is left down with the kernel's defaults, as at boot, for
 * NetworkManager (network-manager.ts) to bring it up and handle the RAs itself.
 */
export async function configureHost(ctx: LabContext, raBy: 'kernel' | 'network-manager' = 'kernel'): Promise<void> {
  await ctx.ip('host', 'link', 'set', 'lo', 'up');
  if (raBy === 'network-manager') return;
  // accept_ra=2: keep taking RAs even when forwarding is on in this namespace, as it may be once a
  // CLAT routes through it (with 1, the kernel ignores RAs on a forwarding interface).
  // router_solicitation_delay=0: the kernel waits a random 0..that delay (1 s) before the first DAD
  // probe of each address, against a storm of hosts booting together (RFC 4862 §5.4.2); a lab link has
  // one host, and without the wait it is ready about a second sooner. DAD itself still runs.
  await ctx.sysctl('host', {
    [`net.ipv6.conf.${uplink}.accept_ra`]: 2,
    [`net.ipv6.conf.${uplink}.autoconf`]: 1,
    [`net.ipv6.conf.${uplink}.router_solicitation_delay`]: 0,
  });
  await ctx.ip('host', 'link', 'set', uplink, 'up');
}

/**
 * /etc/netns/<host ns>/resolv.conf, which `ip netns exec` mounts over /etc/resolv.conf: the ISP's
 * DNS64 (the RDNSS of its RAs), or with `plain` the resolver without DNS64 (not the network's).
 */
export function writeHostResolvConf(names: LabNames, resolver: 'dns64' | 'plain' = 'dns64'): void {
  const text =
    resolver === 'dns64'
      ? `# Clatter lab ${names.id}: the ISP's DNS64 (unbound in ${names.namespaces.isp})\nnameserver ${topology.isp.ipv6}\n`
      : `# Clatter lab ${names.id}: a resolver without DNS64 (not the one the RAs name)\nnameserver ${topology.isp.plainDnsIpv6}\n`;
  // Retried: a lab being destroyed at the same moment removes /etc/netns when it looks empty.
  for (let attempt = 1; ; attempt++) {
    try {
      mkdirSync(names.hostEtcDir, { recursive: true });
      writeFileSync(join(names.hostEtcDir, 'resolv.conf'), text, { mode: 0o644 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw error;
    }
  }
}

interface IpAddressInfo {
  readonly family: string;
  readonly local: string;
  readonly prefixlen: number;
  readonly dynamic?: boolean;
  readonly tentative?: boolean;
  readonly dadfailed?: boolean;
}

const slaacPrefix = new BlockList();
{
  const [network, length] = topology.isp.slaacPrefix.split('/');
  slaacPrefix.addSubnet(network, Number(length), 'ipv6');
}

/**
 * The host's usable SLAAC address (from the advertised /64, made from an RA, past DAD) once the
 * default route learnt from the RAs is there too; null until then.
 */
export async function hostSlaacAddress(ctx: LabContext): Promise<string | null> {
  const [addresses, routes] = await Promise.all([
    ctx.ip('host', '-j', '-6', 'address', 'show', 'dev', uplink, 'scope', 'global'),
    ctx.ip('host', '-j', '-6', 'route', 'show', 'default', 'dev', uplink),
  ]);
  // Without carrier the kernel keeps the route but flags it "linkdown".
  const defaultRoutes = JSON.parse(routes.stdout || '[]') as { flags?: string[] }[];
  if (!defaultRoutes.some((route) => !(route.flags ?? []).includes('linkdown'))) return null;
  const links = JSON.parse(addresses.stdout || '[]') as { addr_info?: IpAddressInfo[] }[];
  const usable = links
    .flatMap((link) => link.addr_info ?? [])
    .find((a) => a.family === 'inet6' && a.dynamic === true && !a.tentative && !a.dadfailed && slaacPrefix.check(a.local, 'ipv6'));
  return usable?.local ?? null;
}
