// `clatter demo`: the CLAT demo on this machine, no IPv6-only network needed (core/demo). Runs in
// the foreground until Ctrl-C (or the app's window closes); `--down` stops a demo from anywhere
// and removes whatever a crashed one left; `--status`, `--start APP`, `--stop APP` drive a running
// one, as its screen does.

import { invokeDemo } from '../demo/node/demo-remote.js';
import { demoFilesExist, readDemoRecord, type DemoRecord } from '../demo/node/demo-files.js';
import { acquireDemoLock, findDemo, type DemoHolder } from '../demo/node/demo-lock.js';
import { preflight } from '../demo/node/demo-preflight.js';
import { pollUntil } from '../lab/poll.js';
import { reap, removeDeadDemo } from '../demo/node/reaper.js';
import { startDemo } from '../demo/node/demo-session.js';
import { openDemoWindow } from '../demo/node/demo-window.js';
import { demoAppNames, isDemoAppName, type DemoAppName } from '../demo/demo-apps.js';
import type { DemoState } from '../api/ui-schema.js';
import { findPackageRoot } from '../install/package-root.js';
import { type CommandIo, defineCommand, ExitCode, parsePort } from './command.js';

const options = {
  port: { type: 'string' },
  apps: { type: 'string' },
  'no-window': { type: 'boolean' },
  down: { type: 'boolean' },
  status: { type: 'boolean' },
  start: { type: 'string' },
  stop: { type: 'string' },
  reap: { type: 'string' },
} as const;

const help = `Usage: sudo clatter demo [--port N] [--apps LIST] [--no-window]
       sudo clatter demo --status | --down | --start APP | --stop APP

Shows a CLAT at work without an IPv6-only network: creates one in network namespaces of its own
(an IPv6-only host with SLAAC, a router announcing the NAT64 prefix (PREF64) with DNS64 and a
NAT64, an IPv4-only server at 203.0.113.10), runs the engine on the host with the CLAT on, starts
IPv4-only apps there and opens the screen in presentation mode: the desktop app where it can run,
else a URL for a browser on this machine. Switch the CLAT off on the screen and the apps fail; on,
and they work again. Ctrl-C removes everything the demo made. Touches nothing of this machine's
own network.

Apps (start and stop them on the screen, or with --start/--stop):
  call        clatter-call: UDP to an IPv4 literal, 50 packets a second each way, like a VoIP app
  download    curl: HTTP from an IPv4 literal, over and over
  ping        ping to an IPv4 literal

  --port N       the screen's port on 127.0.0.1 (default: any free port)
  --apps LIST    apps to start at once, comma-separated, or "none" (default: call,download,ping)
  --no-window    do not open the desktop app; print the URL only
  --status       what the running demo does
  --start APP    start an app of the running demo
  --stop APP     stop an app of the running demo
  --down         stop the running demo, or remove what a crashed one left
  -h, --help     show this help
`;

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'the CLAT at work in a network of its own, with IPv4-only apps (root)',
  help,
  options,
  async run({ values, io, fail }) {
    const modes = [values.down, values.status, values.start, values.stop, values.reap].filter((value) => value !== undefined);
    if (modes.length > 1) return fail('give one of --down, --status, --start, --stop', ExitCode.usage);
    if (values.reap !== undefined) {
      await reap(Number(values.reap));
      return ExitCode.ok;
    }
    if (values.down) return down(io, fail);
    if (values.status) return status(io, fail);
    if (values.start !== undefined || values.stop !== undefined) {
      const name = values.start ?? values.stop;
      if (!isDemoAppName(name)) return fail(`no app "${name}": the apps are ${demoAppNames.join(', ')}`, ExitCode.usage);
      return switchApp(io, fail, name, values.start !== undefined);
    }
    const port = values.port === undefined ? 0 : parsePort(values.port);
    if (port === null) return fail('--port must be a port number (0 to 65535)', ExitCode.usage);
    const apps = parseApps(values.apps ?? demoAppNames.join(','));
    if (typeof apps === 'string') return fail(apps, ExitCode.usage);
    return run(io, fail, port, apps, values['no-window'] ?? false);
  },
});

function parseApps(list: string): DemoAppName[] | string {
  if (list === 'none') return [];
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.find((name) => !isDemoAppName(name));
  if (unknown !== undefined) return `no app "${unknown}" in --apps: the apps are ${demoAppNames.join(', ')} (or none)`;
  return [...new Set(names)] as DemoAppName[];
}

