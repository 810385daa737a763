// DiscoveryService: the state machine on real timers (faked here), a scripted DNS and a fake netlink
// source. Checks that queries go out when the machine says, and listeners hear each change once.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DnsOutcome } from '../../core/discovery/dns-outcome.js';
import { DiscoveryService } from '../../core/discovery/node/discovery-service.js';
import type { CurrentPrefix } from '../../core/discovery/prefix-state.js';
import { FakeNdUserOptSource, ndUserOptMessage, pref64Option, prefix, prefixText } from './discovery-fixtures.js';

const s = 1000;

/** A DNS whose answers the test gives, one per query, in order. */
class ScriptedDns {
  calls = 0;
  readonly #pending: ((outcome: DnsOutcome) => void)[] = [];
  readonly query = (): Promise<DnsOutcome> => {
    this.calls++;
    return new Promise((resolve) => this.#pending.push(resolve));
  };

  async answer(outcome: DnsOutcome): Promise<void> {
    const resolve = this.#pending.shift();
    if (resolve === undefined) throw new Error('no query is waiting');
    resolve(outcome);
    await vi.advanceTimersByTimeAsync(0);
  }
}

const describeCurrent = (current: CurrentPrefix) => (current.state === 'none' ? 'none' : `${prefixText(current.prefix)} ${current.source}`);
const found = (text: string, ttlS: number): DnsOutcome => ({ ok: true, prefixes: [prefix(text)], ttlS });

let service: DiscoveryService | undefined;
beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  service?.stop();
  service = undefined;
  vi.useRealTimers();
});

function startService(options: { dns?: ScriptedDns | null; source?: FakeNdUserOptSource; manual?: string }) {
  const prefixChanges: string[] = [];
  const statusChanges: string[] = [];
  service = new DiscoveryService({
    uplinkIfindex: 2,
    queryDns: options.dns === null ? null : (options.dns ?? new ScriptedDns()).query,
    ndUserOpts: options.source ?? null,
    manualPrefix: options.manual === undefined ? null : prefix(options.manual),
  });
  service.onPrefixChange((current) => prefixChanges.push(describeCurrent(current)));
  service.onStatusChange((current) => statusChanges.push(describeCurrent(current)));
  service.start();
  return { service, prefixChanges, statusChanges };
}

describe('DiscoveryService', () => {
  it('queries DNS at start and again before the TTL runs out', async () => {
    const dns = new ScriptedDns();
    const { service, prefixChanges } = startService({ dns });
    expect(dns.calls).toBe(1);
    await dns.answer(found('64:ff9b::/96', 300));
    expect(prefixChanges).toEqual(['64:ff9b::/96 dns']);
    expect(service.current).toMatchObject({ source: 'dns', learnedAtMs: 1_000_000, expiresAtMs: 1_300_000 });
    await vi.advanceTimersByTimeAsync(290 * s - 1);
    expect(dns.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(dns.calls).toBe(2);
    await dns.answer(found('64:ff9b::/96', 300));
    expect(prefixChanges).toEqual(['64:ff9b::/96 dns']); // the same prefix: no reconfiguration
    expect(service.current).toMatchObject({ learnedAtMs: 1_000_000, expiresAtMs: 1_590_000 });
  });

  it('retries a failing DNS with backoff and drops the prefix at its expiry', async () => {
    const dns = new ScriptedDns();
    const { prefixChanges } = startService({ dns });
    await dns.answer(found('64:ff9b::/96', 20));
    // TTL 20 s is floored to 60 s; the next query is due 10 s before that.
    await vi.advanceTimersByTimeAsync(50 * s);
    expect(dns.calls).toBe(2);
    await dns.answer({ ok: false, error: 'ETIMEOUT' });
    await vi.advanceTimersByTimeAsync(1 * s);
    expect(dns.calls).toBe(3);
    await dns.answer({ ok: false, error: 'ETIMEOUT' });
    await vi.advanceTimersByTimeAsync(2 * s - 1);
    expect(dns.calls).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(dns.calls).toBe(4);
    expect(prefixChanges).toEqual(['64:ff9b::/96 dns']);
    await vi.advanceTimersByTimeAsync(7 * s); // 60 s after the answer
    expect(prefixChanges).toEqual(['64:ff9b::/96 dns', 'none']);
  });

  it('takes PREF64 from the netlink source over DNS, and falls back when its lifetime ends', async () => {
    const dns = new ScriptedDns();
    const source = new FakeNdUserOptSource();
    const { service, prefixChanges } = startService({ dns, source });
    await dns.answer(found('64:ff9b::/96', 3600));
    source.push(ndUserOptMessage({ ifindex: 2, router: 'fe80::1', options: pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 10 }) }));
    source.push(ndUserOptMessage({ ifindex: 5, router: 'fe80::1', options: pref64Option({ prefix: '2001:db8:65::', plc: 0, scaledLifetime: 10 }) }));
    expect(service.current).toMatchObject({ source: 'ra', expiresAtMs: 1_080_000 });
    await vi.advanceTimersByTimeAsync(80 * s);
    expect(prefixChanges).toEqual(['64:ff9b::/96 dns', '2001:db8:64::/96 ra', '64:ff9b::/96 dns']);
    service.stop();
    expect(source.closed).toBe(true);
  });

  it('runs on a manual prefix alone, with no timer, and checks what the user types', () => {
    const { service, prefixChanges, statusChanges } = startService({ dns: null });
    expect(vi.getTimerCount()).toBe(0);
    expect(service.setManualPrefix('2001:db8:46::/80')).toEqual({ ok: false, error: expect.stringContaining('/80') });
    expect(service.setManualPrefix('2001:db8:46::/96').ok).toBe(true);
    expect(service.current).toMatchObject({ source: 'manual', expiresAtMs: null });
    service.clearManualPrefix();
    expect(prefixChanges).toEqual(['2001:db8:46::/96 manual', 'none']);
    expect(statusChanges).toEqual(prefixChanges);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resets on an uplink change: a new query at once, the old answer dropped, RAs filtered anew', async () => {
    const dns = new ScriptedDns();
    const source = new FakeNdUserOptSource();
    const { service, prefixChanges } = startService({ dns, source, manual: '2001:db8:46::/96' });
    // The manual prefix was in effect before anyone subscribed: it is in `current`, not a change.
    expect(service.current).toMatchObject({ source: 'manual' });
    service.changeUplink(3);
    expect(dns.calls).toBe(2);
    await dns.answer(found('64:ff9b::/96', 3600)); // the answer to the query sent on the old network
    expect(service.current).toMatchObject({ source: 'manual' });
    await dns.answer(found('2001:db8:122::/48', 3600));
    source.push(ndUserOptMessage({ ifindex: 2, options: pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 100 }) }));
    expect(prefixChanges).toEqual(['2001:db8:122::/48 dns']);
  });

  it('stops: no timer, no query, late answers ignored', async () => {
    const dns = new ScriptedDns();
    const { service, prefixChanges } = startService({ dns });
    service.stop();
    expect(vi.getTimerCount()).toBe(0);
    await dns.answer(found('64:ff9b::/96', 300));
    await vi.advanceTimersByTimeAsync(3600 * s);
    expect(dns.calls).toBe(1);
    expect(prefixChanges).toEqual([]);
  });
});
