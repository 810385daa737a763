// The UI's clear states, in Chromium, with a scripted engine (no lab needed): no engine (the
// banner says so and how to start one, the toggle is disabled), the engine appearing (the page
// connects by itself), and a refusal because the host has native IPv4 (the toggle goes back, says
// why, and offers to turn on anyway, which sends `force`).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startUiServer, type UiServer } from '../../core/ui-server/ui-server.js';
import { startScriptedEngine, type ScriptedEngine } from '../unit/ui-engine-fixture.js';
import { launchChromium } from './ui-harness.js';

const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)('the UI when things go wrong', () => {
  let engine: ScriptedEngine;
  let server: UiServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    engine = await startScriptedEngine();
    await engine.stop();
    server = await startUiServer({ socketPath: engine.socketPath, port: 0 });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(server.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await engine?.remove();
  });

  it('no engine: the banner says so, with the command, and the toggle is disabled', async () => {
    const banner = page.getByTestId('link-banner');
    await expect.poll(() => banner.getAttribute('data-problem'), { timeout: 10_000 }).toBe('not-running');
    expect(await banner.textContent()).toContain('The Clatter engine is not running');
    expect(await banner.textContent()).toContain('sudo clatter engine');
    // A browser cannot start it: no button.
    expect(await banner.getByRole('button').count()).toBe(0);
    expect(await page.getByTestId('clat-toggle').isDisabled()).toBe(true);
  });

  it('connects by itself when the engine starts', async () => {
    await engine.restart();
    await expect.poll(() => page.getByTestId('link-banner').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.getByTestId('clat-state').getAttribute('data-state')).toBe('off');
    expect(await page.getByTestId('clat-toggle').isDisabled()).toBe(false);
  });

  it('native IPv4: the toggle goes back, says why, and "Turn on anyway" sends force', async () => {
    const asked: unknown[] = [];
    engine.upAnswer = (params) => {
      asked.push(params);
      return params.force === true
        ? { ok: true, result: { state: 'discovering', mode: 'manual', uplink: 'wlan0', sinceMs: 1 } }
        : { ok: false, error: { code: 'native-ipv4', message: 'the host has native IPv4 (default route via eth0)' } };
    };
    await page.getByTestId('clat-toggle').click();
    const error = page.getByTestId('toggle-error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.getAttribute('data-code')).toBe('native-ipv4');
    expect(await error.textContent()).toContain('This network has native IPv4: the CLAT is not needed.');
    expect(await page.getByTestId('clat-toggle').getAttribute('aria-checked')).toBe('false');
    await error.getByRole('button', { name: 'Turn on anyway' }).click();
    await expect.poll(() => page.getByTestId('clat-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('discovering');
    expect(asked).toEqual([{}, { force: true }]);
    expect(await page.getByTestId('toggle-error').count()).toBe(0);
  });

  it('the engine goes away: the banner comes back', async () => {
    await engine.stop();
    await expect.poll(() => page.getByTestId('link-banner').getAttribute('data-problem'), { timeout: 10_000 }).toMatch(/^(lost|not-running)$/);
  });
});
