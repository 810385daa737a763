// The prefix state machine: priority RA > DNS > manual, lifetimes and TTLs, the DNS query schedule,
// uplink changes, and change reports exactly when the prefix in effect changes. Time is a number here.

import { describe, expect, it } from 'vitest';
import type { DiscoveryInput } from '../../core/discovery/discovery-input.js';
import { dnsQueryIsDue, nextWakeAtMs, stepDiscovery } from '../../core/discovery/discovery-machine.js';
import { defaultDiscoveryTiming, dnsRetryDelayMs } from '../../core/discovery/discovery-timing.js';
import { initialDiscoveryState, toPrefixInfo, type DiscoveryState } from '../../core/discovery/prefix-state.js';
import { prefix, prefixText } from './discovery-fixtures.js';

const uplink = 2;
const raPrefix = '2001:db8:64::/96';
const dnsPrefix = '64:ff9b::/96';
const manualPrefix = '2001:db8:46::/96';
const s = 1000;

class Harness {
  state: DiscoveryState;
  /** What the machine reported as prefix changes, in order ("none" when the prefix went away). */
  readonly prefixChanges: string[] = [];
  currentChanges = 0;

  constructor(options: { dnsEnabled?: boolean; uplinkIfindex?: number | null } = {}) {
    this.state = initialDiscoveryState({ uplinkIfindex: options.uplinkIfindex === undefined ? uplink : options.uplinkIfindex, dnsEnabled: options.dnsEnabled, nowMs: 0 });
  }

  feed(input: DiscoveryInput) {
    const step = stepDiscovery(this.state, input);
    this.state = step.state;
    if (step.prefixChanged) this.prefixChanges.push(this.now());
    if (step.currentChanged) this.currentChanges++;
    return step;
  }

  /** "prefix source" of the prefix in effect, or "none". */
  now(): string {
    const { current } = this.state;
    return current.state === 'none' ? 'none' : `${prefixText(current.prefix)} ${current.source}`;
  }

  ra(atMs: number, text: string, lifetimeS: number, router: string | null = 'fe80::1', ifindex = uplink) {
    return this.feed({ kind: 'pref64', atMs, ifindex, router, prefix: prefix(text), lifetimeS });
  }

  startQuery(atMs: number): number {
    this.feed({ kind: 'dns-query-started', atMs });
    if (this.state.dnsQuery.state !== 'in-flight') throw new Error('no query in flight');
    return this.state.dnsQuery.queryId;
  }

  dns(atMs: number, texts: string[], ttlS: number) {
    const queryId = this.startQuery(atMs);
    return this.feed({ kind: 'dns-answer', atMs, queryId, prefixes: texts.map(prefix), ttlS });
  }

  dnsFails(atMs: number, error = 'ETIMEOUT') {
    const queryId = this.startQuery(atMs);
    return this.feed({ kind: 'dns-failure', atMs, queryId, error });
  }

  tick(atMs: number) {
    return this.feed({ kind: 'tick', atMs });
  }
}

describe('prefix priority', () => {
  it('prefers RA over DNS over manual, falling back as each goes', () => {
    const m = new Harness();
    m.feed({ kind: 'manual-set', atMs: 0, prefix: prefix(manualPrefix) });
    expect(m.now()).toBe(`${manualPrefix} manual`);
    m.dns(1 * s, [dnsPrefix], 3600);
    expect(m.now()).toBe(`${dnsPrefix} dns`);
    m.ra(2 * s, raPrefix, 1800);
    expect(m.now()).toBe(`${raPrefix} ra`);
    m.ra(3 * s, raPrefix, 0);
    expect(m.now()).toBe(`${dnsPrefix} dns`);
    m.feed({ kind: 'manual-clear', atMs: 4 * s });
    expect(m.now()).toBe(`${dnsPrefix} dns`);
    m.tick(3601 * s);
    expect(m.now()).toBe('none');
    expect(m.prefixChanges).toEqual([`${manualPrefix} manual`, `${dnsPrefix} dns`, `${raPrefix} ra`, `${dnsPrefix} dns`, 'none']);
  });

  it('reports source, learned time and expiry in the status contract', () => {
    const m = new Harness();
    m.ra(5 * s, raPrefix, 1800);
    expect(toPrefixInfo(m.state.current)).toEqual({ prefix: raPrefix, source: 'ra', learnedAtMs: 5 * s, expiresAtMs: 1805 * s });
    const manual = new Harness({ dnsEnabled: false });
    manual.feed({ kind: 'manual-set', atMs: 7, prefix: prefix(manualPrefix) });
    expect(toPrefixInfo(manual.state.current)).toEqual({ prefix: manualPrefix, source: 'manual', learnedAtMs: 7, expiresAtMs: null });
    expect(toPrefixInfo(new Harness().state.current)).toBeNull();
  });
});

