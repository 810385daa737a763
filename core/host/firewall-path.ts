// Would the host's firewall let the CLAT's packets through? A small, cautious evaluator of an
// nftables rule set (nft-ruleset.ts) for a few model packets: the IPv6 packets of the CLAT's
// delivery mode (a new connection leaving, a reply coming back) and the IPv4 reply the host's
// program receives. Each base chain on the packet's hook (nft(8) "ADDRESS FAMILIES": ip6 and inet
// for IPv6, ip and inet for IPv4) is walked as the kernel would: rules in order, jump/goto/return,
// the chain's policy at its end; an accept ends one base chain and the next one on the hook still
// sees the packet, a drop anywhere is final.
//
// A rule's matches are judged three-valued: yes, no, or maybe (a mark, a port, a rate limit, an
// address the model does not know). A maybe-rule splits the walk: the outcome is the union of both
// ways. So a drop is *certain* only when every way ends in one (what `up` may refuse on: Clatter
// knows it cannot pass) and *possible* when some way does (a likely cause when replies are not
// arriving). Rules are named as a person would look for them, with who probably wrote them
// (iptables-nft's tables, Docker's and ufw's chains, firewalld's table).

import { parseIpv6 } from '../wire/address.js';
import { parseNftRuleset, type NftChain, type NftRule, type NftRuleset } from './nft-ruleset.js';
import { protocolKeywords } from '../wire/protocol.js';

/** One packet of the CLAT's path, as the firewall sees it. */
export interface PathPacket {
  /** What it is, in words ("new connections forwarded from clat to uplink"). */
  readonly what: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly hook: 'forward' | 'input' | 'output';
  /** The interfaces it arrives on and leaves by; '' where the hook has none (input: no oif). */
  readonly iifname: string;
  readonly oifname: string;
  readonly l4proto: 'tcp';
  readonly ctState: 'new' | 'established';
  /** Conntrack's status bits (nft's `ct status`): `snat` for nat66's replies; none otherwise. */
  readonly ctStatus: readonly string[];
  /** IPv6 source and destination, where known. */
  readonly saddr?: string;
  readonly daddr?: string;
}

/** A rule (or a chain's policy) that drops a packet of the CLAT's. */
export interface FirewallRule {
  readonly family: string;
  readonly table: string;
  readonly chain: string;
  /** The base chain the packet entered by, when the rule is in a chain it jumped to. */
  readonly via: string | null;
  /** null: the chain's policy. */
  readonly handle: number | null;
  /** `policy drop`, or the rule as nft lists it (`reject with icmpx admin-prohibited`), or its verdict. */
  readonly rule: string;
  /** Who probably wrote it: `firewalld`, `iptables-nft: Docker`, `iptables-nft: ufw`, `iptables-nft`. */
  readonly owner: string | null;
}

export interface PathVerdict {
  readonly packet: PathPacket;
  /** A rule that drops it whatever the rules the model cannot judge do; null: none. */
  readonly blockedBy: FirewallRule | null;
  /** Rules that drop it on some way through the rules (the certain one excluded). */
  readonly mayBeBlockedBy: readonly FirewallRule[];
}

/** How a firewall rule reads in `status`, the UI and `up`'s refusal. */
export function describeFirewallRule(rule: FirewallRule): string {
  const via = rule.via === null ? '' : ` (from ${rule.via})`;
  const what = rule.handle === null ? ' policy drop' : `: ${rule.rule}`;
  const owner = rule.owner === null ? '' : ` (${rule.owner})`;
  return `table ${rule.family} ${rule.table} chain ${rule.chain}${via}${what}${owner}`;
}

/**
 * The packets of the CLAT's path that a host firewall sees, by delivery mode:
 * - force-forwarding, nat66: the IPv6 packets are forwarded between the uplink and the TUN (forward hook);
 * - packet-socket: they leave from a raw socket (output hook) and arrive through a packet socket,
 *   before any hook;
 * - any mode: the translated IPv4 reply enters the host from the TUN (input hook).
 * Other modes (a delivery at the devices' ingress) cross no IPv6 hook.
 */
