// Why replies may not be arriving through the CLAT, in the order to suspect them (issue 11): a
// firewall rule (on this host, named when it can be found), the NAT64 out of reach, a stale prefix.
// Each cause is always listed, with what was found of it: `found` when something specific points
// to it. Pure: the findings come from core/host (firewall-inspect.ts, nat64-route.ts) and the
// prefix the discovery holds.

import { prefixSourceNames, type LikelyCause, type PrefixInfo } from '../api/status.js';
import { describeFirewallRule, uniqueRules, type PathVerdict } from '../host/firewall-path.js';
import type { Nat64RouteFinding } from '../host/nat64-route.js';

export function firewallCause(inspected: { ok: true; verdicts: readonly PathVerdict[] } | { ok: false; error: string }): LikelyCause {
  if (!inspected.ok) return { kind: 'firewall', found: false, text: `a firewall rule (this host's rules could not be read: ${inspected.error})` };
  const certain = inspected.verdicts.filter((verdict) => verdict.blockedBy !== null);
  if (certain.length > 0) {
    const rules = uniqueRules(certain.map((verdict) => verdict.blockedBy!)).map(describeFirewallRule);
    return { kind: 'firewall', found: true, text: `a firewall rule drops the CLAT's ${certain.map((verdict) => verdict.packet.what).join(' and ')}: ${rules.join('; ')}` };
  }
  const possible = uniqueRules(inspected.verdicts.flatMap((verdict) => verdict.mayBeBlockedBy)).map(describeFirewallRule);
  if (possible.length > 0) return { kind: 'firewall', found: true, text: `a firewall rule may drop the CLAT's packets: ${possible.join('; ')}` };
  return { kind: 'firewall', found: false, text: "a firewall rule on the way (none on this host drops the CLAT's packets)" };
}

export function nat64Cause(prefix: string, finding: Nat64RouteFinding): LikelyCause {
  switch (finding.kind) {
    case 'no-route':
      return { kind: 'nat64', found: true, text: `the NAT64 is unreachable: no route to ${finding.address} under ${prefix} (${finding.reason})` };
    case 'other-device':
      return { kind: 'nat64', found: true, text: `the NAT64 is unreachable through the uplink: ${prefix} is routed via ${finding.dev}${finding.gateway === null ? '' : ` (${finding.gateway})`}` };
    case 'router-silent':
      return { kind: 'nat64', found: true, text: `the NAT64 is unreachable: the router ${finding.gateway} on ${finding.dev} does not answer (neighbour ${finding.state})` };
    case 'routed':
      return { kind: 'nat64', found: false, text: `the NAT64 unreachable (${prefix} is routed via ${finding.gateway ?? 'the link'} on ${finding.dev}; what lies beyond cannot be seen from here)` };
    case 'unknown':
      return { kind: 'nat64', found: false, text: `the NAT64 unreachable (its route could not be read: ${finding.reason})` };
  }
}

/**
 * A prefix past its lifetime: a router refreshes PREF64 well before its lifetime ends (RFC 8781 §4:
 * by default three times its longest RA interval), and a DNS64 answer is asked again before its TTL
 * runs out (RFC 7050 §3), so one past it was not refreshed. (When it was last refreshed is not
 * known here: the prefix keeps the time it was first learned.)
 */
export function prefixCause(prefix: PrefixInfo, nowMs: number): LikelyCause {
  const source = prefixSourceNames[prefix.source];
  if (prefix.expiresAtMs === null) {
    return { kind: 'prefix', found: false, text: `a stale NAT64 prefix (${prefix.prefix} is ${source}, never refreshed: is it this network's?)` };
  }
  if (nowMs >= prefix.expiresAtMs) {
    return { kind: 'prefix', found: true, text: `a stale NAT64 prefix: ${prefix.prefix} from ${source} expired ${duration(nowMs - prefix.expiresAtMs)} ago` };
  }
  return { kind: 'prefix', found: false, text: `a stale NAT64 prefix (${prefix.prefix} from ${source}, valid for ${duration(prefix.expiresAtMs - nowMs)} more)` };
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}