describe('RA lifetimes (RFC 8781)', () => {
  it('falls back to DNS exactly when the RA lifetime runs out, and a refresh extends it', () => {
    const m = new Harness();
    m.dns(0, [dnsPrefix], 7200);
    m.ra(0, raPrefix, 1800);
    m.ra(1000 * s, raPrefix, 1800); // refreshed: valid to 2800 s, still learned at 0
    expect(m.state.current).toMatchObject({ source: 'ra', learnedAtMs: 0, expiresAtMs: 2800 * s });
    expect(nextWakeAtMs(m.state)).toBe(2800 * s);
    m.tick(2800 * s - 1);
    expect(m.now()).toBe(`${raPrefix} ra`);
    m.tick(2800 * s);
    expect(m.now()).toBe(`${dnsPrefix} dns`);
    expect(m.state.ra).toEqual([]);
  });

  it('expires a late tick correctly: an input after the deadline sees the fallback', () => {
    const m = new Harness();
    m.feed({ kind: 'manual-set', atMs: 0, prefix: prefix(manualPrefix) });
    m.ra(0, raPrefix, 8);
    m.ra(60 * s, '2001:db8:65::/96', 0); // unrelated withdrawal, long after the first expired
    expect(m.now()).toBe(`${manualPrefix} manual`);
  });

  it('withdraws a prefix at once on lifetime 0, and ignores lifetime 0 for an unknown one', () => {
    const m = new Harness({ dnsEnabled: false });
    expect(m.ra(0, raPrefix, 0)).toMatchObject({ prefixChanged: false, currentChanged: false });
    m.ra(0, raPrefix, 65528);
    const step = m.ra(1 * s, raPrefix, 0);
    expect(step.prefixChanged).toBe(true);
    expect(m.now()).toBe('none');
  });

  it('keeps a prefix announced by two routers until both withdraw or expire', () => {
    const m = new Harness({ dnsEnabled: false });
    m.ra(0, raPrefix, 600, 'fe80::1');
    m.ra(10 * s, raPrefix, 1800, 'fe80::2');
    expect(m.state.current).toMatchObject({ learnedAtMs: 0, expiresAtMs: 1810 * s });
    m.ra(20 * s, raPrefix, 0, 'fe80::2');
    expect(m.state.current).toMatchObject({ source: 'ra', expiresAtMs: 600 * s });
    m.tick(600 * s);
    expect(m.now()).toBe('none');
    expect(m.prefixChanges).toEqual([`${raPrefix} ra`, 'none']);
  });

  it('uses the prefix learned last when routers announce different ones (renumbering)', () => {
    const m = new Harness({ dnsEnabled: false });
    m.ra(0, raPrefix, 1800);
    m.ra(5 * s, '2001:db8:65::/96', 1800);
    expect(m.now()).toBe('2001:db8:65::/96 ra');
    m.ra(6 * s, raPrefix, 1800); // a refresh does not make the old prefix new again
    expect(m.now()).toBe('2001:db8:65::/96 ra');
    m.ra(7 * s, '2001:db8:65::/96', 0);
    expect(m.now()).toBe(`${raPrefix} ra`);
  });

  it('ignores PREF64 from other interfaces and invalid prefixes', () => {
    const m = new Harness({ dnsEnabled: false });
    m.ra(0, raPrefix, 1800, 'fe80::1', 3);
    m.ra(0, '2001:db8:64:0:100::/96', 1800); // nonzero u-octet (RFC 6052 §2.2)
    expect(m.now()).toBe('none');
    const any = new Harness({ dnsEnabled: false, uplinkIfindex: null });
    any.ra(0, raPrefix, 1800, 'fe80::1', 3);
    expect(any.now()).toBe(`${raPrefix} ra`);
  });
});

