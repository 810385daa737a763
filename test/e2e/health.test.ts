// Never silently broken, end to end: the real engine in the lab with the CLAT running, the path
// broken on the ISP's router (out of the host's reach: its nftables drops everything to the NAT64
// prefixes), pings and TCP connections from the IPv6-only host to three IPv4 destinations, and
// `clatter status --json`, its text and the page in Chromium say "replies are not arriving" with the
// likely causes within 10 s; the drop removed, one ping's reply clears it. A single unanswered UDP
// destination behind the same drop must not raise it. And `up` refuses, naming the rule, on a host
// whose own firewall drops the CLAT's replies.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClatStatus, ReplyHealth } from '../../core/api/status.js';
import { nat64Plans } from '../../core/lab/topology.js';
import { asRunning, isRunning } from './engine-process.js';
import { artifactsDir, startUiHarness, type UiHarness } from './ui-harness.js';

const isRoot = process.getuid?.() === 0;
const server = '203.0.113.10';
/** IPv4 destinations the lab's NAT64 would carry (documentation ranges); the drop keeps them from answering. */
const pinged = ['203.0.113.20', '203.0.113.21'];
const connected = ['198.51.100.30'];
const udpOnly = '203.0.113.40';

/** On the ISP's router, before any routing: everything to either NAT64 prefix is dropped. */
const dropTable = 'clatter_health_test';
const dropRuleset = [
  `table inet ${dropTable} {`,
  '  chain prerouting {',
  '    type filter hook prerouting priority raw; policy accept;',
  `    ip6 daddr { ${nat64Plans.map((plan) => plan.prefix).join(', ')} } drop`,
  '  }',
  '}',
].join('\n');

const healthOf = (status: ClatStatus): ReplyHealth | undefined => (isRunning(status) ? status.health : undefined);

