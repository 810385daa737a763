// The firewall inspection over real rule sets (test/unit/fixtures/nft, made by make-fixtures.sh in
// a throwaway namespace from a hand-written nftables firewall, Docker 27's iptables-nft rules, ufw's
// defaults and firewalld's default zone): which rule drops which packet of the CLAT's path, certain
// or possible, named as a person would look for it; and the walk's semantics on small rule sets.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  clatPathPackets, describeFirewallRule, forwardPolicyBlockers, walkPath, type ClatPathNames, type PathVerdict,
} from '../../core/host/firewall-path.js';
import { parseNftListing, parseNftRuleset } from '../../core/host/nft-ruleset.js';

const fixtures = fileURLToPath(new URL('fixtures/nft/', import.meta.url));
const json = (name: string): unknown => JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8'));
const listing = (name: string): string => readFileSync(join(fixtures, `${name}.txt`), 'utf8');
const names: ClatPathNames = { uplink: 'uplink', tun: 'clat', clatIpv6: '2001:db8:1:2::c1a7', nat64Address: '2001:db8:64::' };

/** For each packet of the mode's path: what certainly drops it, and what may. */
function walk(name: string, delivery: string, withListing = true): { what: string; blockedBy: string | null; mayBe: string[] }[] {
  const parsed = parseNftRuleset(json(name), withListing ? listing(name) : undefined);
  if (!parsed.ok) throw new Error(parsed.error);
  return walkPath(parsed.ruleset, clatPathPackets(delivery, names)).map((verdict: PathVerdict) => ({
    what: verdict.packet.what,
    blockedBy: verdict.blockedBy === null ? null : describeFirewallRule(verdict.blockedBy),
    mayBe: verdict.mayBeBlockedBy.map(describeFirewallRule),
  }));
}

const out = 'new connections forwarded from clat to uplink';
const back = 'replies forwarded from uplink to clat';
const reply4 = 'IPv4 replies arriving from clat';

describe('the CLAT path through real firewalls (force-forwarding)', () => {
  it('an nftables inet forward chain with policy drop: new connections out are dropped by the policy, replies pass', () => {
    expect(walk('inet-forward-drop', 'force-forwarding')).toEqual([
      { what: out, blockedBy: 'table inet filter chain forward policy drop', mayBe: [] },
      { what: back, blockedBy: null, mayBe: [] },
      { what: reply4, blockedBy: null, mayBe: [] },
    ]);
  });

  it("Docker 27's ip6tables FORWARD policy DROP: both ways, named with its writer", () => {
    const docker = 'table ip6 filter chain FORWARD policy drop (iptables-nft: Docker)';
    expect(walk('docker-27', 'force-forwarding')).toEqual([
      { what: out, blockedBy: docker, mayBe: [] },
      { what: back, blockedBy: docker, mayBe: [] },
      { what: reply4, blockedBy: null, mayBe: [] },
    ]);
  });

  it("ufw's defaults: its conntrack matches read from the listing; new connections dropped, replies and IPv4 replies pass", () => {
    expect(walk('ufw-defaults', 'force-forwarding')).toEqual([
      { what: out, blockedBy: 'table ip6 filter chain FORWARD policy drop (iptables-nft: ufw)', mayBe: [] },
      { what: back, blockedBy: null, mayBe: [] },
      { what: reply4, blockedBy: null, mayBe: [] },
    ]);
  });

  it('without the listing, the opaque conntrack matches leave only possible drops', () => {
    expect(walk('ufw-defaults', 'force-forwarding', false)).toEqual([
      { what: out, blockedBy: null, mayBe: ['table ip6 filter chain FORWARD policy drop (iptables-nft: ufw)'] },
      { what: back, blockedBy: null, mayBe: ['table ip6 filter chain FORWARD policy drop (iptables-nft: ufw)'] },
      { what: reply4, blockedBy: null, mayBe: ['table ip filter chain INPUT policy drop (iptables-nft: ufw)'] },
    ]);
  });

  it("firewalld's default zone: the reject at the end of the zone's forward chain, reached from filter_FORWARD", () => {
    expect(walk('firewalld-public', 'force-forwarding')).toEqual([
      { what: out, blockedBy: 'table inet firewalld chain filter_FWD_public (from filter_FORWARD): reject with icmpx admin-prohibited (firewalld)', mayBe: [] },
      { what: back, blockedBy: null, mayBe: [] },
      { what: reply4, blockedBy: null, mayBe: [] },
    ]);
  });

  it("firewalld with both interfaces in its zone, and a policy drop with the CLAT's interfaces accepted: nothing drops", () => {
    for (const name of ['firewalld-zoned', 'inet-forward-drop-clat-accepted']) {
      expect(walk(name, 'force-forwarding').map((verdict) => [verdict.blockedBy, verdict.mayBe])).toEqual([[null, []], [null, []], [null, []]]);
    }
  });

  it('an accept the model cannot judge (a mark, a port) makes the policy drop possible, not certain', () => {
    expect(walk('inet-forward-drop-mark', 'force-forwarding')).toEqual([
      { what: out, blockedBy: null, mayBe: ['table inet filter chain forward policy drop'] },
      { what: back, blockedBy: null, mayBe: ['table inet filter chain forward policy drop'] },
      { what: reply4, blockedBy: null, mayBe: [] },
    ]);
  });

  it('an IPv4 INPUT that drops even replies cuts the IPv4 side off, in every mode', () => {
    for (const delivery of ['force-forwarding', 'packet-socket', 'ingress']) {
      expect(walk('ipv4-input-drop', delivery).at(-1)).toEqual({ what: reply4, blockedBy: 'table ip filter chain input policy drop', mayBe: [] });
    }
  });
});

