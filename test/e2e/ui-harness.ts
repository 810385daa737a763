// The UI under test, for real: the namespace lab, the engine in its host namespace, `clatter ui`'s
// server (core/ui-server) on loopback in front of the engine's socket, and Debian's Chromium driven
// by Playwright (playwright-core: no browser download; CI installs the `chromium` package). Used by
// the browser end-to-end test and the UI smoothness benchmark.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createLab, type Lab } from '../../core/lab/lab.js';
import { findPackageRoot } from '../../core/install/package-root.js';
import { startUiServer, type UiServer } from '../../core/ui-server/ui-server.js';
import { EngineProcess, engineDir, tearDown } from './engine-process.js';

export const chromiumPath = '/usr/bin/chromium';

/** Screenshots and measurements worth looking at after a run (not committed). */
export const artifactsDir = join(findPackageRoot().dir, 'test-artifacts');

/** Debian's Chromium, headless, quiet: no sandbox (we run as root), no GPU, nothing fetched from the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export interface UiHarness {
  readonly lab: Lab;
  readonly engine: EngineProcess;
  readonly ui: UiServer;
  readonly browser: Browser;
  readonly page: Page;
  /** Messages the page logged as errors (CSP violations, exceptions): a test expects none. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

export async function startUiHarness(viewport = { width: 1600, height: 1000 }): Promise<UiHarness> {
  mkdirSync(artifactsDir, { recursive: true });
  const lab = await createLab();
  const dir = engineDir();
  let engine: EngineProcess | undefined;
  let ui: UiServer | undefined;
  let browser: Browser | undefined;
  try {
    engine = await EngineProcess.start(lab, { dir });
    ui = await startUiServer({ socketPath: engine.socket, port: 0 });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport, acceptDownloads: true });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(`exception: ${error.message}`));
    page.on('console', (message) => {
      // Failed loads are reported with their URL below.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(`console: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`HTTP ${response.status()} for ${response.url().replace(ui!.url, '<ui>/')}`);
    });
    await page.goto(ui.url);
    const [started, server] = [engine, ui];
    return {
      lab,
      engine: started,
      ui: server,
      browser,
      page,
      pageErrors,
      close: async () => {
        try {
          await browser?.close();
          await server.close();
        } finally {
          await tearDown(started, lab, dir);
        }
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    await ui?.close().catch(() => {});
    await tearDown(engine, lab, dir);
    throw error;
  }
}
