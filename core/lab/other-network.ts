// The host's first link (uplink ↔ host0) moves to another network, as a laptop that roams (or wakes
// up) somewhere else: the router's RAs there advertise another /64 and, through lab.pref64, another
// PREF64. The lab's radvd is told by SIGHUP, radvd's way to re-read its configuration, after its
// config file is rewritten; the router holds an address in the new /64 so that it routes it to the
// link. A host that kept an address of the old network (the kernel keeps SLAAC addresses through a
// carrier loss) must not get through with it, as it would not on a real other network: the router
// takes only the new /64's sources from the link (ingress filtering, BCP 38 / RFC 3704), besides the
// link-local and unspecified sources of neighbour discovery. The old /64's router address stays
// on the link (unbound listens on it, and it is the RDNSS).

import { readFileSync } from 'node:fs';
import type { LabContext } from './lab-context.js';
import { exec, netnsVerb } from './netns-command.js';
import { radvdLinkConfig } from './radvd-link-config.js';
import { topology } from './topology.js';

export interface HostLinkNetwork {
  /** The /64 the router advertises on host0 from now on. */
  readonly slaacPrefix: string;
  /** The router's address in it. */
  readonly routerAddress: string;
}

/** Rewrites radvd's config for `network` and makes radvd re-read it; resolves once radvd has. */
export async function moveHostLinkTo(ctx: LabContext, network: HostLinkNetwork): Promise<void> {
  const { isp } = topology;
  await ctx.ip('isp', 'address', 'replace', `${network.routerAddress}/64`, 'dev', isp.hostLink, 'nodad');
  await ctx.run('isp', ['nft', '-f', '-'], { input: sourceFilter(network.slaacPrefix) });
  const configPath = ctx.writeFile('radvd.conf', radvdLinkConfig({ link: isp.hostLink, slaacPrefix: network.slaacPrefix, dnsServer: isp.ipv6 }));
  const radvd = ctx.daemons.find((daemon) => daemon.name === 'radvd');
  if (radvd === undefined) throw new Error('lab: radvd is not running');
  const rereads = countRereads(radvd.output);
  process.kill(await radvdPid(ctx, configPath), 'SIGHUP');
  await radvd.waitForOutput(new RegExp(`(?:${rereadPattern.source}[^]*){${rereads + 1}}`), 5_000);
}

export const sourceFilterTable = 'clatter_lab_network';

/** The router's ingress filter on the host link (replacing the previous one in one transaction). */
function sourceFilter(slaacPrefix: string): string {
  return `table ip6 ${sourceFilterTable}
delete table ip6 ${sourceFilterTable}
table ip6 ${sourceFilterTable} {
  chain prerouting {
    type filter hook prerouting priority raw; policy accept;
    iifname "${topology.isp.hostLink}" ip6 saddr != { ::, fe80::/10, ${slaacPrefix} } counter drop
  }
}
`;
}

/** What radvd 2.19 logs when a SIGHUP makes it read its config again. */
const rereadPattern = /attempting to reread config file/;

function countRereads(output: string): number {
  return output.split(rereadPattern).length - 1;
}

/**
 * The pid (as this machine sees it) of the radvd that reads `configPath`: the one that is PID 1 of
 * its own PID namespace, not its privilege-separation helper, which a SIGHUP would end.
 */
async function radvdPid(ctx: LabContext, configPath: string): Promise<number> {
  const { stdout } = await exec(netnsVerb('pids', ctx.ns('isp')));
  for (const pid of stdout.split('\n').filter((line) => line !== '').map(Number)) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const nsPids = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1].trim().split(/\s+/) ?? [];
      if (argv[0].endsWith('radvd') && argv.includes(configPath) && nsPids.at(-1) === '1') return pid;
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`lab: no radvd reading ${configPath} in ${ctx.ns('isp')}`);
}
