// Whether a host link has joined its network: a usable SLAAC address in the advertised /64 and a
// default route through it that has its carrier. For the links the lab adds after it is built
// (second-uplink.ts, other-network.ts); the first uplink's own check is ipv6-host.ts's.

import { BlockList } from 'node:net';
import type { LabContext } from './lab-context.js';

interface IpAddressInfo {
  readonly family: string;
  readonly local: string;
  readonly dynamic?: boolean;
  readonly tentative?: boolean;
  readonly dadfailed?: boolean;
  readonly deprecated?: boolean;
}

/** The usable SLAAC address of `dev` in `slaacPrefix` (past DAD, not deprecated, with a live default route via `dev`); null until then. */
export async function slaacAddressOn(ctx: LabContext, dev: string, slaacPrefix: string): Promise<string | null> {
  const [addresses, routes] = await Promise.all([
    ctx.ip('host', '-j', '-6', 'address', 'show', 'dev', dev, 'scope', 'global'),
    ctx.ip('host', '-j', '-6', 'route', 'show', 'default', 'dev', dev),
  ]);
  const defaultRoutes = JSON.parse(routes.stdout || '[]') as { flags?: string[] }[];
  if (!defaultRoutes.some((route) => !(route.flags ?? []).includes('linkdown'))) return null;
  const prefix = new BlockList();
  const [network, length] = slaacPrefix.split('/');
  prefix.addSubnet(network, Number(length), 'ipv6');
  const links = JSON.parse(addresses.stdout || '[]') as { addr_info?: IpAddressInfo[] }[];
  const usable = links
    .flatMap((link) => link.addr_info ?? [])
    .find((a) => a.family === 'inet6' && a.dynamic === true && !a.tentative && !a.dadfailed && !a.deprecated && prefix.check(a.local, 'ipv6'));
  return usable?.local ?? null;
}