export function clatPathPackets(delivery: string, names: ClatPathNames): PathPacket[] {
  const { uplink, tun } = names;
  // The CLAT's address and one under the NAT64 prefix: the outgoing packet's source and destination.
  const local = names.clatIpv6 === undefined ? {} : { saddr: names.clatIpv6 };
  const remote = names.nat64Address === undefined ? {} : { daddr: names.nat64Address };
  const reversed = { ...(names.nat64Address === undefined ? {} : { saddr: names.nat64Address }), ...(names.clatIpv6 === undefined ? {} : { daddr: names.clatIpv6 }) };
  const packets: PathPacket[] = [];
  if (delivery === 'force-forwarding' || delivery === 'nat66') {
    // nat66: the replies are translated back by conntrack (masquerade), before the forward hook.
    const replyStatus = delivery === 'nat66' ? ['snat'] : [];
    packets.push(
      { what: `new connections forwarded from ${tun} to ${uplink}`, family: 'ipv6', hook: 'forward', iifname: tun, oifname: uplink, l4proto: 'tcp', ctState: 'new', ctStatus: [], ...local, ...remote },
      { what: `replies forwarded from ${uplink} to ${tun}`, family: 'ipv6', hook: 'forward', iifname: uplink, oifname: tun, l4proto: 'tcp', ctState: 'established', ctStatus: replyStatus, ...reversed },
    );
  } else if (delivery === 'packet-socket') {
    packets.push({ what: `new connections sent on ${uplink}`, family: 'ipv6', hook: 'output', iifname: '', oifname: uplink, l4proto: 'tcp', ctState: 'new', ctStatus: [], ...local, ...remote });
  }
  packets.push({ what: `IPv4 replies arriving from ${tun}`, family: 'ipv4', hook: 'input', iifname: tun, oifname: '', l4proto: 'tcp', ctState: 'established', ctStatus: [] });
  return packets;
}

export interface ClatPathNames {
  readonly uplink: string;
  readonly tun: string;
  /** The CLAT's IPv6 address, where known (matches on addresses are judged with it). */
  readonly clatIpv6?: string;
  /** An address under the NAT64 prefix (its first), where known. */
  readonly nat64Address?: string;
}

/** Each packet's way through the rule set's base chains on its hook. */
export function walkPath(ruleset: NftRuleset, packets: readonly PathPacket[]): PathVerdict[] {
  return packets.map((packet) => new PacketWalk(ruleset, packet).verdict());
}

/**
 * The rules that certainly drop the CLAT's forwarded packets (force-forwarding and nat66
 * delivery), for `up` to refuse with: `rulesetJson` is `nft -j list ruleset` parsed, `listing`
 * `nft -a list ruleset` (optional: it resolves iptables-nft's conntrack matches).
 */
export function forwardPolicyBlockers(rulesetJson: unknown, names: ClatPathNames, listing?: string): FirewallRule[] {
  const parsed = parseNftRuleset(rulesetJson, listing);
  if (!parsed.ok) return [];
  const forwarded = clatPathPackets('force-forwarding', names).filter((packet) => packet.hook === 'forward');
  return uniqueRules(walkPath(parsed.ruleset, forwarded).flatMap((verdict) => (verdict.blockedBy === null ? [] : [verdict.blockedBy])));
}

/** Rules in order, each once. */
export function uniqueRules(rules: readonly FirewallRule[]): FirewallRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const key = describeFirewallRule(rule);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Tri = 'yes' | 'no' | 'maybe';

/** The possible ends of a walk from some rule on: accepted, returned to the caller, dropped (by the rule named). */
interface Outcome {
  readonly accept: boolean;
  readonly ret: boolean;
  readonly drop: FirewallRule | null;
}

