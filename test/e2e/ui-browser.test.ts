// The desktop app's screen in a real browser (Debian's Chromium through Playwright, served by
// `clatter ui`'s server), against the real engine in the lab: switch the CLAT on from the page,
// send curl and ping from the IPv6-only host to the IPv4-only server, and see it all on screen —
// the lab's prefix and its source, counters rising on both sides, curl and ping in the flows,
// each packet in both trace panes with its twin lit up on hover, a pcapng export tshark reads —
// then switch off and see traffic stop. Screenshots land in test-artifacts/.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tshark } from '../unit/tshark.js';
import { artifactsDir, startUiHarness, type UiHarness } from './ui-harness.js';

const isRoot = process.getuid?.() === 0;

/** The one browser function used here, typed without the DOM library (this is Node code). */
interface BrowserWindow {
  getComputedStyle(element: unknown): { fontSize: string };
}
const server = '203.0.113.10';

describe.skipIf(!isRoot)('the UI in Chromium, against the engine in the lab', () => {
  let harness: UiHarness;

  beforeAll(async () => {
    harness = await startUiHarness();
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  }, 60_000);

  const packets = async (side: 'ipv4' | 'ipv6') => Number((await harness.page.getByTestId(`${side}-packets`).textContent())!.replaceAll(',', ''));

  it('connects to the engine and shows the CLAT off', async () => {
    const { page } = harness;
    await expect.poll(() => page.getByTestId('clat-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('off');
    expect(await page.getByTestId('clat-toggle').getAttribute('aria-checked')).toBe('false');
    expect(await page.getByTestId('link-banner').count()).toBe(0);
  });

  it('switches the CLAT on; the prefix card shows the lab prefix learned from the RA', async () => {
    const { page } = harness;
    await page.getByTestId('clat-toggle').click();
    // Optimistic: the switch is on at once, whatever the engine is still doing.
    expect(await page.getByTestId('clat-toggle').getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => page.getByTestId('clat-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('running');
    expect(await page.getByTestId('prefix-value').textContent()).toBe('2001:db8:64::/96');
    // DNS64 may answer before the first PREF64 RA arrives; the RA prefix wins when it comes (core/discovery/select-prefix.ts).
    await expect.poll(() => page.getByTestId('prefix-source').getAttribute('data-source'), { timeout: 15_000 }).toBe('ra');
    expect(await page.getByTestId('prefix-source').textContent()).toContain('Router Advertisement (PREF64, RFC 8781)');
    expect(await page.getByTestId('clat-ipv4').textContent()).toBe('192.0.0.1');
  });

  it('curl and ping through the CLAT: counters rise on both sides, flows name both programs', async () => {
    const { page, lab } = harness;
    const before = { v4: await packets('ipv4'), v6: await packets('ipv6') };
    await lab.exec('host', ['curl', '--silent', '--output', '/dev/null', '--max-time', '20', `http://${server}/file`], { timeoutMs: 30_000 });
    await lab.exec('host', ['ping', '-n', '-c', '3', '-i', '0.2', '-w', '15', server], { timeoutMs: 20_000 });
    await expect.poll(() => packets('ipv4'), { timeout: 5000 }).toBeGreaterThan(before.v4 + 700);
    await expect.poll(() => packets('ipv6'), { timeout: 5000 }).toBeGreaterThan(before.v6 + 700);
    await expect.poll(async () => (await page.locator('[data-testid=flow-row][data-program=curl]').count()) > 0, { timeout: 10_000 }).toBe(true);
    await expect.poll(async () => (await page.locator('[data-testid=flow-row][data-program=ping]').count()) > 0, { timeout: 10_000 }).toBe(true);
    const curlRow = page.locator('[data-testid=flow-row][data-program=curl]').first();
    expect(await curlRow.textContent()).toContain(`${server}:80`);
    expect(await curlRow.locator('.v6-twin').textContent()).toBe('[2001:db8:64::cb00:710a]:80');
  });

  it('each ping is in both trace panes, and hovering one side lights up its twin on the other', async () => {
    const { page } = harness;
    await page.getByTestId('trace-filter').fill('echo request');
    const v4Request = page.getByTestId('trace-v4').getByTestId('trace-row').filter({ hasText: `192.0.0.1 > ${server}: ICMP echo request` }).first();
    await v4Request.waitFor({ timeout: 10_000 });
    const pair = await v4Request.getAttribute('data-pair');
    const v6Twin = page.getByTestId('trace-v6').locator(`[data-testid=trace-row][data-pair="${pair}"]`);
    expect(await v6Twin.textContent()).toContain('> 2001:db8:64::cb00:710a: ICMP6, echo request');
    expect(await v6Twin.getAttribute('data-highlighted')).toBe('false');
    await v4Request.hover();
    expect(await v6Twin.getAttribute('data-highlighted')).toBe('true');
    // And the other way round: hovering the IPv6 packet lights up the IPv4 one.
    await page.getByTestId('trace-filter').hover();
    expect(await v6Twin.getAttribute('data-highlighted')).toBe('false');
    await v6Twin.hover();
    expect(await v4Request.getAttribute('data-highlighted')).toBe('true');
    await page.getByTestId('trace-filter').fill('');
    await page.screenshot({ path: join(artifactsDir, 'ui-main.png'), fullPage: true });
  });

  it('exports the traces as a pcapng that tshark reads, both interfaces, every checksum good', async () => {
    const { page } = harness;
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.getByTestId('export-button').click()]);
    expect(download.suggestedFilename()).toMatch(/^clatter-.*\.pcapng$/);
    const file = join(artifactsDir, 'ui-export.pcapng');
    await download.saveAs(file);
    expect(readFileSync(file).readUInt32LE(0)).toBe(0x0a0d0d0a); // pcapng Section Header Block
    const interfaces = tshark(['-r', file, '-T', 'fields', '-e', 'frame.interface_name']).trim().split('\n');
    expect(interfaces.filter((name) => name === 'clat').length).toBeGreaterThan(700);
    expect(interfaces.filter((name) => name === 'uplink').length).toBeGreaterThan(700);
    const echo = tshark(['-r', file, '-Y', 'icmp.type == 8 || icmpv6.type == 128', '-T', 'fields', '-e', 'frame.interface_name']).trim().split('\n');
    expect(echo.filter((name) => name === 'clat')).toHaveLength(3);
    expect(echo.filter((name) => name === 'uplink')).toHaveLength(3);
    expect(await page.getByTestId('export-message').textContent()).toMatch(/^Downloaded clatter-.*\.pcapng \(\d+ pairs\)$/);
  });

  it('presentation mode shows the toggle, the prefix and the two traces in large type', async () => {
    const { page } = harness;
    await page.getByTestId('presentation-button').click();
    await page.getByTestId('presentation').waitFor();
    expect(await page.getByTestId('counters').count()).toBe(0);
    expect(await page.getByTestId('prefix-value').textContent()).toBe('2001:db8:64::/96');
    expect(await page.getByTestId('trace-v4').getByTestId('trace-row').count()).toBeGreaterThan(0);
    const fontSize = await page.getByTestId('trace-v4').getByTestId('trace-row').first().evaluate((row) => (globalThis as unknown as BrowserWindow).getComputedStyle(row).fontSize);
    expect(parseFloat(fontSize)).toBeGreaterThanOrEqual(18);
    await page.screenshot({ path: join(artifactsDir, 'ui-presentation.png') });
    await page.keyboard.press('Escape');
    await page.getByTestId('counters').waitFor();
  });

  it('switches the CLAT off: ping fails and the counters stand still', async () => {
    const { page, lab } = harness;
    await page.getByTestId('clat-toggle').click();
    await expect.poll(() => page.getByTestId('clat-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('off');
    expect(await page.getByTestId('prefix-value').textContent()).toBe('None: the CLAT is off');
    const before = await packets('ipv4');
    const ping = await lab.exec('host', ['ping', '-n', '-c', '2', '-i', '0.2', '-w', '2', server], { check: false, timeoutMs: 10_000 });
    expect(ping.code).not.toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await packets('ipv4')).toBe(before);
  });

  it('logged no errors (no CSP violation, no exception)', () => {
    expect(harness.pageErrors).toEqual([]);
  });
});