describe('other delivery modes', () => {
  it('packet-socket: the packets leave by the output hook, which these firewalls leave open', () => {
    for (const name of ['inet-forward-drop', 'docker-27', 'ufw-defaults', 'firewalld-public']) {
      expect(walk(name, 'packet-socket')).toEqual([
        { what: 'new connections sent on uplink', blockedBy: null, mayBe: [] },
        { what: reply4, blockedBy: null, mayBe: [] },
      ]);
    }
  });

  it('a delivery at the devices\' ingress crosses no IPv6 hook: only the IPv4 reply is checked', () => {
    expect(clatPathPackets('ingress', names).map((packet) => packet.what)).toEqual([reply4]);
  });

  it('nat66 crosses the forward hook as force-forwarding does', () => {
    expect(walk('docker-27', 'nat66').map((verdict) => verdict.blockedBy)).toEqual([
      'table ip6 filter chain FORWARD policy drop (iptables-nft: Docker)',
      'table ip6 filter chain FORWARD policy drop (iptables-nft: Docker)',
      null,
    ]);
  });
});

describe('forwardPolicyBlockers (for up to refuse with)', () => {
  it('names each certain blocker once', () => {
    expect(forwardPolicyBlockers(json('docker-27'), { uplink: 'uplink', tun: 'clat' }, listing('docker-27')).map(describeFirewallRule)).toEqual([
      'table ip6 filter chain FORWARD policy drop (iptables-nft: Docker)',
    ]);
    expect(forwardPolicyBlockers(json('firewalld-public'), { uplink: 'uplink', tun: 'clat' }, listing('firewalld-public')).map(describeFirewallRule)).toEqual([
      'table inet firewalld chain filter_FWD_public (from filter_FORWARD): reject with icmpx admin-prohibited (firewalld)',
    ]);
  });

  it('refuses on nothing uncertain, on nothing outside the forward hook, and on no rule set at all', () => {
    expect(forwardPolicyBlockers(json('inet-forward-drop-mark'), { uplink: 'uplink', tun: 'clat' })).toEqual([]);
    expect(forwardPolicyBlockers(json('ipv4-input-drop'), { uplink: 'uplink', tun: 'clat' })).toEqual([]);
    expect(forwardPolicyBlockers(json('firewalld-zoned'), { uplink: 'uplink', tun: 'clat' })).toEqual([]);
    expect(forwardPolicyBlockers({ nftables: [{ metainfo: { version: '1.0.6' } }] }, { uplink: 'uplink', tun: 'clat' })).toEqual([]);
    expect(forwardPolicyBlockers('not json', { uplink: 'uplink', tun: 'clat' })).toEqual([]);
  });

  it("leaves Clatter's own tables out", () => {
    const own = ruleset([{ family: 'ip6', table: 'clatter', name: 'fwd', hook: 'forward', policy: 'drop', rules: [] }]);
    expect(forwardPolicyBlockers(own, { uplink: 'uplink', tun: 'clat' })).toEqual([]);
  });
});

/** A rule set in libnftables-json form from chains with their rules' statements. */
function ruleset(chains: { family: string; table: string; name: string; hook?: string; policy?: string; prio?: number; rules: unknown[][] }[]): unknown {
  const items: unknown[] = [];
  let handle = 1;
  for (const chain of chains) {
    items.push({ chain: { family: chain.family, table: chain.table, name: chain.name, handle: handle++, ...(chain.hook !== undefined ? { type: 'filter', hook: chain.hook, prio: chain.prio ?? 0, policy: chain.policy ?? 'accept' } : {}) } });
  }
  for (const chain of chains) {
    for (const expr of chain.rules) items.push({ rule: { family: chain.family, table: chain.table, chain: chain.name, handle: handle++, expr } });
  }
  return { nftables: items };
}