const accepted: Outcome = { accept: true, ret: false, drop: null };
const returned: Outcome = { accept: false, ret: true, drop: null };
/** What a walk too deep (nft allows 16 jumps) or into an unknown chain may do: anything. */
const unknownOutcome: Outcome = { accept: true, ret: true, drop: null };

/** Either way: the drop of `rest` (the way where the uncertain rule did not match) named first. */
function either(matched: Outcome, rest: Outcome): Outcome {
  return { accept: matched.accept || rest.accept, ret: matched.ret || rest.ret, drop: rest.drop ?? matched.drop };
}

type Verdict =
  | { readonly kind: 'accept' | 'return' | 'continue' }
  | { readonly kind: 'drop'; readonly word: string }
  | { readonly kind: 'jump' | 'goto'; readonly target: string }
  | { readonly kind: 'any'; readonly options: readonly Verdict[] };

const maxDepth = 16;

class PacketWalk {
  private readonly memo = new Map<string, Outcome>();
  private readonly owners = new Map<string, string | null>();

  constructor(
    private readonly ruleset: NftRuleset,
    private readonly packet: PathPacket,
  ) {}

  verdict(): PathVerdict {
    const families = this.packet.family === 'ipv6' ? ['ip6', 'inet'] : ['ip', 'inet'];
    const chains = this.ruleset.chains
      .filter((chain) => chain.hook === this.packet.hook && families.includes(chain.family) && chain.type !== 'nat' && !isClattersOwn(chain))
      .sort((a, b) => a.priority - b.priority);
    const possible: FirewallRule[] = [];
    for (const chain of chains) {
      const outcome = this.baseChain(chain);
      if (outcome.drop !== null && !outcome.accept) return { packet: this.packet, blockedBy: outcome.drop, mayBeBlockedBy: possible };
      if (outcome.drop !== null) possible.push(outcome.drop);
    }
    return { packet: this.packet, blockedBy: null, mayBeBlockedBy: possible };
  }

  private baseChain(chain: NftChain): Outcome {
    const outcome = this.from(chain, 0, chain.name, 0);
    if (!outcome.ret) return outcome;
    // Falling off the end of a base chain: its policy (nft(8): accept unless it says drop).
    const policy: Outcome = chain.policy === 'drop' ? { accept: false, ret: false, drop: this.blame(chain, null, null, 'policy drop') } : accepted;
    return either({ ...outcome, ret: false }, policy);
  }

