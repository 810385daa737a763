// dnsDiscovery against a DNS server of our own on 127.0.0.1: answers with a chosen TTL, no DNS64,
// SERVFAIL and silence, each turned into the outcome the state machine expects.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsDiscovery } from '../../core/discovery/node/dns-discovery.js';
import { TestDnsServer } from './discovery-dns-server.js';
import { prefixText } from './discovery-fixtures.js';

let server: TestDnsServer;
beforeAll(async () => {
  server = await TestDnsServer.start();
});
afterAll(() => server.close());

const query = (timeoutMs = 2_000) => dnsDiscovery({ servers: [server.address], timeoutMs, tries: 1 })({ source: 'host' });

describe('dnsDiscovery', () => {
  it('asks AAAA for ipv4only.arpa and returns the prefix with the TTL', async () => {
    server.behaviour = { kind: 'answer', addresses: ['64:ff9b::c000:aa', '64:ff9b::c000:ab'], ttlS: 427 };
    const before = server.questions.length;
    const outcome = await query();
    expect(server.questions.slice(before)).toEqual(['ipv4only.arpa/28']);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.prefixes.map(prefixText)).toEqual(['64:ff9b::/96']);
    expect(outcome.ttlS).toBe(427);
  });

  it('finds a network-specific /48 prefix', async () => {
    server.behaviour = { kind: 'answer', addresses: ['2001:db8:122:c000:0:aa00::'], ttlS: 60 };
    const outcome = await query();
    expect(outcome.ok && outcome.prefixes.map(prefixText)).toEqual(['2001:db8:122::/48']);
  });

  it('reports an answer without the Well-Known addresses as no prefix', async () => {
    server.behaviour = { kind: 'answer', addresses: ['2001:db8::1'], ttlS: 60 };
    expect(await query()).toEqual({ ok: true, prefixes: [], ttlS: 60 });
  });

  it('reports no AAAA records (no DNS64) as an answer without prefixes', async () => {
    server.behaviour = { kind: 'no-data' };
    expect(await query()).toEqual({ ok: true, prefixes: [], ttlS: 0 });
  });

  it('reports SERVFAIL as a failure', async () => {
    server.behaviour = { kind: 'server-failure' };
    const outcome = await query();
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(/ESERVFAIL/);
  });

  it('gives up after its timeout when nobody answers', async () => {
    server.behaviour = { kind: 'silent' };
    const startedMs = Date.now();
    const outcome = await query(300);
    // Our own deadline or c-ares's per-try timeout, whichever fires first: either way a failure, in time.
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(/within 300 ms|ETIMEOUT/);
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(250);
    expect(Date.now() - startedMs).toBeLessThan(2_000);
  });
});