describe.skipIf(!isRoot)('reply health: the path broken on the router, seen and cleared', () => {
  let harness: UiHarness;

  beforeAll(async () => {
    harness = await startUiHarness();
    const status = await harness.engine.up();
    expect(status.state).toBe('running');
  }, 120_000);

  afterAll(async () => {
    await harness?.lab.exec('isp', ['nft', 'delete', 'table', 'inet', dropTable], { check: false });
    await harness?.close();
  }, 60_000);

  const breakPath = () => harness.lab.exec('isp', ['nft', '-f', '-'], { input: dropRuleset });
  const mendPath = () => harness.lab.exec('isp', ['nft', 'delete', 'table', 'inet', dropTable]);
  const pingServer = () => harness.lab.exec('host', ['ping', '-n', '-c', '1', '-w', '10', server], { timeoutMs: 15_000 });

  it('replies arrive: health is ok', async () => {
    await pingServer();
    const status = asRunning(await harness.engine.status());
    expect(status.health).toEqual({ state: 'ok' });
  });

  it('pings and TCP connections to three destinations with the NAT64 cut off: no-replies within 10 s, in --json, in text and on the page', async () => {
    const { lab, engine, page } = harness;
    await breakPath();
    const startedMs = Date.now();
    // Both kinds of request that expect an answer, none of which comes: they fail, as they should.
    const requests = Promise.all([
      ...pinged.map((address) => lab.exec('host', ['ping', '-n', '-c', '4', '-i', '0.5', '-W', '1', address], { check: false, timeoutMs: 15_000 })),
      ...connected.map((address) => lab.exec('host', ['curl', '--silent', '--connect-timeout', '6', `http://${address}/`], { check: false, timeoutMs: 15_000 })),
    ]);
    const raised = await engine.waitForStatus((status) => healthOf(status)?.state === 'no-replies', 'reporting no replies', 10_000);
    const elapsedMs = Date.now() - startedMs;
    const results = await requests;
    expect(results.map((result) => result.code === 0)).toEqual([false, false, false]);
    expect(elapsedMs).toBeLessThan(10_000);

    const health = healthOf(raised);
    if (health?.state !== 'no-replies') throw new Error('unreachable');
    expect([...health.unansweredDestinations].sort()).toEqual([...connected, ...pinged].sort());
    expect(health.unansweredRequests).toBeGreaterThanOrEqual(3);
    expect(health.sinceMs).toBeGreaterThanOrEqual(startedMs - 1000);
    // The causes, in order; this host has no firewall and a route to the NAT64: nothing found here.
    await expect.poll(async () => {
      const current = healthOf(await engine.status());
      return current?.state === 'no-replies' ? current.causes.map((cause) => [cause.kind, cause.found, cause.text.includes('looking')]) : null;
    }, { timeout: 5000 }).toEqual([['firewall', false, false], ['nat64', false, false], ['prefix', false, false]]);
    const causes = healthOf(await engine.status());
    expect(causes?.state === 'no-replies' && causes.causes.map((cause) => cause.text)).toEqual([
      "a firewall rule on the way (none on this host drops the CLAT's packets)",
      `the NAT64 unreachable (${nat64Plans[0].prefix} is routed via fe80::1 on uplink; what lies beyond cannot be seen from here)`,
      expect.stringMatching(/^a stale NAT64 prefix \(2001:db8:64::\/96 from (Router Advertisement|DNS64).*, valid for \d+ (s|min) more\)$/),
    ]);

    const text = await engine.cli(['status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^replies +are not arriving: \d+ requests \(TCP SYN, ping\) to 3 destinations unanswered since \d+ s ago/m);
    expect(text.stdout).toMatch(/^likely causes +1\. a firewall rule on the way/m);
    expect(text.stdout).toMatch(/^ +2\. the NAT64 unreachable/m);
    expect(text.stdout).toMatch(/^ +3\. a stale NAT64 prefix/m);

    const banner = page.getByTestId('health-banner');
    await banner.waitFor({ timeout: 5000 });
    expect(await banner.locator('strong').textContent()).toBe('Replies are not arriving');
    expect(await banner.locator('li').evaluateAll((items) => items.map((item) => (item as unknown as { dataset: { cause: string } }).dataset.cause))).toEqual(['firewall', 'nat64', 'prefix']);
    expect(await page.getByTestId('clat-state').textContent()).toBe('CLAT on, but replies are not arriving');
    await page.screenshot({ path: join(artifactsDir, 'ui-no-replies.png'), fullPage: true });
    expect(harness.pageErrors).toEqual([]);
  });

  it('the path mended: one ping answered clears it, in status and on the page', async () => {
    const { engine, page } = harness;
    await mendPath();
    await pingServer();
    await engine.waitForStatus((status) => healthOf(status)?.state === 'ok', 'healthy again', 5000);
    await page.getByTestId('health-banner').waitFor({ state: 'detached', timeout: 5000 });
    expect(await page.getByTestId('clat-state').textContent()).toBe('CLAT on: IPv4 works over IPv6');
  });

  it('one silent UDP destination behind the same drop does not raise it', async () => {
    const { lab, engine } = harness;
    await breakPath();
    try {
      // Datagrams to a port nothing listens on, for 6 s: nothing comes back, and nothing asked for it.
      const sender = lab.exec('host', ['/usr/bin/python3', '-c', [
        'import socket, time',
        's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
        'for i in range(24):',
        `    s.sendto(b"anyone?", ("${udpOnly}", 9999))`,
        '    time.sleep(0.25)',
      ].join('\n')], { timeoutMs: 15_000 });
      const seen: string[] = [];
      const until = Date.now() + 10_000;
      while (Date.now() < until) {
        seen.push(healthOf(await engine.status())?.state ?? 'none');
        await sleep(500);
      }
      await sender;
      expect(new Set(seen)).toEqual(new Set(['ok']));
      const status = asRunning(await engine.status());
      expect(status.counters.translated46).toBeGreaterThan(0);
    } finally {
      await mendPath();
    }
  });

  it("up refuses on a host whose own firewall drops the CLAT's replies, naming the rule", async () => {
    const { lab, engine } = harness;
    await engine.down();
    const ruleset = 'table ip clatter_health_input {\n  chain input {\n    type filter hook input priority 0; policy drop;\n    iifname "lo" accept\n  }\n}';
    await lab.exec('host', ['nft', '-f', '-'], { input: ruleset });
    try {
      const refused = await engine.cli(['up', '--json']);
      expect(refused.code).toBe(1);
      const status = JSON.parse(refused.stdout) as ClatStatus;
      expect(status.state).toBe('error');
      expect(status.state === 'error' && status.cause).toContain("this host's firewall drops the CLAT's packets");
      expect(status.state === 'error' && status.cause).toContain('IPv4 replies arriving from clat');
      expect(status.state === 'error' && status.cause).toContain('table ip clatter_health_input chain input policy drop');
      // Nothing of the CLAT is left on the host.
      expect((await lab.exec('host', ['ip', 'link', 'show', 'clat'], { check: false })).code).not.toBe(0);
    } finally {
      await engine.down();
      await lab.exec('host', ['nft', 'delete', 'table', 'ip', 'clatter_health_input'], { check: false });
    }
  });
});
