// `clatter demo`, the 2013 demo on one machine: the lab (core/lab, the same network the tests
// use: an IPv6-only host with SLAAC, a router with PREF64 RAs, DNS64 and a NAT64, an IPv4-only
// server), the engine in the lab's host namespace with the CLAT on, the screen (the browser-mode
// server, with the demo's apps), and the apps themselves. Everything it makes is in network
// namespaces it owns, the lab's temp dir and /run/clatter-demo; `stop` removes all of it, and so do
// Ctrl-C (the lab's exit cleanup), a crash (the reaper, reaper.ts) and `clatter demo --down`.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CounterSnapshot } from '../../api/counters.js';
import type { ClatStatus } from '../../api/status.js';
import { EngineClient } from '../../client/engine-client.js';
import { cleanupOnExit } from '../../lab/exit-cleanup.js';
import { createLab, type Lab } from '../../lab/lab.js';
import type { LabProcess } from '../../lab/lab-process.js';
import { callBinaryFile, findPackageRoot } from '../../install/package-root.js';
import { startUiServer, type UiServer } from '../../ui-server/ui-server.js';
import type { DemoAppName, DemoTarget } from '../demo-apps.js';
import { DemoAppRunner } from './demo-app-runner.js';
import { demoEngineSocket, demoEngineStateDir, removeDemoFiles, writeDemoRecord, type DemoRecord } from './demo-files.js';

export interface DemoOptions {
  /** The screen's port (0: any free one). */
  readonly port: number;
  /** The apps to start at once. */
  readonly apps: readonly DemoAppName[];
  /** Progress lines, with the seconds since the start. */
  readonly progress: (line: string) => void;
}

export interface DemoSession {
  readonly url: string;
  /** Seconds from the start to the first packet the CLAT translated (null until one was). */
  firstPacketSeconds(): Promise<number | null>;
  stop(): Promise<void>;
}

/** The demo's file for the lab's HTTP server: 4 MiB, two seconds at the download's 2 MB/s. */
const downloadBytes = 4 * 1024 * 1024;
const engineReadyMs = 15_000;
const runningTimeoutMs = 20_000;

