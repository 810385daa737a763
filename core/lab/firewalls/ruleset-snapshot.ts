// The host namespace's whole nftables ruleset as text, without what changes by itself as packets
// pass (counters, quotas, dynamic set elements' timeouts) and without rule handles: what two
// snapshots must share when "identical, counters aside" is asserted. iptables-nft, ufw and firewalld
// all keep their rules in nftables tables, so this one listing holds every firewall of the fixtures.

import type { FirewallLab } from './firewall.js';

export async function rulesetSnapshot(lab: Pick<FirewallLab, 'exec'>): Promise<string> {
  // --stateless: counters and quotas without their values (nft(8)); handles are printed only with -a.
  const { stdout } = await lab.exec('host', ['nft', '--stateless', 'list', 'ruleset']);
  return stdout
    .split('\n')
    .map((line) => line.replace(/ # handle \d+$/, '').replace(/ expires \S+/g, ''))
    .join('\n');
}
