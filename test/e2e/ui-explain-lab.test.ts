// The explanation panel against the real engine in the lab (Chromium, `clatter ui`'s server): the
// engine's translator explains the pairs it recorded, and the screen shows it. A ping's pair: TTL
// → Hop Limit, Protocol → Next Header, type 8 → 128, the server's address with its embedded IPv4
// marked. A traceroute hop's ICMP error, translated, with its quoted packet explained at depth 1.
// A fragmented ping, which RFC 7915 does not translate, with its reason. Keys: up, down, Escape.
// Presentation mode: trace rows keep the embedded IPv4 whole, and the explanation is large; its
// screenshots go to docs/.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../core/install/package-root.js';
import { artifactsDir, startUiHarness, type UiHarness } from './ui-harness.js';

const isRoot = process.getuid?.() === 0;
const server = '203.0.113.10';
const docsDir = join(findPackageRoot().dir, 'docs');

/** The browser functions used here, typed without the DOM library (this is Node code). */
interface BrowserWindow {
  getComputedStyle(element: unknown): { fontSize: string };
}
interface BoxElement {
  readonly textContent: string | null;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number };
  querySelectorAll(selector: string): Iterable<BoxElement>;
  closest(selector: string): BoxElement | null;
}

describe.skipIf(!isRoot)('explanations in Chromium, from the engine in the lab', () => {
  let harness: UiHarness;

  beforeAll(async () => {
    harness = await startUiHarness({ width: 1600, height: 1000 });
    const { page } = harness;
    await page.locator('[data-testid=clat-state][data-state=off]').waitFor({ timeout: 10_000 });
    await page.getByTestId('clat-toggle').click();
    await page.locator('[data-testid=clat-state][data-state=running]').waitFor({ timeout: 20_000 });
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  }, 60_000);

  const panel = () => harness.page.getByTestId('explain');
  const step = (left: string, right: string) => panel().locator(`[data-testid=explain-step][data-left="${left}"][data-right="${right}"]`);
  const v4Rows = () => harness.page.getByTestId('trace-v4').getByTestId('trace-row');
  const opened = async (pairId: string | null) => {
    await expect.poll(() => panel().getAttribute('data-pair'), { timeout: 5000 }).toBe(pairId);
    await expect.poll(() => panel().getAttribute('data-state'), { timeout: 5000 }).not.toBe('loading');
    expect(await harness.page.getByTestId('explain-error').count()).toBe(0);
  };

  it("a ping's pair: TTL → Hop Limit, Protocol → Next Header, type 8 → 128, the embedded address marked", async () => {
    const { page, lab } = harness;
    await lab.exec('host', ['ping', '-n', '-c', '2', '-i', '0.2', '-w', '10', server], { timeoutMs: 20_000 });
    await page.getByTestId('trace-filter').fill('echo request');
    const request = v4Rows().filter({ hasText: `192.0.0.1 > ${server}: ICMP echo request` }).first();
    await request.waitFor({ timeout: 10_000 });
    const pair = await request.getAttribute('data-pair');
    await request.click();
    await opened(pair);
    expect(await panel().getAttribute('data-state')).toBe('ready');
    const ttl = step('Time to Live', 'Hop Limit');
    expect(await ttl.count()).toBe(1);
    expect(await ttl.locator('.step-arrow-glyph').textContent()).toBe('→');
    expect(await ttl.textContent()).toMatch(/RFC 7915/);
    expect(await step('Protocol', 'Next Header').textContent()).toMatch(/\b1\b.*→.*\b58\b/s);
    const type = step('Type', 'Type');
    expect(await type.textContent()).toMatch(/\b8\b.*→.*\b128\b/s);
    const destination = panel().locator('[data-testid=explain-step][data-right="Destination Address"]');
    expect(await destination.getByTestId('embedded-ipv4').textContent()).toBe('cb00:710a');
    expect(await destination.textContent()).toContain('= 203.0.113.10');
    // The selected field lit in both packets: TTL is one byte of each header.
    await ttl.click();
    expect(await page.getByTestId('hex-left').locator('[data-lit=true]').count()).toBe(1);
    expect(await page.getByTestId('hex-right').locator('[data-lit=true]').count()).toBe(1);
  });

  it('up and down move between pairs and the explanation follows; Escape closes', async () => {
    const { page } = harness;
    const first = Number(await panel().getAttribute('data-pair'));
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => Number(await panel().getAttribute('data-pair')), { timeout: 5000 }).toBeGreaterThan(first);
    const second = await panel().getAttribute('data-pair');
    await opened(second);
    expect(await page.locator(`[data-testid=trace-row][data-pair="${second}"]`).first().getAttribute('data-highlighted')).toBe('true');
    await page.keyboard.press('ArrowUp');
    await opened(String(first));
    await page.keyboard.press('Escape');
    await expect.poll(() => panel().count()).toBe(0);
    await page.getByTestId('trace-filter').fill('');
  });

  it("a traceroute hop's ICMP error, translated, with its quoted packet explained", async () => {
    const { page, lab } = harness;
    await lab.exec('host', ['traceroute', '-n', '-q', '1', '-w', '2', '-m', '3', server], { check: false, timeoutMs: 40_000 });
    await page.getByTestId('trace-filter').fill('time exceeded');
    // Hop 2: the access router's ICMPv6 Time Exceeded, translated to IPv4 from 192.0.0.8 (RFC 7600).
    const hop = v4Rows().filter({ hasText: '192.0.0.8 > 192.0.0.1: ICMP time exceeded' }).first();
    await hop.waitFor({ timeout: 10_000 });
    const pair = await hop.getAttribute('data-pair');
    await hop.click();
    await opened(pair);
    expect(await panel().getAttribute('data-state')).toBe('ready');
    expect(await panel().locator('[data-testid=explain-step][data-depth="1"]').count()).toBeGreaterThan(3);
    const headings = await panel().getByTestId('explain-heading').allTextContents();
    expect(headings.some((text) => text.startsWith('Quoted packet: IPv4 header ⇄ IPv6 header'))).toBe(true);
    // The quoted packet's own addresses: the server's, with its embedded IPv4 marked.
    const quoted = panel().locator('[data-testid=explain-step][data-depth="1"]');
    expect(await quoted.getByTestId('embedded-ipv4').first().textContent()).toBe('cb00:710a');
    // Hop 1: the CLAT itself is a router (host-clat-rules.test.ts); its own Time Exceeded says why it was sent.
    const own = v4Rows().filter({ hasText: '192.0.0.2 > 192.0.0.1: ICMP time exceeded' }).first();
    await own.click();
    await opened(await own.getAttribute('data-pair'));
    expect(await page.getByTestId('explain-generated').textContent()).toMatch(/^The translator sent an ICMP error back:/);
    expect(await page.getByTestId('explain-refusal').textContent()).toContain('TTL or hop limit would reach 0');
    await page.keyboard.press('Escape');
    await page.getByTestId('trace-filter').fill('');
  });

  it('a fragmented ping is not translated (RFC 7915), and says why', async () => {
    const { page, lab } = harness;
    const ping = await lab.exec('host', ['ping', '-n', '-c', '1', '-s', '3000', '-M', 'dont', '-w', '3', server], { check: false, timeoutMs: 10_000 });
    expect(ping.code).not.toBe(0);
    await page.getByTestId('trace-filter').fill('frag');
    const fragment = page.getByTestId('trace-v4').locator('.trace-row-dropped').filter({ hasText: `192.0.0.1 > ${server}` }).first();
    await fragment.waitFor({ timeout: 10_000 });
    const pair = await fragment.getAttribute('data-pair');
    await fragment.click();
    await opened(pair);
    const refusal = page.getByTestId('explain-refusal');
    expect(await refusal.textContent()).toContain('Not translated: Fragmented ICMP cannot be translated (RFC 7915 §1.2).');
    expect(await refusal.textContent()).toMatch(/RFC 7915/);
    await page.screenshot({ path: join(artifactsDir, 'explain-refused.png') });
    await page.keyboard.press('Escape');
    await page.getByTestId('trace-filter').fill('');
  });

  it('presentation mode: whole embedded addresses in the rows, a large explanation; screenshots in docs/', async () => {
    const { page, lab } = harness;
    await page.getByTestId('trace-filter').fill('');
    if ((await panel().count()) > 0) await page.getByTestId('explain-close').click();
    await page.getByTestId('presentation-button').click();
    await page.getByTestId('presentation').waitFor();
    await lab.exec('host', ['ping', '-n', '-c', '3', '-i', '0.3', '-w', '10', server], { timeoutMs: 20_000 });
    const v6Row = page.getByTestId('trace-v6').getByTestId('trace-row').filter({ hasText: 'echo request' }).last();
    await v6Row.waitFor({ timeout: 10_000 });
    // The CLAT's own address gives way; the server's keeps its embedded IPv4, inside the pane.
    expect(await v6Row.getByTestId('clat-address').textContent()).toContain('…');
    const embedded = v6Row.getByTestId('embedded-ipv4');
    expect(await embedded.textContent()).toBe('cb00:710a');
    // Every row on screen, traceroute's longer lines and ICMP errors' quotes too: each embedded
    // IPv4 on the line's visible row ends inside the line's box (the line clips what overflows; a
    // quote that does not fit wraps out of sight below, whole).
    const cut = await page.getByTestId('trace-v6').locator('.trace-line').evaluateAll((lines) =>
      lines.flatMap((element) => {
        const line = element as unknown as BoxElement;
        const box = line.getBoundingClientRect();
        return [...line.querySelectorAll('[data-testid=embedded-ipv4]')].filter((mark) => {
          const at = mark.getBoundingClientRect();
          const quote = mark.closest('.trace-quote')?.getBoundingClientRect();
          const clipRight = Math.min(box.right, quote?.right ?? Infinity);
          const shown = at.top < (box.top + box.bottom) / 2 && at.left < clipRight - 0.5;
          return shown && at.right > clipRight + 0.5;
        }).map(() => line.textContent);
      }),
    );
    expect(await page.getByTestId('trace-v6').getByTestId('embedded-ipv4').count()).toBeGreaterThan(3);
    await page.screenshot({ path: join(artifactsDir, 'presentation-traces.png') });
    expect(cut).toEqual([]);
    await page.screenshot({ path: join(docsDir, 'presentation-traces.png') });
    await v6Row.click();
    await opened(await v6Row.getAttribute('data-pair'));
    const size = await step('Time to Live', 'Hop Limit').evaluate((element) => Number.parseFloat((globalThis as unknown as BrowserWindow).getComputedStyle(element).fontSize));
    expect(size).toBeGreaterThanOrEqual(20);
    await page.screenshot({ path: join(docsDir, 'presentation-explain.png') });
    // Escape closes the explanation first, then leaves presentation mode.
    await page.keyboard.press('Escape');
    await expect.poll(() => panel().count()).toBe(0);
    expect(await page.getByTestId('presentation').count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.getByTestId('counters').waitFor();
  });

  it('logged no errors (no CSP violation, no exception)', () => {
    expect(harness.pageErrors).toEqual([]);
  });
});