  /** The outcome of the walk through `chain` from rule `index` on. */
  private from(chain: NftChain, index: number, via: string, depth: number): Outcome {
    const key = `${chain.family} ${chain.table} ${chain.name} ${index} ${via}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const outcome = this.walkFrom(chain, index, via, depth);
    this.memo.set(key, outcome);
    return outcome;
  }

  private walkFrom(chain: NftChain, index: number, via: string, depth: number): Outcome {
    for (let i = index; i < chain.rules.length; i++) {
      const rule = chain.rules[i];
      const { match, verdict } = this.judge(rule);
      if (match === 'no' || verdict === null || verdict.kind === 'continue') continue;
      const matched = this.apply(verdict, chain, rule, i, via, depth);
      return match === 'yes' ? matched : either(matched, this.from(chain, i + 1, via, depth));
    }
    return returned;
  }

  private apply(verdict: Verdict, chain: NftChain, rule: NftRule, index: number, via: string, depth: number): Outcome {
    switch (verdict.kind) {
      case 'accept':
        return accepted;
      case 'return':
        return returned;
      case 'continue':
        return this.from(chain, index + 1, via, depth);
      case 'drop':
        return { accept: false, ret: false, drop: this.blame(chain, rule, via, verdict.word) };
      case 'jump': {
        const called = this.call(chain, verdict.target, via, depth);
        if (!called.ret) return called;
        // The called chain may return: the walk goes on after the jump.
        const rest = this.from(chain, index + 1, via, depth);
        return { accept: called.accept || rest.accept, ret: rest.ret, drop: rest.drop ?? called.drop };
      }
      case 'goto':
        return this.call(chain, verdict.target, via, depth);
      case 'any':
        return verdict.options.map((option) => this.apply(option, chain, rule, index, via, depth)).reduce(either);
    }
  }

  private call(chain: NftChain, target: string, via: string, depth: number): Outcome {
    const called = this.ruleset.chain(chain.family, chain.table, target);
    if (called === undefined || depth >= maxDepth) return unknownOutcome;
    return this.from(called, 0, via, depth + 1);
  }

  /** Whether a rule matches the packet, and its verdict (null: a rule that only counts or logs). */
  private judge(rule: NftRule): { match: Tri; verdict: Verdict | null } {
    let match: Tri = 'yes';
    for (const statement of rule.expr) {
      const [kind, body] = Object.entries(statement)[0] ?? ['', null];
      switch (kind) {
        case 'match': {
          const judged = this.matchStatement(body);
          if (judged === 'no') return { match: 'no', verdict: null };
          if (judged === 'maybe') match = 'maybe';
          break;
        }
        case 'xt': {
          const judged = this.xtStatement(body, rule);
          if (judged.verdict !== null) return { match, verdict: judged.verdict };
          if (judged.match === 'no') return { match: 'no', verdict: null };
          if (judged.match === 'maybe') match = 'maybe';
          break;
        }
        case 'accept':
        case 'return':
        case 'continue':
          return { match, verdict: { kind } };
        case 'drop':
        case 'reject':
          return { match, verdict: { kind: 'drop', word: rule.text ?? kind } };
        case 'jump':
        case 'goto': {
          const target = isRecord(body) && typeof body.target === 'string' ? body.target : null;
          return { match, verdict: target === null ? { kind: 'any', options: [{ kind: 'accept' }, { kind: 'return' }] } : { kind, target } };
        }
        case 'vmap':
          return { match: 'maybe', verdict: vmapVerdict(body, rule, isRecord(body) ? this.leftValue(body.key) : unknown) };
        case 'queue':
          // A program in user space decides: it may pass the packet.
          return { match: 'maybe', verdict: { kind: 'accept' } };
        case 'counter':
        case 'log':
        case 'mangle':
        case 'notrack':
        case 'set':
        case 'comment':
        case 'ct count':
          break;
        default:
          // limit, quota, and whatever else may or may not let the rule go on.
          match = 'maybe';
      }
    }
    return { match, verdict: null };
  }

  /** iptables-nft's opaque matches: the CLAT's packets carry no Routing header and are TCP here; conntrack from the listing. */
  private xtStatement(body: unknown, rule: NftRule): { match: Tri; verdict: Verdict | null } {
    const type = isRecord(body) ? body.type : null;
    const name = isRecord(body) ? body.name : null;
    if (type === 'target') {
      if (name === 'REJECT' || name === 'DROP') return { match: 'yes', verdict: { kind: 'drop', word: rule.text ?? String(name).toLowerCase() } };
      return { match: 'yes', verdict: null };
    }
    switch (name) {
      case 'rt':
        return { match: 'no', verdict: null };
      case 'icmp':
      case 'icmp6':
        return { match: 'no', verdict: null };
      case 'conntrack':
      case 'state': {
        const states = rule.text === null ? null : /\bct state (!= )?([a-z,]+)/.exec(rule.text);
        if (states === null) return { match: 'maybe', verdict: null };
        const listed = states[2].split(',').includes(this.packet.ctState);
        return { match: (states[1] === undefined) === listed ? 'yes' : 'no', verdict: null };
      }
      default:
        return { match: 'maybe', verdict: null };
    }
  }

  private matchStatement(body: unknown): Tri {
    if (!isRecord(body)) return 'maybe';
    const op = typeof body.op === 'string' ? body.op : '==';
    const value = this.leftValue(body.left);
    if (value === absent) return 'no';
    if (value === unknown) return 'maybe';
    const found = contains(body.right, value);
    if (op === '==' || op === 'in') return found;
    if (op === '!=') return found === 'maybe' ? 'maybe' : found === 'yes' ? 'no' : 'yes';
    return 'maybe';
  }

  /** The packet's value of a match's left side; `absent`: it has no such header (the match fails whatever the operator). */
  private leftValue(left: unknown): PacketValue {
    if (!isRecord(left)) return unknown;
    const p = this.packet;
    const text = (value: string): PacketValue => ({ texts: [value] });
    const l4 = { texts: [p.l4proto], number: protocolKeywords[p.l4proto] };
    if (isRecord(left.meta)) {
      switch (left.meta.key) {
        case 'iifname':
        case 'iif':
          return text(p.iifname);
        case 'oifname':
        case 'oif':
          return text(p.oifname);
        case 'l4proto':
          return l4;
        case 'nfproto':
          return text(p.family);
        case 'protocol':
          return text(p.family === 'ipv6' ? 'ip6' : 'ip');
        case 'pkttype':
          return text('unicast');
        default:
          return unknown;
      }
    }
    if (isRecord(left.ct)) {
      if (left.ct.key === 'state') return text(p.ctState);
      // A bit mask: the match holds when any bit named on the right is set.
      if (left.ct.key === 'status') return { texts: p.ctStatus };
      if (left.ct.key === 'direction') return text(p.ctState === 'new' ? 'original' : 'reply');
      return unknown;
    }
    if (isRecord(left.payload)) {
      const protocol = left.payload.protocol;
      const field = left.payload.field;
      if (protocol === 'ip') return p.family === 'ipv4' ? (field === 'protocol' ? l4 : unknown) : absent;
      if (protocol === 'ip6') {
        if (p.family !== 'ipv6') return absent;
        if (field === 'nexthdr') return l4;
        if (field === 'saddr') return p.saddr === undefined ? unknown : { texts: [], address: p.saddr };
        if (field === 'daddr') return p.daddr === undefined ? unknown : { texts: [], address: p.daddr };
        return unknown;
      }
      if (protocol === 'tcp' || protocol === 'th') return unknown;
      if (protocol === 'udp' || protocol === 'udplite' || protocol === 'icmp' || protocol === 'icmpv6' || protocol === 'sctp' || protocol === 'dccp') return absent;
      return unknown;
    }
    // The CLAT's packets carry no extension header but a Fragment header, which the hooks do not see here.
    if (isRecord(left.exthdr) || isRecord(left.rt) || isRecord(left.hbh) || isRecord(left.dst) || isRecord(left.srh)) return absent;
    return unknown;
  }

  private blame(chain: NftChain, rule: NftRule | null, via: string | null, what: string): FirewallRule {
    return {
      family: chain.family,
      table: chain.table,
      chain: chain.name,
      via: via === null || via === chain.name ? null : via,
      handle: rule === null ? null : rule.handle,
      rule: what,
      owner: this.ownerOf(chain.family, chain.table),
    };
  }

  private ownerOf(family: string, table: string): string | null {
    const key = `${family} ${table}`;
    if (this.owners.has(key)) return this.owners.get(key) ?? null;
    const owner = tableOwner(family, table, this.ruleset.tableChains(family, table));
    this.owners.set(key, owner);
    return owner;
  }
}

/** Who probably wrote a table: firewalld's, iptables-nft's (its base chains are INPUT, FORWARD, …), with Docker's or ufw's chains in it. */
function tableOwner(family: string, table: string, chains: readonly NftChain[]): string | null {
  if (family === 'inet' && table === 'firewalld') return 'firewalld';
  const iptables = (family === 'ip' || family === 'ip6') && chains.some((chain) => chain.hook !== null && /^(INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING)$/.test(chain.name));
  if (!iptables) return null;
  const writers = [
    chains.some((chain) => chain.name.startsWith('DOCKER')) ? 'Docker' : null,
    chains.some((chain) => chain.name.startsWith('ufw')) ? 'ufw' : null,
  ].filter((writer) => writer !== null);
  return writers.length === 0 ? 'iptables-nft' : `iptables-nft: ${writers.join(', ')}`;
}

/** Clatter's own tables (its delivery's rules) are not someone else's firewall. */
function isClattersOwn(chain: NftChain): boolean {
  return chain.table === 'clatter';
}

/**
 * A verdict map: the verdicts of the elements whose key may hold the packet's value (all of them
 * where that value is not known), or none (`continue`) when no key does (`ct state vmap {
 * established : accept, invalid : drop }` for an established reply: accept only).
 */
function vmapVerdict(body: unknown, rule: NftRule, key: PacketValue): Verdict {
  if (key === absent) return { kind: 'continue' };
  const options: Verdict[] = [];
  let certain = false;
  const data = isRecord(body) && isRecord(body.data) ? body.data.set : null;
  if (Array.isArray(data)) {
    for (const element of data) {
      const verdict = Array.isArray(element) && isRecord(element[1]) ? element[1] : null;
      if (verdict === null) continue;
      const held = key === unknown ? 'maybe' : contains(element[0], key);
      if (held === 'no') continue;
      if (held === 'yes') certain = true;
      if ('accept' in verdict) options.push({ kind: 'accept' });
      else if ('drop' in verdict || 'reject' in verdict) options.push({ kind: 'drop', word: rule.text ?? 'drop (verdict map)' });
      else if (isRecord(verdict.jump) && typeof verdict.jump.target === 'string') options.push({ kind: 'jump', target: verdict.jump.target });
      else if (isRecord(verdict.goto) && typeof verdict.goto.target === 'string') options.push({ kind: 'goto', target: verdict.goto.target });
      else if ('return' in verdict) options.push({ kind: 'return' });
    }
  }
  // No element certainly matches: the packet may also go on past the map.
  if (!certain) options.push({ kind: 'continue' });
  return { kind: 'any', options };
}

const absent = Symbol('absent');
const unknown = Symbol('unknown');
/** What the packet has where a match looks: names (several for a bit mask), a protocol number, an address. */
interface Known {
  readonly texts: readonly string[];
  readonly number?: number;
  readonly address?: string;
}
type PacketValue = typeof absent | typeof unknown | Known;

/** Whether a match's right side (a value, a list, an anonymous set, a prefix) holds the packet's value. */
function contains(right: unknown, value: Known): Tri {
  if (Array.isArray(right)) return anyOf(right.map((element) => contains(element, value)));
  if (isRecord(right)) {
    if (Array.isArray(right.set)) return anyOf(right.set.map((element) => contains(element, value)));
    if (isRecord(right.prefix) && value.address !== undefined) return inPrefix(value.address, right.prefix.addr, right.prefix.len);
    return 'maybe';
  }
  if (typeof right === 'number') return value.number === undefined ? 'maybe' : value.number === right ? 'yes' : 'no';
  if (typeof right !== 'string' || right.startsWith('@')) return 'maybe';
  if (value.address !== undefined) return inPrefix(value.address, right, 128);
  // Interface names: a trailing * matches any suffix (nft(8), "wildcard"); \* is a star.
  if (right.endsWith('*') && !right.endsWith('\\*')) return value.texts.some((text) => text.startsWith(right.slice(0, -1))) ? 'yes' : 'no';
  const literal = right.replace(/\\\*$/, '*');
  return value.texts.includes(literal) ? 'yes' : 'no';
}

function anyOf(results: readonly Tri[]): Tri {
  if (results.includes('yes')) return 'yes';
  return results.includes('maybe') ? 'maybe' : 'no';
}

function inPrefix(address: string, prefix: unknown, length: unknown): Tri {
  const a = parseIpv6(address);
  const p = typeof prefix === 'string' ? parseIpv6(prefix) : undefined;
  if (a === undefined || p === undefined || typeof length !== 'number') return 'maybe';
  for (let bit = 0; bit < length; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((a[bit >> 3] & mask) !== (p[bit >> 3] & mask)) return 'no';
  }
  return 'yes';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
