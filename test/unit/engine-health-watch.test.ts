// The engine's reply health: the detector fed through the observatory, judged on ticks with a fake
// clock; the causes looked for once raised (an inspector standing in for the host) and dropped when
// replies return; a new data path starts from nothing. And the causes' words from the findings.

import { describe, expect, it } from 'vitest';
import type { LikelyCause, PrefixInfo } from '../../core/api/status.js';
import { HealthWatch, nat64ProbeAddress, type HealthContext } from '../../core/engine/health-watch.js';
import { firewallCause, nat64Cause, prefixCause } from '../../core/engine/likely-causes.js';
import { Observatory } from '../../core/engine/observatory.js';
import { FlowTable } from '../../core/observe/flow-table.js';
import { parseNeighbourStates, parseRouteGet } from '../../core/host/nat64-route.js';
import { echoRest, icmp6, ipv4, ipv6, pattern, tcp } from './packet-builder.js';
import { clat, Feeder } from './observe-flow-fixture.js';

const prefix: PrefixInfo = { prefix: '2001:db8:64::/96', source: 'ra', learnedAtMs: 1_000, expiresAtMs: 1_801_000 };
// The watch's clock is performance.now(); the prefix's times are epoch ms: learned at its start.
const context: HealthContext = {
  uplink: 'uplink', tun: 'clat', delivery: 'force-forwarding', clatIpv6: clat.ipv6,
  prefix: { ...prefix, learnedAtMs: performance.timeOrigin, expiresAtMs: performance.timeOrigin + 1_800_000 }, sinceMs: 1_000,
};
const syn = (n: number) => ipv4({ src: clat.ipv4, dst: `203.0.113.${n}`, ttl: 64 }, tcp({ dstPort: 80, flags: 0x02, payload: new Uint8Array(0) }));
const reply = ipv6({ src: '2001:db8:64::cb00:710a', dst: clat.ipv6, hopLimit: 64 }, icmp6({ type: 129, rest: echoRest(1, 1), payload: pattern(8) }));
const found: LikelyCause[] = [
  { kind: 'firewall', found: true, text: 'a firewall rule drops …: table inet filter chain forward policy drop' },
  { kind: 'nat64', found: false, text: 'the NAT64 unreachable (…)' },
  { kind: 'prefix', found: false, text: 'a stale NAT64 prefix (…)' },
];

function setup(running: () => HealthContext | null = () => context) {
  const observatory = new Observatory();
  const inspections: HealthContext[] = [];
  let changes = 0;
  const log: string[] = [];
  let answer: (causes: LikelyCause[]) => void = () => {};
  const watch = new HealthWatch(observatory, {
    running,
    onChange: () => changes++,
    log: (line) => log.push(line),
    inspect: (inspected) => {
      inspections.push(inspected);
      return new Promise((resolve) => (answer = resolve));
    },
  });
  const feeder = new Feeder(new FlowTable());
  // Through the observatory, as the packet loop hands packets to it.
  const send = (packet: Uint8Array, nowMs: number) => feeder.observe(observatory, packet, nowMs);
  return { watch, send, inspections, log, changes: () => changes, answer: (causes: LikelyCause[]) => answer(causes) };
}

describe('HealthWatch', () => {
  it('raises no-replies on a tick, looks for the causes once, shows them, and clears on the next reply', async () => {
    const t = setup();
    t.send(syn(1), 0);
    t.send(syn(2), 0);
    t.send(syn(3), 0);
    t.watch.tick(1000);
    expect(t.watch.health()).toEqual({ state: 'ok' });
    t.watch.tick(3500);
    const raised = t.watch.health();
    expect(raised).toMatchObject({ state: 'no-replies', unansweredDestinations: ['203.0.113.1', '203.0.113.2', '203.0.113.3'], unansweredRequests: 3 });
    // Until the host has been looked at, the causes say so (the prefix's needs no looking).
    expect(raised.state === 'no-replies' && raised.causes.map((cause) => [cause.kind, cause.found])).toEqual([['firewall', false], ['nat64', false], ['prefix', false]]);
    expect(t.inspections).toEqual([context]);
    expect(t.changes()).toBe(1);
    t.watch.tick(4500);
    expect(t.inspections).toHaveLength(1); // one look at a time
    t.answer(found);
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.watch.health()).toMatchObject({ state: 'no-replies', causes: found });
    expect(t.changes()).toBe(2);
    expect(t.log).toEqual([
      'replies are not arriving: 3 requests to 203.0.113.1, 203.0.113.2, 203.0.113.3 unanswered',
      'likely causes: a firewall rule drops …: table inet filter chain forward policy drop',
    ]);
    t.send(reply, 5000);
    t.watch.tick(5100);
    expect(t.watch.health()).toEqual({ state: 'ok' });
    expect(t.log.at(-1)).toBe('replies are arriving again');
    expect(t.changes()).toBe(3);
  });

  it('a new data path starts from nothing; no CLAT, no verdict', () => {
    let current: HealthContext | null = context;
    const t = setup(() => current);
    t.send(syn(1), 0);
    t.send(syn(2), 0);
    t.send(syn(3), 0);
    t.watch.tick(4000);
    expect(t.watch.health().state).toBe('no-replies');
    current = { ...context, sinceMs: 2_000 };
    t.watch.tick(5000);
    expect(t.watch.health()).toEqual({ state: 'ok' });
    current = null;
    t.send(syn(4), 5000);
    t.send(syn(5), 5000);
    t.send(syn(6), 5000);
    t.watch.tick(9000);
    expect(t.watch.health()).toEqual({ state: 'ok' });
  });
});