describe('DNS schedule (RFC 7050)', () => {
  it('queries at once, then again shortly before the TTL runs out', () => {
    const m = new Harness();
    expect(dnsQueryIsDue(m.state, 0)).toBe(true);
    expect(nextWakeAtMs(m.state)).toBe(0);
    m.dns(1 * s, [dnsPrefix], 300);
    expect(m.state.current).toMatchObject({ source: 'dns', learnedAtMs: 1 * s, expiresAtMs: 301 * s });
    expect(m.state.dnsQuery).toEqual({ state: 'waiting', dueAtMs: 291 * s, failures: 0, lastError: null });
    expect(nextWakeAtMs(m.state)).toBe(291 * s);
    expect(dnsQueryIsDue(m.state, 291 * s - 1)).toBe(false);
    expect(dnsQueryIsDue(m.state, 291 * s)).toBe(true);
    const step = m.dns(291 * s, [dnsPrefix], 300);
    expect(step).toMatchObject({ prefixChanged: false, currentChanged: true });
    expect(m.state.current).toMatchObject({ learnedAtMs: 1 * s, expiresAtMs: 591 * s });
  });

  it('uses the first of several prefixes and keeps the others', () => {
    const m = new Harness();
    m.dns(0, [dnsPrefix, '2001:db8:122:344::/96'], 600);
    expect(m.now()).toBe(`${dnsPrefix} dns`);
    expect(m.state.dns.state === 'found' && m.state.dns.prefixes.map(prefixText)).toEqual([dnsPrefix, '2001:db8:122:344::/96']);
  });

  it('floors a tiny TTL so that it cannot make a query loop', () => {
    const m = new Harness();
    m.dns(0, [dnsPrefix], 0);
    expect(m.state.current).toMatchObject({ expiresAtMs: defaultDiscoveryTiming.dnsMinTtlMs });
    expect(m.state.dnsQuery).toMatchObject({ dueAtMs: defaultDiscoveryTiming.dnsMinTtlMs - defaultDiscoveryTiming.dnsRequeryLeadMs });
  });

  it('retries failures with exponential backoff, keeping the prefix until its own expiry', () => {
    const m = new Harness();
    m.dns(0, [dnsPrefix], 120);
    let atMs = 110 * s;
    const delays: number[] = [];
    for (let n = 0; n < 11; n++) {
      m.dnsFails(atMs);
      if (m.state.dnsQuery.state !== 'waiting') throw new Error('not waiting');
      delays.push(m.state.dnsQuery.dueAtMs - atMs);
      atMs = m.state.dnsQuery.dueAtMs;
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300].map((d) => d * s));
    expect(m.state.dnsQuery).toMatchObject({ failures: 11, lastError: 'ETIMEOUT' });
    // The answer from 0 s was valid to 120 s: the first failures left it in place, time took it away.
    expect(m.prefixChanges).toEqual([`${dnsPrefix} dns`, 'none']);
    m.dns(atMs, [dnsPrefix], 600);
    expect(m.state.dnsQuery).toMatchObject({ failures: 0, lastError: null });
    expect(m.now()).toBe(`${dnsPrefix} dns`);
  });

  it('drops the DNS prefix on an answer without one (no DNS64), and asks again later', () => {
    const m = new Harness();
    m.dns(0, [dnsPrefix], 600);
    const step = m.dns(10 * s, [], 0);
    expect(step.prefixChanged).toBe(true);
    expect(m.now()).toBe('none');
    expect(m.state.dns).toEqual({ state: 'absent', answeredAtMs: 10 * s });
    expect(m.state.dnsQuery).toMatchObject({ dueAtMs: 10 * s + defaultDiscoveryTiming.dnsAbsentRequeryMs });
  });

  it('asks again at once when the resolvers change (RFC 8880 §7.1), keeping what was found until then', () => {
    const m = new Harness();
    m.dns(0, [dnsPrefix], 600);
    const inFlight = m.startQuery(20 * s);
    m.feed({ kind: 'dns-resolvers-changed', atMs: 30 * s });
    expect(m.state.dnsQuery).toEqual({ state: 'waiting', dueAtMs: 30 * s, failures: 0, lastError: null });
    expect(dnsQueryIsDue(m.state, 30 * s)).toBe(true);
    expect(m.now()).toBe(`${dnsPrefix} dns`);
    // The answer of the query that asked the old resolvers no longer counts.
    m.feed({ kind: 'dns-answer', atMs: 31 * s, queryId: inFlight, prefixes: [], ttlS: 0 });
    expect(m.now()).toBe(`${dnsPrefix} dns`);
    // With DNS disabled there is nothing to ask.
    const off = new Harness({ dnsEnabled: false });
    expect(off.feed({ kind: 'dns-resolvers-changed', atMs: 0 }).state.dnsQuery).toEqual({ state: 'disabled' });
  });

  it('ignores answers to a query it did not start or no longer awaits', () => {
    const m = new Harness();
    m.feed({ kind: 'dns-answer', atMs: 0, queryId: 1, prefixes: [prefix(dnsPrefix)], ttlS: 600 });
    expect(m.now()).toBe('none');
    const queryId = m.startQuery(0);
    m.feed({ kind: 'dns-answer', atMs: 0, queryId: queryId + 1, prefixes: [prefix(dnsPrefix)], ttlS: 600 });
    m.feed({ kind: 'dns-failure', atMs: 0, queryId: queryId + 1, error: 'x' });
    expect(m.state.dnsQuery).toMatchObject({ state: 'in-flight', queryId });
  });

  it('computes the backoff from the timing', () => {
    const timing = { ...defaultDiscoveryTiming, dnsRetryInitialMs: 500, dnsRetryMaxMs: 3000 };
    expect([1, 2, 3, 4, 5, 100].map((failures) => dnsRetryDelayMs(failures, timing))).toEqual([500, 1000, 2000, 3000, 3000, 3000]);
  });
});

