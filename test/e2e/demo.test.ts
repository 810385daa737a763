// `clatter demo`, as a presenter runs it, headless: the demo process (browser mode) builds its
// network and prints the URL; Chromium opens the screen in presentation mode; the demo's apps run
// (ping from the start, the call switched on from the screen, the download from the CLI) and show
// up in the engine's flows and report under their own names and in both trace panes; switching
// the CLAT off on the screen makes them fail and the traces stop, on again brings them back;
// `clatter demo --down` stops it and nothing of it remains: no namespace, process or file.
// Also measured: the time from starting `clatter demo` to the first translated packet on screen.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../core/client/engine-client.js';
import { demoDir, demoEngineSocket } from '../../core/demo/node/demo-files.js';
import { listNamespaces } from '../../core/lab/teardown.js';
import type { FlowInfo } from '../../core/observe/flow-info.js';
import { processesMentioning } from '../processes.js';
import { clatterBin } from './engine-process.js';
import { artifactsDir, launchChromium } from './ui-harness.js';

const isRoot = process.getuid?.() === 0;

function clatter(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [clatterBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!isRoot)('clatter demo, headless, in Chromium', () => {
  let demo: ChildProcess;
  let demoOutput = '';
  let demoErrors = '';
  let browser: Browser;
  let page: Page;
  let startedMs = 0;
  let demoPid = 0;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    startedMs = Date.now();
    demo = spawn(process.execPath, [clatterBin, 'demo', '--no-window', '--apps', 'ping'], { stdio: ['ignore', 'pipe', 'pipe'] });
    demoPid = demo.pid!;
    demo.stderr!.on('data', (chunk: Buffer) => (demoErrors += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      demo.stdout!.on('data', (chunk: Buffer) => {
        demoOutput += chunk.toString();
        const match = /Clatter demo: (\S+)/.exec(demoOutput);
        if (match) resolve(match[1]);
      });
      demo.on('exit', (code) => reject(new Error(`clatter demo exited (${code}): ${demoErrors}`)));
    });
    figures.urlPrintedSeconds = (Date.now() - startedMs) / 1000;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(url);
    await page.getByTestId('trace-v4').getByTestId('trace-row').first().waitFor({ timeout: 20_000 });
    figures.firstPacketOnScreenSeconds = (Date.now() - startedMs) / 1000;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (demo.exitCode === null) {
      demo.kill('SIGTERM');
      await new Promise((resolve) => demo.once('exit', resolve));
    }
    writeFileSync(join(artifactsDir, 'demo-timing.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`clatter demo: URL after ${figures.urlPrintedSeconds?.toFixed(1)} s, first translated packet on screen after ${figures.firstPacketOnScreenSeconds?.toFixed(1)} s`);
  }, 60_000);

  it('opens in presentation mode with the CLAT on, the lab prefix, and ping working', async () => {
    await page.getByTestId('presentation').waitFor();
    expect(await page.getByTestId('clat-state').getAttribute('data-state')).toBe('running');
    expect(await page.getByTestId('prefix-value').textContent()).toBe('2001:db8:64::/96');
    await expect.poll(() => page.getByTestId('demo-app-ping').getAttribute('data-health'), { timeout: 10_000 }).toBe('working');
    expect(await page.getByTestId('demo-app-call').getAttribute('data-health')).toBe('stopped');
  });

  it('a second demo says one runs, and leaves the first alone', async () => {
    const second = await clatter(['demo', '--no-window']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`a demo is already running (pid ${demoPid})`);
    expect(demo.exitCode).toBeNull();
    const status = await clatter(['demo', '--status']);
    expect([status.code, status.stdout]).toEqual([0, expect.stringMatching(new RegExp(`^demo \\(pid ${demoPid}\\) at http.*\\n\\s+call\\s+stopped`, 's'))]);
    expect(await page.getByTestId('demo-app-ping').getAttribute('data-health')).toBe('working');
  });

  it('starts the call from the screen and the download from the CLI; both work', async () => {
    await page.getByTestId('demo-toggle-call').click();
    const started = await clatter(['demo', '--start', 'download']);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/download\s+(starting|working)/);
    await expect.poll(() => page.getByTestId('demo-app-call').getAttribute('data-health'), { timeout: 10_000 }).toBe('working');
    await expect.poll(() => page.getByTestId('demo-app-download').getAttribute('data-health'), { timeout: 10_000 }).toBe('working');
    expect(await page.getByTestId('demo-detail-call').textContent()).toMatch(/^\d+ packets\/s back/);
  });

  it('the engine names the demo apps in its flows and report', async () => {
    const connected = await EngineClient.connect(demoEngineSocket);
    if (!connected.ok) throw new Error(connected.error);
    try {
      const flows = await connected.client.call('flows', {});
      expect(flows.ok).toBe(true);
      const programs = new Set((flows.ok ? flows.result.flows : []).map((flow: FlowInfo) => flow.program?.executable.split('/').pop()));
      expect([...programs].sort()).toEqual(expect.arrayContaining(['clatter-call', 'curl', 'ping']));
      const call = (flows.ok ? flows.result.flows : []).find((flow) => flow.program?.executable.endsWith('/clatter-call'));
      expect(call?.protocol).toBe(17);
      expect(call?.v4.remote).toBe('203.0.113.10');
      expect(call?.packets46).toBeGreaterThan(50);
      expect(call?.packets64).toBeGreaterThan(50);
      const report = await connected.client.call('report', {});
      const reported = new Set(report.ok ? report.result.entries.map((entry) => entry.program) : []);
      expect([...reported]).toEqual(expect.arrayContaining(['clatter-call', 'curl', 'ping']));
    } finally {
      connected.client.close();
    }
  });

  it('both trace panes show each app’s packets', async () => {
    await page.screenshot({ path: join(artifactsDir, 'demo-presentation.png') });
    // The call's 100 pairs a second fill what is in view: find each app with the trace filter,
    // which is in the full view's toolbar (presentation mode has none).
    await page.keyboard.press('Escape');
    await page.getByTestId('counters').waitFor();
    for (const program of ['clatter-call', 'curl', 'ping']) {
      await page.getByTestId('trace-filter').fill(program);
      for (const pane of ['trace-v4', 'trace-v6']) {
        const shown = async () => (await page.getByTestId(pane).locator('.trace-program').allTextContents()).filter((name) => name === program).length;
        await expect.poll(shown, { timeout: 5000 }).toBeGreaterThan(0);
      }
    }
    await page.getByTestId('trace-filter').fill('');
    await page.getByTestId('presentation-button').click();
    await page.getByTestId('presentation').waitFor();
  });

  it('CLAT off: the apps fail in sight and the traces stop; on: they come back', async () => {
    await page.getByTestId('clat-toggle').click();
    await expect.poll(() => page.getByTestId('clat-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('off');
    for (const app of ['call', 'ping', 'download']) {
      await expect.poll(() => page.getByTestId(`demo-app-${app}`).getAttribute('data-health'), { timeout: 10_000 }).toBe('failing');
    }
    expect(await page.getByTestId('demo-detail-ping').textContent()).toMatch(/unreachable|no answer/i);
    await page.screenshot({ path: join(artifactsDir, 'demo-clat-off.png') });
    const newest = async () => Math.max(0, ...(await page.getByTestId('trace-v4').getByTestId('trace-row').evaluateAll((rows) => rows.map((row) => Number((row as unknown as { dataset: { pair: string } }).dataset.pair)))));
    const before = await newest();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await newest()).toBe(before);

    await page.getByTestId('clat-toggle').click();
    await expect.poll(() => page.getByTestId('clat-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('running');
    for (const app of ['call', 'ping', 'download']) {
      await expect.poll(() => page.getByTestId(`demo-app-${app}`).getAttribute('data-health'), { timeout: 15_000 }).toBe('working');
    }
    await expect.poll(newest, { timeout: 10_000 }).toBeGreaterThan(before);
  });

  it('--down stops it, and nothing of it remains: namespaces, processes, files', async () => {
    const namespacesBefore = listNamespaces().filter((ns) => ns.startsWith(`clt-${demoPid}-`));
    expect(namespacesBefore).toHaveLength(3);
    const down = await clatter(['demo', '--down']);
    expect(down.code).toBe(0);
    expect(down.stderr).toContain(`stopped the demo (pid ${demoPid})`);
    await new Promise((resolve) => (demo.exitCode === null ? demo.once('exit', resolve) : resolve(null)));
    expect(demo.exitCode).toBe(0);
    expect(demoErrors).toContain('removed everything it made');
    expect(listNamespaces().filter((ns) => ns.startsWith(`clt-${demoPid}-`))).toEqual([]);
    expect(existsSync(demoDir)).toBe(false);
    expect(readdirSync(tmpdir()).filter((entry) => entry.startsWith(`clatter-lab-clt-${demoPid}-`))).toEqual([]);
    expect(existsSync(`/etc/netns/clt-${demoPid}-1-host`)).toBe(false);
    // The reaper leaves once the demo is gone and it has taken the lock and found nothing to remove.
    await expect.poll(() => processesMentioning(`--reap ${demoPid}`), { timeout: 10_000 }).toEqual([]);
    expect(processesMentioning(`clt-${demoPid}-`)).toEqual([]);
    expect(processesMentioning('clatter-call')).toEqual([]);
    expect(processesMentioning(demoEngineSocket)).toEqual([]);
  });
});

/** Starts `clatter demo --no-window --apps call`; resolves once it printed its URL. */
async function startedDemo(): Promise<{ demo: ChildProcess; errors: () => string }> {
  const demo = spawn(process.execPath, [clatterBin, 'demo', '--no-window', '--apps', 'call'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  demo.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    demo.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Clatter demo: ') && resolve());
    demo.on('exit', (code) => reject(new Error(`clatter demo exited (${code}): ${errors}`)));
  });
  return { demo, errors: () => errors };
}

describe.skipIf(!isRoot)('clatter demo stopped with Ctrl-C', () => {
  it('removes everything it made and exits 0', async () => {
    const { demo, errors } = await startedDemo();
    const pid = demo.pid!;
    await expect.poll(() => processesMentioning('clatter-call').length, { timeout: 5000 }).toBeGreaterThan(0);
    demo.kill('SIGINT');
    const code = await new Promise((resolve) => demo.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(0);
    expect(errors()).toContain('removed everything it made');
    expect(listNamespaces().filter((ns) => ns.startsWith(`clt-${pid}-`))).toEqual([]);
    expect(existsSync(demoDir)).toBe(false);
    expect(processesMentioning('clatter-call')).toEqual([]);
    expect(processesMentioning(demoEngineSocket)).toEqual([]);
  }, 60_000);
});

describe.skipIf(!isRoot)('clatter demo killed with -9', () => {
  it('its reaper removes the namespaces, processes and files it left', async () => {
    const { demo } = await startedDemo();
    const pid = demo.pid!;
    expect(listNamespaces().filter((ns) => ns.startsWith(`clt-${pid}-`))).toHaveLength(3);
    await expect.poll(() => processesMentioning('clatter-call').length, { timeout: 5000 }).toBeGreaterThan(0);
    demo.kill('SIGKILL');
    await expect.poll(() => existsSync(demoDir), { timeout: 10_000, interval: 200 }).toBe(false);
    expect(listNamespaces().filter((ns) => ns.startsWith(`clt-${pid}-`))).toEqual([]);
    expect(readdirSync(tmpdir()).filter((entry) => entry.startsWith(`clatter-lab-clt-${pid}-`))).toEqual([]);
    expect(processesMentioning(`clt-${pid}-`)).toEqual([]);
    expect(processesMentioning('clatter-call')).toEqual([]);
    expect(processesMentioning(demoEngineSocket)).toEqual([]);
    await expect.poll(() => processesMentioning(`--reap ${pid}`), { timeout: 2000 }).toEqual([]);
  }, 60_000);
});
