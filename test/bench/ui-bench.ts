// `npm run bench:ui`: how smooth the UI stays while the engine translates at full speed. In the
// namespace lab (core/lab), with the CLAT on, Debian's Chromium (Playwright) shows the UI served
// by `clatter ui`'s server; for each phase — idle, then iperf3 TCP through the CLAT (as fast as it
// goes), then iperf3 UDP with small packets (the highest packet rate), then that again with a
// pair's explanation open (issue 14's panel) — the page measures its own
// frames (requestAnimationFrame intervals) and long tasks (PerformanceObserver 'longtask': main
// thread busy over 50 ms), and the JS heap. Prints a table; asserts no speed (a benchmark).
//
// Options: --seconds N per phase (default 8), --json. Needs root (the lab does).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { artifactsDir, startUiHarness } from '../e2e/ui-harness.js';
import { iperf3Tcp, iperf3Udp } from './lab-measure.js';

interface PageFigures {
  readonly frames: number;
  readonly frameP50Ms: number;
  readonly frameP95Ms: number;
  readonly frameP99Ms: number;
  readonly frameMaxMs: number;
  readonly longTasks: number;
  readonly longTaskMs: number;
  readonly heapMiB: number;
  /** Trace rows the panes hold at the end (bounded by the store). */
  readonly traceRows: number;
  /** DOM elements in the page at the end (virtualized panes keep this small). */
  readonly domNodes: number;
}

interface Phase extends PageFigures {
  readonly name: string;
  readonly load: string;
  /** How many times the IPv4 packet counter on screen changed during the phase. */
  readonly counterChanges: number;
}

// Runs in the page: starts recording frames and long tasks into window.__clatterBench.
const startRecording = `(() => {
  const state = { frames: [], longTasks: [], last: performance.now(), running: true };
  window.__clatterBench = state;
  const tick = (now) => { state.frames.push(now - state.last); state.last = now; if (state.running) requestAnimationFrame(tick); };
  requestAnimationFrame((now) => { state.last = now; requestAnimationFrame(tick); });
  state.observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) state.longTasks.push(entry.duration); });
  state.observer.observe({ type: 'longtask' });
})()`;

const stopRecording = `(() => {
  const state = window.__clatterBench;
  state.running = false;
  state.observer.disconnect();
  const frames = state.frames.slice(1).sort((a, b) => a - b);
  const at = (q) => frames.length === 0 ? 0 : frames[Math.min(frames.length - 1, Math.floor(q * frames.length))];
  return {
    frames: frames.length,
    frameP50Ms: at(0.5), frameP95Ms: at(0.95), frameP99Ms: at(0.99), frameMaxMs: frames.length === 0 ? 0 : frames[frames.length - 1],
    longTasks: state.longTasks.length, longTaskMs: state.longTasks.reduce((a, b) => a + b, 0),
    heapMiB: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : -1,
    traceRows: document.querySelectorAll('[data-testid=trace-row]').length,
    domNodes: document.getElementsByTagName('*').length,
  };
})()`;

async function measure(page: Page, name: string, load: string, seconds: number, work: () => Promise<unknown>): Promise<Phase> {
  await page.evaluate(startRecording);
  let counterChanges = 0;
  let last = await page.getByTestId('ipv4-packets').textContent();
  const watcher = setInterval(() => {
    void page.getByTestId('ipv4-packets').textContent().then((text) => {
      if (text !== last) counterChanges++;
      last = text;
    });
  }, 250);
  const started = Date.now();
  await work();
  const left = seconds * 1000 - (Date.now() - started);
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  clearInterval(watcher);
  const figures = (await page.evaluate(stopRecording)) as PageFigures;
  return { name, load, counterChanges, ...figures };
}

function table(phases: readonly Phase[]): string {
  const header = '| phase | load | frames | frame p50 / p95 / p99 / max (ms) | long tasks (total ms) | counter updates seen | JS heap | DOM nodes |';
  const rule = '|---|---|---|---|---|---|---|---|';
  const rows = phases.map(
    (p) =>
      `| ${p.name} | ${p.load} | ${p.frames} | ${[p.frameP50Ms, p.frameP95Ms, p.frameP99Ms, p.frameMaxMs].map((v) => v.toFixed(1)).join(' / ')} | ${p.longTasks} (${p.longTaskMs.toFixed(0)}) | ${p.counterChanges} | ${p.heapMiB.toFixed(1)} MiB | ${p.domNodes} |`,
  );
  return [header, rule, ...rows].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, json: { type: 'boolean', default: false } } });
  const seconds = Number(values.seconds);
  if (!Number.isInteger(seconds) || seconds < 2) throw new Error('--seconds must be a whole number ≥ 2');
  const progress = (line: string) => process.stderr.write(`bench:ui: ${line}\n`);
  progress('creating the lab, the engine, the UI server and Chromium');
  const harness = await startUiHarness({ width: 1600, height: 1000 });
  try {
    const { page, lab, engine } = harness;
    await engine.up();
    await engine.waitForRunning(20_000);
    await page.getByTestId('clat-state').and(page.locator('[data-state=running]')).waitFor({ timeout: 20_000 });
    const target = lab.server.ipv4;
    const phases: Phase[] = [];
    progress(`idle, ${seconds} s`);
    phases.push(await measure(page, 'idle', 'none', seconds, async () => {}));
    progress(`iperf3 TCP through the CLAT, ${seconds} s`);
    let tcpGbit = 0;
    phases.push(await measure(page, 'TCP', '', seconds, async () => (tcpGbit = (await iperf3Tcp(lab, target, 1, seconds)).gbitPerSecond)));
    phases[1] = { ...phases[1], load: `iperf3 TCP ${tcpGbit.toFixed(2)} Gbit/s` };
    progress(`iperf3 UDP 64-byte packets through the CLAT, ${seconds} s`);
    let udpRate = 0;
    phases.push(await measure(page, 'UDP 64 B', '', seconds, async () => (udpRate = (await iperf3Udp(lab, target, 64, seconds)).receivedPerSecond)));
    phases[2] = { ...phases[2], load: `iperf3 UDP ${(udpRate / 1000).toFixed(1)} kpkt/s` };
    progress(`the same with a pair's explanation open, ${seconds} s`);
    await page.getByTestId('trace-v4').getByTestId('trace-row').last().click();
    // Ready, or failed: at full speed the ring may have let the pair go before the engine was asked.
    await page.locator('[data-testid=explain][data-state=ready], [data-testid=explain][data-state=failed]').waitFor({ timeout: 10_000 });
    phases.push(await measure(page, 'UDP 64 B, explained', '', seconds, async () => (udpRate = (await iperf3Udp(lab, target, 64, seconds)).receivedPerSecond)));
    phases[3] = { ...phases[3], load: `iperf3 UDP ${(udpRate / 1000).toFixed(1)} kpkt/s, explanation open` };
    await page.screenshot({ path: join(artifactsDir, 'ui-under-load.png') });
    writeFileSync(join(artifactsDir, 'ui-bench.json'), `${JSON.stringify(phases, null, 2)}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify(phases, null, 2)}\n`);
    else process.stdout.write(`${table(phases)}\n\nChromium ${harness.browser.version()}, viewport 1600×1000, headless; figures from the page's own requestAnimationFrame and PerformanceObserver('longtask').\n`);
    if (harness.pageErrors.length > 0) progress(`the page logged errors: ${harness.pageErrors.join('; ')}`);
  } finally {
    await harness.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ui: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
