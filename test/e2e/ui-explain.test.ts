// The explanation panel in Chromium, drawn from explanations of the contract's shape
// (test/renderer/explanation-fixture.ts) that a scripted engine hands out: no lab, so this tests
// the drawing — sides, arrows, the embedded IPv4 marked, bits lit in both packets, a refusal, an
// error the translator sent, a mismatch, keys — while ui-explain-lab.test.ts asks the real engine.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Explanation } from '../../core/api/explanation.js';
import { startUiServer, type UiServer } from '../../core/ui-server/ui-server.js';
import { TrafficCounters } from '../../core/observe/traffic-counters.js';
import { echoExplanation, generatedExplanation, refusedExplanation, timeExceededExplanation } from '../renderer/explanation-fixture.js';
import { droppedPair, echoPair, runningStatus } from '../renderer/fixtures.js';
import { startScriptedEngine, type ScriptedEngine } from '../unit/ui-engine-fixture.js';
import { artifactsDir, launchChromium } from './ui-harness.js';
import { join } from 'node:path';

const isRoot = process.getuid?.() === 0;

const explanations = new Map<number, Explanation>([
  [1, echoExplanation(1)],
  [2, timeExceededExplanation(2)],
  [3, refusedExplanation(3)],
  [4, generatedExplanation(4)],
  [5, echoExplanation(5)],
]);