describe('likely causes, from what the host showed', () => {
  const packet = { family: 'ipv6', hook: 'forward', iifname: 'clat', oifname: 'uplink', l4proto: 'tcp', ctState: 'new', ctStatus: [] } as const;
  const rule = { family: 'inet', table: 'filter', chain: 'forward', via: null, handle: null, rule: 'policy drop', owner: null };

  it('firewall: certain, possible, none, unreadable', () => {
    expect(firewallCause({ ok: true, verdicts: [{ packet: { ...packet, what: 'new connections forwarded from clat to uplink' }, blockedBy: rule, mayBeBlockedBy: [] }] })).toEqual({
      kind: 'firewall', found: true, text: "a firewall rule drops the CLAT's new connections forwarded from clat to uplink: table inet filter chain forward policy drop",
    });
    expect(firewallCause({ ok: true, verdicts: [{ packet: { ...packet, what: 'x' }, blockedBy: null, mayBeBlockedBy: [rule, rule] }] })).toEqual({
      kind: 'firewall', found: true, text: "a firewall rule may drop the CLAT's packets: table inet filter chain forward policy drop",
    });
    expect(firewallCause({ ok: true, verdicts: [] })).toEqual({ kind: 'firewall', found: false, text: "a firewall rule on the way (none on this host drops the CLAT's packets)" });
    expect(firewallCause({ ok: false, error: 'nft -j list ruleset: spawn nft ENOENT' }).text).toBe("a firewall rule (this host's rules could not be read: nft -j list ruleset: spawn nft ENOENT)");
  });

  it('NAT64: no route, elsewhere, a silent router, routed', () => {
    const address = '2001:db8:64::c000:aa';
    expect(nat64Cause(prefix.prefix, { kind: 'no-route', address, reason: 'Network is unreachable' })).toEqual({
      kind: 'nat64', found: true, text: 'the NAT64 is unreachable: no route to 2001:db8:64::c000:aa under 2001:db8:64::/96 (Network is unreachable)',
    });
    expect(nat64Cause(prefix.prefix, { kind: 'other-device', address, dev: 'wg0', gateway: null }).text).toBe('the NAT64 is unreachable through the uplink: 2001:db8:64::/96 is routed via wg0');
    expect(nat64Cause(prefix.prefix, { kind: 'router-silent', address, dev: 'uplink', gateway: 'fe80::1', state: 'FAILED' }).text).toBe(
      'the NAT64 is unreachable: the router fe80::1 on uplink does not answer (neighbour FAILED)',
    );
    expect(nat64Cause(prefix.prefix, { kind: 'routed', address, dev: 'uplink', gateway: 'fe80::1' })).toMatchObject({ found: false });
  });

  it('prefix: expired, current, manual', () => {
    expect(prefixCause(prefix, 1_900_000)).toEqual({ kind: 'prefix', found: true, text: 'a stale NAT64 prefix: 2001:db8:64::/96 from Router Advertisement (PREF64, RFC 8781) expired 99 s ago' });
    // Not yet expired is current, however long ago it was first learned (refreshes keep that time).
    expect(prefixCause(prefix, 1_000 + 21 * 60_000)).toMatchObject({ found: false });
    expect(prefixCause(prefix, 61_000)).toMatchObject({ found: false, text: 'a stale NAT64 prefix (2001:db8:64::/96 from Router Advertisement (PREF64, RFC 8781), valid for 29 min more)' });
    expect(prefixCause({ ...prefix, source: 'manual', expiresAtMs: null }, 61_000)).toMatchObject({ found: false });
  });

  it('the probe address: 192.0.0.170 under the prefix (RFC 6052)', () => {
    expect(nat64ProbeAddress('2001:db8:64::/96')).toBe('2001:db8:64::c000:aa');
    expect(nat64ProbeAddress('2001:db8:100::/40')).toBe('2001:db8:1c0:0:aa::');
    expect(nat64ProbeAddress('nonsense')).toBeNull();
  });

  it("reads ip's route and neighbour answers", () => {
    expect(parseRouteGet('[{"dst":"2001:db8:64::c000:aa","gateway":"fe80::1","dev":"uplink","metric":1024,"flags":[]}]')).toEqual({ dev: 'uplink', gateway: 'fe80::1' });
    expect(parseRouteGet('[{"dst":"2001:db8:64::c000:aa","dev":"wg0"}]')).toEqual({ dev: 'wg0', gateway: null });
    expect(parseRouteGet('oops')).toBeNull();
    expect(parseNeighbourStates('[{"dst":"fe80::1","state":["FAILED"]}]')).toEqual(['FAILED']);
    expect(parseNeighbourStates('')).toEqual([]);
  });
});