const match = (left: unknown, right: unknown, op = '==') => ({ match: { op, left, right } });
const iifname = (name: string, op = '==') => match({ meta: { key: 'iifname' } }, name, op);

describe('the walk', () => {
  const blockers = (rules: unknown) => forwardPolicyBlockers(rules, { uplink: 'wlan0', tun: 'clat' }).map(describeFirewallRule);

  it('a jump returns to the rule after it; a goto returns to the caller of the chain it left', () => {
    const base = { family: 'inet', table: 't', name: 'fwd', hook: 'forward', policy: 'drop' };
    // jump: the called chain returns, the next rule accepts.
    expect(blockers(ruleset([{ ...base, rules: [[{ jump: { target: 'sub' } }], [{ accept: null }]] }, { family: 'inet', table: 't', name: 'sub', rules: [[{ return: null }]] }]))).toEqual([]);
    // goto: the called chain returns to the base chain's end: its policy.
    expect(blockers(ruleset([{ ...base, rules: [[{ goto: { target: 'sub' } }], [{ accept: null }]] }, { family: 'inet', table: 't', name: 'sub', rules: [] }]))).toEqual([
      'table inet t chain fwd policy drop',
    ]);
  });

  it('interface names: exact, wildcard, negated', () => {
    const base = { family: 'ip6', table: 't', name: 'fwd', hook: 'forward', policy: 'drop' };
    expect(blockers(ruleset([{ ...base, rules: [[iifname('cla*'), { accept: null }], [iifname('wlan0'), { accept: null }]] }]))).toEqual([]);
    expect(blockers(ruleset([{ ...base, rules: [[iifname('clatter0'), { accept: null }], [iifname('wlan0'), { accept: null }]] }]))).toEqual(['table ip6 t chain fwd policy drop']);
    expect(blockers(ruleset([{ ...base, policy: 'accept', rules: [[iifname('docker0', '!='), { drop: null }]] }]))).toEqual(['table ip6 t chain fwd: drop']);
  });

  it('an accept in one base chain leaves the next one on the hook to judge; a drop is final', () => {
    expect(blockers(ruleset([
      { family: 'inet', table: 'a', name: 'early', hook: 'forward', prio: -10, rules: [[{ accept: null }]] },
      { family: 'ip6', table: 'b', name: 'late', hook: 'forward', prio: 10, policy: 'drop', rules: [] },
    ]))).toEqual(['table ip6 b chain late policy drop']);
    // IPv4 tables never see the IPv6 packets.
    expect(blockers(ruleset([{ family: 'ip', table: 'v4', name: 'fwd', hook: 'forward', policy: 'drop', rules: [] }]))).toEqual([]);
  });

  it('a verdict map may do any of its verdicts', () => {
    const vmap = { vmap: { key: { meta: { key: 'iifname' } }, data: { set: [['clat', { drop: null }], ['wlan0', { accept: null }]] } } };
    expect(blockers(ruleset([{ family: 'inet', table: 't', name: 'fwd', hook: 'forward', rules: [[vmap]] }]))).toEqual([]);
    const parsed = parseNftRuleset(ruleset([{ family: 'inet', table: 't', name: 'fwd', hook: 'forward', rules: [[vmap]] }]));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(walkPath(parsed.ruleset, clatPathPackets('force-forwarding', { uplink: 'wlan0', tun: 'clat' }))[0].mayBeBlockedBy.map(describeFirewallRule)).toEqual([
      'table inet t chain fwd: drop (verdict map)',
    ]);
  });
});

describe('parseNftListing', () => {
  it('keys rule texts by family, table, chain and handle, without counters', () => {
    const rules = parseNftListing(listing('ufw-defaults'));
    const parsed = parseNftRuleset(json('ufw-defaults'), listing('ufw-defaults'));
    if (!parsed.ok) throw new Error(parsed.error);
    const forward = parsed.ruleset.chain('ip6', 'filter', 'ufw6-before-forward');
    expect(forward?.rules.slice(0, 2).map((rule) => rule.text)).toEqual(['rt type 0 drop', 'ct state related,established accept']);
    expect([...rules.values()].some((text) => text.includes('counter'))).toBe(false);
  });

  it('refuses what is not a rule set', () => {
    expect(parseNftRuleset({ tables: [] })).toEqual({ ok: false, error: 'not an nft -j rule set (no "nftables" array)' });
  });
});
