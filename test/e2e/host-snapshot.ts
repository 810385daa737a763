// What the CLAT may change in the host namespace, captured as text, so that "down restores the host"
// is one string comparison with a line diff on failure: addresses and links, every IPv4 and IPv6
// route table, the proxy neighbours, the nftables rule set (the packet-socket and NAT66 deliveries
// load one), and each sysctl core/host/host-setup.ts writes (the TUN's own settings go with the TUN).

import type { Lab } from '../../core/lab/lab.js';

/**
 * The kernel counts these down by itself every second (address lifetimes, the expiry of RA-learned
 * routes), and each RA resets them: they differ between any two snapshots, CLAT or not. They are
 * the only thing removed; every other field must be identical.
 */
export const countdownFields: ReadonlySet<string> = new Set(['valid_life_time', 'preferred_life_time', 'expires']);

/**
 * `unordered`: the listing is a set whose order says nothing of the state. Routes of the same prefix
 * and metric on two interfaces (fe80::/64, ff00::/8) are listed in the order they were made, which
 * an interface going down and up changes.
 */
const jsonCommands: readonly { readonly argv: readonly string[]; readonly unordered?: boolean }[] = [
  { argv: ['ip', '-j', 'addr'] },
  { argv: ['ip', '-j', '-4', 'route', 'show', 'table', 'all'], unordered: true },
  { argv: ['ip', '-j', '-6', 'route', 'show', 'table', 'all'], unordered: true },
  { argv: ['ip', '-j', '-6', 'neigh', 'show', 'proxy'] },
  { argv: ['nft', '-j', 'list', 'ruleset'] },
];

/**
 * The sysctls host-setup.ts touches on each uplink, the global switches it must leave alone, and how
 * each uplink makes its addresses (autoconf, addr_gen_mode: NetworkManager sets them for its own
 * SLAAC; a CLAT must not hand SLAAC back to the kernel).
 */
function sysctlKeys(uplinks: readonly string[]): string[] {
  const perUplink = uplinks.flatMap((uplink) => [
    ...['accept_ra', 'autoconf', 'addr_gen_mode', 'forwarding', 'force_forwarding', 'proxy_ndp'].map((name) => `net.ipv6.conf.${uplink}.${name}`),
    `net.ipv6.neigh.${uplink}.proxy_delay`,
  ]);
  return [...perUplink, 'net.ipv6.conf.all.forwarding', 'net.ipv6.conf.all.force_forwarding', 'net.ipv6.conf.default.forwarding'];
}

function withoutCountdowns(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCountdowns);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !countdownFields.has(key)).map(([key, field]) => [key, withoutCountdowns(field)]));
  }
  return value;
}

/** `ip -j` (or `nft -j`) output as indented JSON without the countdown fields (ip prints nothing for an empty list). */
export function normaliseIpJson(text: string, options: { unordered?: boolean } = {}): string {
  const trimmed = text.trim();
  const value = withoutCountdowns(trimmed === '' ? [] : JSON.parse(trimmed));
  if (options.unordered !== true || !Array.isArray(value)) return JSON.stringify(value, null, 1);
  const entries = value.map((entry) => JSON.stringify(entry, null, 1)).sort();
  return entries.length === 0 ? '[]' : `[\n${entries.join(',\n')}\n]`;
}

/**
 * The host namespace's network state as one text, a section per command; `uplinks` names the
 * interfaces whose sysctls count (default the lab's uplink; a CLAT that moves touches each).
 */
export async function hostSnapshot(lab: Lab, uplinks: readonly string[] = [lab.host.uplink]): Promise<string> {
  const sections: string[] = [];
  for (const { argv, unordered } of jsonCommands) {
    const { stdout } = await lab.exec('host', argv);
    sections.push(`## ${argv.join(' ')}\n${normaliseIpJson(stdout, { unordered })}`);
  }
  const keys = sysctlKeys(uplinks);
  const { stdout } = await lab.exec('host', ['sysctl', ...keys]);
  sections.push(`## sysctl\n${stdout.trim()}`);
  return `${sections.join('\n')}\n`;
}