async function run(io: CommandIo, fail: (message: string) => number, port: number, apps: readonly DemoAppName[], noWindow: boolean): Promise<number> {
  const pkg = findPackageRoot();
  const checked = preflight(pkg.dir);
  if (!checked.ok) return fail(`cannot start:\n  - ${checked.problems.join('\n  - ')}`);
  let stopRequested: () => void = () => {};
  const stopping = new Promise<string>((resolve) => (stopRequested = () => resolve('asked to stop (clatter demo --down)')));
  const lock = await acquireDemoLock(stopRequested);
  if (lock === null) return fail(await alreadyRunning());
  try {
    // We hold the lock, so files of a demo are a dead one's: remove them, and its network, first.
    if (demoFilesExist()) {
      const removed = removeDeadDemo();
      io.stderr(`clatter demo: removed what an earlier demo left${removed.length > 0 ? ` (${removed.join(', ')})` : ''}\n`);
    }
    let session;
    try {
      session = await startDemo({ port, apps, progress: (line) => io.stderr(`clatter demo: ${line}\n`) });
    } catch (error) {
      return fail(`${(error as Error).message} (everything it had made is removed)`);
    }
    io.stdout(`Clatter demo: ${session.url}\n`);
    const window = noWindow
      ? ({ ok: false, why: '--no-window' } as const)
      : openDemoWindow(pkg.dir, session.url, (why) => io.stderr(`clatter demo: ${why}; open the URL above in a browser instead\n`));
    if (window.ok) io.stderr('clatter demo: the desktop app shows the screen; close it, or press Ctrl-C here, to end the demo\n');
    else io.stderr(`clatter demo: open the URL above in a browser on this machine (no desktop app: ${window.why}); Ctrl-C ends the demo\n`);
    void session.firstPacketSeconds().then((seconds) => {
      if (seconds !== null) io.stderr(`clatter demo: first packet translated ${seconds.toFixed(1)} s after the start\n`);
    });
    const signalled = new Promise<string>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve(signal));
    });
    const windowClosed = window.ok ? window.closed : new Promise<string>(() => {});
    const reason = await Promise.race([stopping, signalled, windowClosed]);
    io.stderr(`clatter demo: stopping (${reason}): the apps, the screen, the engine, the network\n`);
    if (window.ok) window.close();
    await session.stop();
    io.stderr('clatter demo: removed everything it made\n');
    return ExitCode.ok;
  } finally {
    await lock.release();
  }
}

/** What holds the demo lock when it is not a demo: a process not of root (the name is anyone's to take). */
function squatter(holder: DemoHolder): string {
  return `the demo lock (an abstract socket anyone may take) is held by process ${holder.pid} of uid ${holder.uid}, which is not a demo (a demo runs as root)`;
}

async function alreadyRunning(): Promise<string> {
  const holder = await findDemo();
  holder?.close();
  if (holder !== null && holder.uid !== 0) return squatter(holder);
  const url = readDemoRecord()?.url;
  return `a demo is already running${holder !== null ? ` (pid ${holder.pid})` : ''}${url ? ` at ${url}` : ''}: stop it with sudo clatter demo --down`;
}

async function down(io: CommandIo, fail: (message: string) => number): Promise<number> {
  const holder = await findDemo();
  if (holder !== null && holder.uid !== 0) {
    holder.close();
    return fail(squatter(holder));
  }
  if (holder !== null) {
    holder.askToStop();
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref());
    if ((await Promise.race([holder.ended, timeout])) === 'timeout') {
      // It holds the lock and is root (the kernel says so), so this pid is the demo's and no reused one.
      process.kill(holder.pid, 'SIGKILL');
      await holder.ended;
    }
    io.stderr(`clatter demo: stopped the demo (pid ${holder.pid})\n`);
  }
  // The demo's reaper may hold the lock for a moment while it cleans up too: wait for it.
  // A failure other than "taken" is an answer too (pollUntil would retry it until the timeout).
  const attempt = () => acquireDemoLock(() => {}).catch((error: Error) => error);
  const lock = await pollUntil(attempt, { timeoutMs: 10_000, intervalMs: 200, what: 'the demo lock' }).catch(() => null);
  if (lock instanceof Error) return fail(`cannot take the demo lock: ${lock.message}`);
  if (lock === null) return fail('another demo started meanwhile; run --down again to stop it');
  try {
    const hadFiles = demoFilesExist();
    const removed = removeDeadDemo();
    if (removed.length > 0 || (holder === null && hadFiles)) io.stderr(`clatter demo: removed what a demo left${removed.length > 0 ? `: ${removed.join(', ')}` : ''}\n`);
    else if (holder === null) io.stderr('clatter demo: no demo runs\n');
  } finally {
    await lock.release();
  }
  return ExitCode.ok;
}

function formatApps(state: DemoState): string {
  const width = Math.max(...state.apps.map((app) => app.name.length));
  return state.apps.map((app) => `  ${app.name.padEnd(width)}  ${app.running ? app.health : 'stopped'}${app.running ? `: ${app.detail}` : ''}\n`).join('');
}

/** The running demo's record, or why there is none to use. */
async function runningDemo(): Promise<DemoRecord | string> {
  const holder = await findDemo();
  holder?.close();
  if (holder === null) return 'no demo runs (start one with sudo clatter demo)';
  if (holder.uid !== 0) return squatter(holder);
  const record = readDemoRecord();
  // Only root may read the demo's record (it holds the UI's token).
  if (record === null && process.getuid?.() !== 0) return `a demo runs (pid ${holder.pid}): run this with sudo to see or change it`;
  return record !== null && record.pid === holder.pid ? record : 'no demo runs (start one with sudo clatter demo)';
}

async function status(io: CommandIo, fail: (message: string) => number): Promise<number> {
  const record = await runningDemo();
  if (typeof record === 'string') return fail(record);
  if (record.url === null) {
    io.stdout(`demo (pid ${record.pid}) starting\n`);
    return ExitCode.ok;
  }
  const state = await invokeDemo(record.url, 'demo.state', undefined).catch((error: Error) => error);
  if (state instanceof Error) return fail(state.message);
  io.stdout(`demo (pid ${record.pid}) at ${record.url}\n${state === null ? '' : formatApps(state)}`);
  return ExitCode.ok;
}

async function switchApp(io: CommandIo, fail: (message: string) => number, app: DemoAppName, running: boolean): Promise<number> {
  const record = await runningDemo();
  if (typeof record === 'string') return fail(record);
  if (record.url === null) return fail(`the demo (pid ${record.pid}) is still starting`);
  const answer = await invokeDemo(record.url, 'demo.setApp', { app, running }).catch((error: Error) => error);
  if (answer instanceof Error) return fail(answer.message);
  if (!answer.ok) return fail(answer.error);
  io.stdout(formatApps(answer.state));
  return ExitCode.ok;
}
