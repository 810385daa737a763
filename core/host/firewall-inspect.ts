// This host's nftables rule set, read with nft (`-j` for the structure, `-a` for the text of the
// matches iptables-nft leaves opaque in JSON), and the CLAT's path walked through it
// (firewall-path.ts): for `up` to refuse a delivery mode it knows cannot pass, and for the likely
// causes when replies are not arriving. A host without nft (or where it cannot be read) has no
// rules Clatter can see: that is said, never taken for "no firewall".

import type { NftRuleset } from './nft-ruleset.js';
import { parseNftRuleset } from './nft-ruleset.js';
import { clatPathPackets, describeFirewallRule, uniqueRules, walkPath, type ClatPathNames, type PathVerdict } from './firewall-path.js';
import { runCommand } from './run-command.js';

export type FirewallReading = { readonly ok: true; readonly ruleset: NftRuleset } | { readonly ok: false; readonly error: string };

/** `nft -j list ruleset` completed by `nft -a list ruleset`. */
export async function readFirewall(): Promise<FirewallReading> {
  const [structure, listing] = await Promise.all([runCommand('nft', ['-j', 'list', 'ruleset'], 5000), runCommand('nft', ['-a', 'list', 'ruleset'], 5000)]);
  if (!structure.ok) return { ok: false, error: structure.error };
  let json: unknown;
  try {
    json = JSON.parse(structure.stdout);
  } catch {
    return { ok: false, error: 'nft -j list ruleset: output is not JSON' };
  }
  const parsed = parseNftRuleset(json, listing.ok ? listing.stdout : undefined);
  return parsed.ok ? { ok: true, ruleset: parsed.ruleset } : { ok: false, error: `nft -j list ruleset: ${parsed.error}` };
}

/** The CLAT's path in `delivery` mode through this host's firewall. */
export async function inspectClatPath(delivery: string, names: ClatPathNames): Promise<{ ok: true; verdicts: PathVerdict[] } | { ok: false; error: string }> {
  const firewall = await readFirewall();
  if (!firewall.ok) return firewall;
  try {
    return { ok: true, verdicts: walkPath(firewall.ruleset, clatPathPackets(delivery, names)) };
  } catch (error) {
    // A rule set too large to walk (thousands of rules the model cannot judge nest the walk as
    // deep): not known, which neither refuses nor names anything.
    return { ok: false, error: `the rule set could not be walked: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Refuses a delivery mode whose packets this host's firewall certainly drops, naming the rules
 * (`up` says so instead of saying "running" while every reply is lost). Nothing to refuse when the
 * rules cannot be read or a rule the model cannot judge might let the packets pass.
 */
export async function refuseBlockedPath(delivery: string, names: ClatPathNames): Promise<{ ok: true } | { ok: false; error: string }> {
  const inspected = await inspectClatPath(delivery, names);
  if (!inspected.ok) return { ok: true };
  const blocked = inspected.verdicts.filter((verdict) => verdict.blockedBy !== null);
  if (blocked.length === 0) return { ok: true };
  const rules = uniqueRules(blocked.map((verdict) => verdict.blockedBy!)).map(describeFirewallRule);
  const what = blocked.map((verdict) => verdict.packet.what).join(' and ');
  // Ingress delivery crosses no IPv6 hook: it passes a forward or output drop; nothing passes an input one.
  const ipv6Only = blocked.every((verdict) => verdict.packet.family === 'ipv6');
  return {
    ok: false,
    error: `this host's firewall drops the CLAT's packets (${what}): ${rules.join('; ')}. ` +
      (ipv6Only ? 'Allow them there, or use ingress delivery, which does not cross it (--delivery ingress, the default where nftables is)' : 'Allow them there'),
  };
}