describe.skipIf(!isRoot)('the explanation panel, drawn from the contract', () => {
  let engine: ScriptedEngine;
  let server: UiServer;
  let browser: Browser;
  let page: Page;

  const row = (pairId: number) => page.getByTestId('trace-v4').locator(`[data-testid=trace-row][data-pair="${pairId}"]`);
  const panel = () => page.getByTestId('explain');
  const step = (left: string, right: string) => panel().locator(`[data-testid=explain-step][data-left="${left}"][data-right="${right}"]`);

  beforeAll(async () => {
    engine = await startScriptedEngine();
    engine.status = runningStatus;
    engine.explainAnswer = (pairId) => {
      const explanation = explanations.get(pairId);
      return explanation === undefined ? { ok: false, error: { code: 'bad-request', message: `no pair ${pairId} in the ring` } } : { ok: true, result: explanation };
    };
    server = await startUiServer({ socketPath: engine.socketPath, port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
    await page.goto(server.url);
    await page.locator('[data-testid=clat-state][data-state=running]').waitFor({ timeout: 10_000 });
    const pairs = [echoPair(1), echoPair(2), droppedPair(3), droppedPair(4), echoPair(5), echoPair(6)];
    engine.push({ event: 'update', counters: new TrafficCounters().snapshot(), rate: null, flows: { seq: 1, changed: [], removed: [], complete: true }, trace: { pairs, skipped: 0, lost: 0 } });
    await row(6).waitFor({ timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await engine?.remove();
  });

  it('clicking a pair opens it: IPv4 left, IPv6 right, each field beside its counterpart with the rule', async () => {
    await row(1).click();
    await expect.poll(() => panel().getAttribute('data-state'), { timeout: 5000 }).toBe('ready');
    const ttl = step('Time to Live', 'Hop Limit');
    expect(await ttl.getAttribute('data-action')).toBe('decremented');
    expect(await ttl.locator('.step-arrow-glyph').textContent()).toBe('→');
    expect(await ttl.textContent()).toContain('RFC 7915 §4.1');
    expect(await step('Protocol', 'Next Header').textContent()).toMatch(/1.*→.*58/s);
    expect(await step('Type', 'Type').first().textContent()).toMatch(/8.*→.*128/s);
    // The embedded IPv4 is marked inside the IPv6 address, and said dotted.
    const address = step('Destination Address', 'Destination Address');
    expect(await address.getByTestId('embedded-ipv4').textContent()).toBe('cb00:710a');
    expect(await address.textContent()).toContain('= 203.0.113.10');
    await page.screenshot({ path: join(artifactsDir, 'explain-fixture.png'), fullPage: true });
  });

  it('a step selected lights its field in both packets, bit by bit where it shares a byte', async () => {
    await step('Time to Live', 'Hop Limit').click();
    // TTL is byte 8 of the IPv4 header; Hop Limit byte 7 of the IPv6 header.
    expect(await page.getByTestId('hex-left').locator('[data-lit=true]').count()).toBe(1);
    expect(await page.getByTestId('hex-right').locator('[data-lit=true]').count()).toBe(1);
    expect(await page.getByTestId('hex-left').locator('[data-lit=true]').textContent()).toBe('40');
    await step('Type of Service', 'Traffic Class').click();
    // Traffic Class straddles bytes 0 and 1 of the IPv6 header: two bytes, partly lit, 8 bits lit.
    expect(await page.getByTestId('hex-right').locator('.hex-lit-part').count()).toBe(2);
    expect(await page.getByTestId('hex-right').locator('.bit-lit').count()).toBe(8);
    await step('Destination Address', 'Destination Address').click();
    expect(await page.getByTestId('hex-right').locator('.hex-lit').count()).toBe(16);
    expect(await page.getByTestId('hex-left').locator('.hex-lit').count()).toBe(4);
  });

  it('down and up move between pairs and the explanation follows; Escape closes', async () => {
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => panel().getAttribute('data-pair')).toBe('2');
    await expect.poll(() => panel().getAttribute('data-state')).toBe('ready');
    // In (64): the IPv4 output on the left, arrows pointing to it; the quoted packet indented at depth 1.
    expect(await panel().locator('[data-testid=explain-step][data-depth="1"]').count()).toBe(2);
    expect(await panel().getByTestId('explain-heading').allTextContents()).toContain('Quoted packet: IPv4 header ⇄ IPv6 header');
    expect(await panel().locator('[data-testid=explain-step] .step-arrow-glyph').first().textContent()).toBe('←');
    expect(await row(2).getAttribute('data-highlighted')).toBe('true');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => panel().getAttribute('data-state')).toBe('ready');
    expect(await panel().getAttribute('data-pair')).toBe('3');
    expect(await page.getByTestId('explain-refusal').textContent()).toContain('Not translated: Fragmented ICMP cannot be translated (RFC 7915 §1.2).');
    expect(await page.getByTestId('explain-refusal').textContent()).toContain('Flags = MF');
    expect(await page.getByTestId('hex-left').locator('.hex-lit-part').count()).toBe(1);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => panel().getAttribute('data-pair')).toBe('4');
    await expect.poll(() => panel().getAttribute('data-state')).toBe('ready');
    expect(await page.getByTestId('explain-generated').textContent()).toContain('Time Exceeded sent back');
    expect(await page.getByTestId('explain-mismatch').textContent()).toContain('the recorded reply was 4 bytes longer');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => panel().getAttribute('data-pair')).toBe('3');
    await page.keyboard.press('Escape');
    await expect.poll(() => panel().count()).toBe(0);
    expect(await row(3).getAttribute('data-highlighted')).toBe('false');
  });

  it('a pair the engine cannot explain says why', async () => {
    await row(6).click();
    await expect.poll(() => panel().getAttribute('data-state'), { timeout: 5000 }).toBe('failed');
    expect(await page.getByTestId('explain-error').textContent()).toBe('Cannot explain pair #6: no pair 6 in the ring');
    await page.keyboard.press('Escape');
  });

  it('in presentation mode the explanation is large; Escape closes it first, then leaves presentation', async () => {
    await page.getByTestId('presentation-button').click();
    await page.getByTestId('presentation').waitFor();
    await row(1).click();
    await expect.poll(() => panel().getAttribute('data-state'), { timeout: 5000 }).toBe('ready');
    const size = await step('Time to Live', 'Hop Limit').evaluate((element) => Number.parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(element).fontSize));
    expect(size).toBeGreaterThanOrEqual(20);
    await page.screenshot({ path: join(artifactsDir, 'explain-fixture-presentation.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => panel().count()).toBe(0);
    expect(await page.getByTestId('presentation').count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.getByTestId('counters').waitFor();
  });
});
