// DiscoveryService: the state machine on real timers (faked here), a scripted DNS and a fake netlink
// source. Checks that queries go out when the machine says, and listeners hear each change once.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DnsOutcome, DnsResolvers } from '../../core/discovery/dns-outcome.js';
import { DiscoveryService } from '../../core/discovery/node/discovery-service.js';
import type { LinkResolverLookup } from '../../core/discovery/node/link-resolver-lookup.js';
import type { LinkResolverReport } from '../../core/discovery/link-resolvers.js';
import type { CurrentPrefix } from '../../core/discovery/prefix-state.js';
import { RaCache } from '../../core/discovery/ra-cache.js';
import { addr, FakeNdUserOptSource, ndUserOptMessage, pref64Option, prefix, prefixText, rdnssOption } from './discovery-fixtures.js';

const s = 1000;

/** A DNS whose answers the test gives, one per query, in order. */
class ScriptedDns {
  calls = 0;
  /** Whom each query asked, in order. */
  readonly asked: string[] = [];
  readonly #pending: ((outcome: DnsOutcome) => void)[] = [];
  readonly query = (resolvers: DnsResolvers): Promise<DnsOutcome> => {
    this.calls++;
    this.asked.push(resolvers.source === 'host' ? 'host' : `${resolvers.source} ${resolvers.ifindex} ${resolvers.addresses.join(' ')}`);
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

function startService(options: {
  dns?: ScriptedDns | null;
  source?: FakeNdUserOptSource;
  manual?: string;
  cache?: RaCache;
  solicited?: number[];
  log?: string[];
  linkResolvers?: LinkResolverLookup;
}) {
  const prefixChanges: string[] = [];
  const statusChanges: string[] = [];
  const solicited = options.solicited;
  service = new DiscoveryService({
    uplinkIfindex: 2,
    queryDns: options.dns === null ? null : (options.dns ?? new ScriptedDns()).query,
    ndUserOpts: options.source ?? null,
    manualPrefix: options.manual === undefined ? null : prefix(options.manual),
    raCache: options.cache,
    sendRouterSolicitation: solicited === undefined ? null : (ifindex) => (solicited.push(ifindex), null),
    log: (line) => options.log?.push(line),
    linkResolvers: options.linkResolvers ?? null,
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

describe('DiscoveryService: joining fast', () => {
  const raOf = (ifindex: number, options: Uint8Array) => ndUserOptMessage({ ifindex, router: 'fe80::1', options });

  it('uses a PREF64 the cache heard before start at once, with the lifetime the router gave', () => {
    const cache = new RaCache();
    cache.observe({ ifindex: 2, atMs: 1_000_000 - 100 * s, router: 'fe80::1', pref64: [{ prefix: prefix('2001:db8:64::/96'), lifetimeS: 1800 }], rdnss: [] });
    const log: string[] = [];
    const { service, prefixChanges } = startService({ cache, log });
    expect(prefixChanges).toEqual(['2001:db8:64::/96 ra']);
    expect(service.current).toMatchObject({ source: 'ra', learnedAtMs: 900_000, expiresAtMs: 900_000 + 1800 * s });
    expect(log).toContain('PREF64 from an RA heard 100 s ago, still valid: using it now');
  });

  it('ignores what the cache holds for other interfaces, and what expired', () => {
    const cache = new RaCache();
    cache.observe({ ifindex: 3, atMs: 999_000, router: 'fe80::1', pref64: [{ prefix: prefix('2001:db8:64::/96'), lifetimeS: 1800 }], rdnss: [] });
    cache.observe({ ifindex: 2, atMs: 1_000_000 - 61 * s, router: 'fe80::1', pref64: [{ prefix: prefix('2001:db8:65::/96'), lifetimeS: 60 }], rdnss: [] });
    const { service } = startService({ cache });
    expect(service.current).toEqual({ state: 'none' });
  });

  it('solicits at start, until an RA arrives on the uplink (RFC 4861 §6.3.7)', async () => {
    const solicited: number[] = [];
    const source = new FakeNdUserOptSource();
    const { service } = startService({ source, solicited });
    expect(solicited).toEqual([2]);
    await vi.advanceTimersByTimeAsync(4 * s);
    expect(solicited).toEqual([2, 2]);
    source.push(raOf(5, rdnssOption(600, '2001:db8:5::53'))); // another interface: no answer for us
    source.push(raOf(2, pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 100 })));
    expect(service.current).toMatchObject({ source: 'ra' });
    await vi.advanceTimersByTimeAsync(20 * s);
    expect(solicited).toEqual([2, 2]);
  });

  it('solicit() on demand (after changeUplink) asks the new uplink; changeUplink takes its cached PREF64', async () => {
    const solicited: number[] = [];
    const cache = new RaCache();
    cache.observe({ ifindex: 7, atMs: 990_000, router: 'fe80::7', pref64: [{ prefix: prefix('2001:db8:77::/96'), lifetimeS: 600 }], rdnss: [] });
    const { service, prefixChanges } = startService({ solicited, cache });
    service.changeUplink(7);
    expect(prefixChanges).toEqual(['2001:db8:77::/96 ra']);
    service.solicit();
    expect(solicited).toEqual([2, 7]);
  });

  it("asks the host's resolvers while the RAs named none, and the RDNSS as soon as an RA names it (RFC 8880 §7.1)", async () => {
    const dns = new ScriptedDns();
    const source = new FakeNdUserOptSource();
    const log: string[] = [];
    const { service, prefixChanges } = startService({ dns, source, log });
    expect(dns.asked).toEqual(['host']);
    source.push(raOf(2, rdnssOption(1200, '2001:db8:1:2::1')));
    expect(dns.asked).toEqual(['host', 'ra 2 2001:db8:1:2::1']);
    // The first query's answer (no DNS64 at the host's resolver) is stale: it asked others.
    await dns.answer({ ok: true, prefixes: [], ttlS: 0 });
    expect(service.state.dns).toEqual({ state: 'unknown' });
    await dns.answer(found('2001:db8:64::/96', 300));
    expect(prefixChanges).toEqual(['2001:db8:64::/96 dns']);
    expect(service.current).toMatchObject({ source: 'dns', resolvers: { source: 'ra', addresses: ['2001:db8:1:2::1'] } });
    expect(log).toEqual([
      "no resolver known for the uplink (its RAs, NetworkManager, systemd-resolved): asking the host's (/etc/resolv.conf) for ipv4only.arpa",
      "asking the resolvers of the uplink's RAs (RDNSS) for ipv4only.arpa: 2001:db8:1:2::1",
    ]);
    // The same RDNSS again (the next periodic RA) is no reason to ask again.
    source.push(raOf(2, rdnssOption(1200, '2001:db8:1:2::1')));
    expect(dns.calls).toBe(2);
  });

  describe("the link's resolvers as NetworkManager and systemd-resolved know them (RFC 8880 §7.1)", () => {
    /** A lookup that answers `reports` for interface 2 and counts its calls. */
    const lookup = (...reports: LinkResolverReport[]) => {
      const calls: number[] = [];
      const run: LinkResolverLookup = async (ifindex) => (calls.push(ifindex), ifindex === 2 ? reports : []);
      return { run, calls };
    };
    const networkManager: LinkResolverReport = { source: 'network-manager', addresses: ['2001:db8:1:2::53'] };
    const resolved: LinkResolverReport = { source: 'resolved', addresses: ['2001:db8:1:2::54'] };

    it("asks NetworkManager's resolvers for the uplink when its RAs named none, and says so in the status", async () => {
      const dns = new ScriptedDns();
      const log: string[] = [];
      const link = lookup(networkManager, resolved);
      const { service } = startService({ dns, log, linkResolvers: link.run });
      await vi.advanceTimersByTimeAsync(0);
      expect(link.calls).toEqual([2]);
      expect(dns.asked).toEqual(['network-manager 2 2001:db8:1:2::53']);
      await dns.answer(found('2001:db8:64::/96', 300));
      expect(service.current).toMatchObject({ source: 'dns', resolvers: { source: 'network-manager', addresses: ['2001:db8:1:2::53'] } });
      expect(log).toContain("no resolver in the uplink's RAs: asking its resolvers as NetworkManager knows them for ipv4only.arpa: 2001:db8:1:2::53");
    });

    it("asks systemd-resolved's when NetworkManager knows none, and the host's when neither does", async () => {
      const viaResolved = new ScriptedDns();
      startService({ dns: viaResolved, linkResolvers: lookup({ source: 'network-manager', addresses: [] }, resolved).run });
      await vi.advanceTimersByTimeAsync(0);
      expect(viaResolved.asked).toEqual(['resolved 2 2001:db8:1:2::54']);
      service?.stop();
      const viaHost = new ScriptedDns();
      startService({ dns: viaHost, linkResolvers: lookup().run });
      await vi.advanceTimersByTimeAsync(0);
      expect(viaHost.asked).toEqual(['host']);
    });

    it('does not ask the tools while the RAs name resolvers: those come first', () => {
      const dns = new ScriptedDns();
      const cache = new RaCache();
      cache.observe({ ifindex: 2, atMs: 999_000, router: 'fe80::1', pref64: [], rdnss: [{ lifetimeS: 600, addresses: [addr('2001:db8:1:2::1')] }] });
      const link = lookup(networkManager);
      startService({ dns, cache, linkResolvers: link.run });
      expect(dns.asked).toEqual(['ra 2 2001:db8:1:2::1']);
      expect(link.calls).toEqual([]);
    });
  });

  it('asks the RDNSS from the first query when the cache knows it', () => {
    const dns = new ScriptedDns();
    const cache = new RaCache();
    cache.observe({ ifindex: 2, atMs: 999_000, router: 'fe80::1', pref64: [], rdnss: [{ lifetimeS: 600, addresses: [addr('fe80::1')] }] });
    startService({ dns, cache });
    expect(dns.asked).toEqual(['ra 2 fe80::1']);
  });
});