describe('manual prefix', () => {
  it('works alone, never expires, and the machine has nothing to wake up for', () => {
    const m = new Harness({ dnsEnabled: false });
    expect(nextWakeAtMs(m.state)).toBeNull();
    m.feed({ kind: 'manual-set', atMs: 0, prefix: prefix(manualPrefix) });
    expect(nextWakeAtMs(m.state)).toBeNull();
    m.tick(10 ** 12);
    expect(m.state.current).toEqual({ state: 'known', prefix: prefix(manualPrefix), source: 'manual', learnedAtMs: 0, expiresAtMs: null });
    expect(dnsQueryIsDue(m.state, 10 ** 12)).toBe(false);
  });

  it('refuses a prefix RFC 6052 cannot use, and setting the same one again changes nothing', () => {
    const m = new Harness({ dnsEnabled: false });
    m.feed({ kind: 'manual-set', atMs: 0, prefix: prefix('2001:db8:46::/80') });
    m.feed({ kind: 'manual-set', atMs: 0, prefix: prefix('2001:db8:46:0:ff00::/96') });
    expect(m.now()).toBe('none');
    m.feed({ kind: 'manual-set', atMs: 0, prefix: prefix(manualPrefix) });
    expect(m.feed({ kind: 'manual-set', atMs: 5, prefix: prefix(manualPrefix) })).toMatchObject({ prefixChanged: false, currentChanged: false });
    expect(m.state.current).toMatchObject({ learnedAtMs: 0 });
  });
});

describe('uplink change', () => {
  it('forgets RA and DNS, keeps manual, filters by the new interface and queries DNS now', () => {
    const m = new Harness();
    m.feed({ kind: 'manual-set', atMs: 0, prefix: prefix(manualPrefix) });
    m.dns(0, [dnsPrefix], 600);
    m.ra(0, raPrefix, 1800);
    const staleQuery = m.startQuery(5 * s);
    m.feed({ kind: 'uplink-change', atMs: 10 * s, ifindex: 3 });
    expect(m.now()).toBe(`${manualPrefix} manual`);
    expect(m.state.dnsQuery).toEqual({ state: 'waiting', dueAtMs: 10 * s, failures: 0, lastError: null });
    // The answer to the query sent on the old network is dropped.
    m.feed({ kind: 'dns-answer', atMs: 11 * s, queryId: staleQuery, prefixes: [prefix(dnsPrefix)], ttlS: 600 });
    expect(m.now()).toBe(`${manualPrefix} manual`);
    m.ra(12 * s, raPrefix, 1800, 'fe80::1', uplink);
    expect(m.now()).toBe(`${manualPrefix} manual`);
    m.ra(13 * s, '2001:db8:65::/96', 1800, 'fe80::9', 3);
    expect(m.now()).toBe('2001:db8:65::/96 ra');
  });

  it('also resets when the same interface reconnects (another Wi-Fi network)', () => {
    const m = new Harness();
    m.ra(0, raPrefix, 1800);
    m.feed({ kind: 'uplink-change', atMs: 1, ifindex: uplink });
    expect(m.now()).toBe('none');
  });
});

describe('change reports', () => {
  it('reports a prefix change exactly when the prefix in effect changes, not when only its source or times do', () => {
    const m = new Harness();
    const steps = [
      m.dns(0, [dnsPrefix], 600), // none → 64:ff9b::/96 (dns)
      m.ra(1 * s, dnsPrefix, 1800), // the same prefix, now from RA: status only
      m.ra(2 * s, dnsPrefix, 1800), // refresh: expiry moves
      m.tick(3 * s), // nothing happens
      m.ra(4 * s, raPrefix, 1800), // a new RA prefix
      m.ra(5 * s, raPrefix, 0), // withdrawn: back to the other RA prefix
      m.tick(1802 * s), // both RA gone, DNS expired at 600 s: none
    ];
    expect(steps.map((step) => [step.prefixChanged, step.currentChanged])).toEqual([
      [true, true],
      [false, true],
      [false, true],
      [false, false],
      [true, true],
      [true, true],
      [true, true],
    ]);
    expect(m.prefixChanges).toEqual([`${dnsPrefix} dns`, `${raPrefix} ra`, `${dnsPrefix} ra`, 'none']);
  });

  it('keeps the same state object for inputs that change nothing', () => {
    const m = new Harness({ dnsEnabled: false });
    m.ra(0, raPrefix, 1800);
    const before = m.state.current;
    m.tick(1 * s);
    m.ra(2 * s, raPrefix, 1800, 'fe80::1', 9);
    expect(m.state.current).toBe(before);
  });
});