/** Builds the demo; the caller holds the demo lock (demo-lock.ts) for the demo's whole life. */
export async function startDemo(options: DemoOptions): Promise<DemoSession> {
  const startedMs = Date.now();
  const since = () => ((Date.now() - startedMs) / 1000).toFixed(1);
  const say = (line: string) => options.progress(`${since()} s  ${line}`);
  const pkg = findPackageRoot();
  let record: DemoRecord = { pid: process.pid, startedAtMs: startedMs, url: null, labId: null };
  writeDemoRecord(record);
  // From here on, anything made is removed on exit, on a signal, and (reaper) after a crash.
  const unregister = cleanupOnExit(() => removeDemoFiles());
  startReaper(pkg.dir);

  let lab: Lab | undefined;
  let engine: LabProcess | undefined;
  let ui: UiServer | undefined;
  let runner: DemoAppRunner | undefined;
  let stopped = false;
  const stop = async () => {
    stopped = true;
    await runner?.stopAll();
    await ui?.close();
    if (engine !== undefined && engine.exit === null) await engine.stop();
    await lab?.destroy();
    removeDemoFiles();
    unregister();
  };
  try {
    say('creating the network: an IPv6-only host, a router with PREF64, DNS64 and NAT64, an IPv4-only server');
    lab = await createLab({ httpFileBytes: downloadBytes });
    record = { ...record, labId: lab.id };
    writeDemoRecord(record);
    say(`network ready (namespaces ${Object.values(lab.namespaces).join(', ')})`);
    engine = lab.spawn('host', [process.execPath, join(pkg.dir, 'bin', 'clatter.js'), 'engine', '--socket', demoEngineSocket, '--state-dir', demoEngineStateDir], { name: 'clatter engine' });
    await engine.waitForOutput(/listening on /, engineReadyMs);
    const running = await switchOn(demoEngineSocket);
    say(`CLAT on: ${running.clatIpv4} → ${running.clatIpv6} on ${running.uplink}, NAT64 prefix ${running.prefix.prefix} from ${running.prefix.source === 'ra' ? 'the RA (PREF64)' : running.prefix.source === 'dns' ? 'DNS64' : 'the command line'}`);
    const target: DemoTarget = {
      server: lab.server.ipv4,
      udpEchoPort: lab.server.udpEchoPort,
      httpPort: lab.server.http.port,
      httpPath: lab.server.http.path,
      callBinary: join(pkg.dir, callBinaryFile),
    };
    runner = new DemoAppRunner(lab, target);
    ui = await startUiServer({ socketPath: demoEngineSocket, port: options.port, demo: runner });
    const url = `${ui.url}?present`;
    record = { ...record, url };
    writeDemoRecord(record);
    for (const app of options.apps) await runner.setApp({ app, running: true });
    say(`screen at ${url}${options.apps.length > 0 ? `; apps started: ${options.apps.join(', ')}` : ''}`);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return {
    url: record.url!,
    firstPacketSeconds: () => waitForFirstPacket(demoEngineSocket, startedMs, () => stopped),
    stop,
  };
}

/** `up`, then waits for the CLAT to run (the prefix comes from the RA or DNS64 within a second or two). */
async function switchOn(socketPath: string): Promise<Extract<ClatStatus, { state: 'running' }>> {
  let resolveRunning: (status: Extract<ClatStatus, { state: 'running' }>) => void = () => {};
  const running = new Promise<Extract<ClatStatus, { state: 'running' }>>((resolve) => (resolveRunning = resolve));
  const connected = await EngineClient.connect(socketPath, (event) => {
    if (event.event === 'status' && event.status.state === 'running') resolveRunning(event.status);
  });
  if (!connected.ok) throw new Error(connected.error);
  const client = connected.client;
  try {
    const subscribed = await client.call('subscribe', {});
    if (!subscribed.ok) throw new Error(subscribed.error.message);
    const up = await client.call('up', {});
    if (!up.ok) throw new Error(`the engine would not switch the CLAT on: ${up.error.message}`);
    if (up.result.state === 'running') return up.result;
    if (up.result.state === 'error') throw new Error(`the CLAT failed: ${up.result.cause}`);
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the CLAT was not running after ${runningTimeoutMs / 1000} s`)), runningTimeoutMs).unref());
    return await Promise.race([running, timeout]);
  } finally {
    client.close();
  }
}

/**
 * Seconds from `startedMs` to the engine's first translated packet: read from its watch stream
 * (pushed when its counters move), not polled. Null if the demo stops first (its engine goes,
 * and the stream with it).
 */
async function waitForFirstPacket(socketPath: string, startedMs: number, stopped: () => boolean): Promise<number | null> {
  let resolveFirst: (seconds: number | null) => void = () => {};
  const first = new Promise<number | null>((resolve) => (resolveFirst = resolve));
  const translated = (counters: CounterSnapshot) => counters.out46.ipv4.packets > 0 && resolveFirst((Date.now() - startedMs) / 1000);
  const connected = await EngineClient.connect(socketPath, (event) => {
    if (event.event === 'update') translated(event.counters);
  });
  if (!connected.ok || stopped()) return null;
  const client = connected.client;
  client.onClose(() => resolveFirst(null));
  try {
    const watched = await client.call('watch', {});
    if (!watched.ok) return null;
    translated(watched.result.counters);
    return await first;
  } finally {
    client.close();
  }
}

/**
 * A detached watchdog (`clatter demo --reap <pid>`): when this process dies without cleaning up
 * (kill -9, a crash), it removes the demo's namespaces, processes and files.
 */
function startReaper(packageDir: string): void {
  const child = spawn(process.execPath, [join(packageDir, 'bin', 'clatter.js'), 'demo', '--reap', String(process.pid)], { detached: true, stdio: 'ignore' });
  child.unref();
}
