// Removing a lab, its own or a crashed run's: every process in its namespaces (the lab's daemons,
// what a test spawned, anything else that entered), the namespaces (which takes their links, TUNs,
// addresses, routes and nftables rules along), the host's /etc/netns entry and the temp dir.
//
// Synchronous on purpose: the same code runs from lab.destroy(), from the 'exit' event and from
// signal handlers, where nothing asynchronous gets to finish.

import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcNetnsDir, labOfNamespace, labOfTempDir, type LabNames } from './lab-names.js';
import { execSync, netnsVerb } from './netns-command.js';
import { labRoles } from './topology.js';

const termGraceMs = 1_000;
const killGraceMs = 1_000;

/** Removes everything of the lab named `names`; returns what could not be removed (empty when clean). */
export function teardownLab(names: LabNames): string[] {
  const problems: string[] = [];
  const existing = new Set(listNamespaces());
  const namespaces = labRoles.map((role) => names.namespaces[role]).filter((ns) => existing.has(ns));

  // Processes first: a namespace deleted under a running process lives on, unnamed, with it.
  const pids = namespaces.flatMap(pidsInNamespace);
  signalAll(pids, 'SIGTERM');
  let left = waitForExit(pids, termGraceMs);
  signalAll(left, 'SIGKILL');
  left = waitForExit(left, killGraceMs);
  if (left.length > 0) problems.push(`processes still running: ${left.join(', ')}`);

  for (const ns of namespaces) {
    const result = execSync(netnsVerb('del', ns), { check: false });
    if (result.code !== 0) problems.push(`ip netns del ${ns}: ${result.stderr.trim()}`);
  }

  rmSync(names.hostEtcDir, { recursive: true, force: true });
  // /etc/netns itself goes too when no one else has an entry there.
  try {
    rmdirSync(etcNetnsDir);
  } catch {
    // not empty, or not there
  }
  for (const dir of tempDirsOf(names)) rmSync(dir, { recursive: true, force: true });
  return problems;
}

/**
 * Removes the leftovers of labs whose process is gone (a crashed or killed run): namespaces,
 * /etc/netns entries and temp dirs named `clt-<pid>-<n>…` whose pid no longer runs. Labs of
 * processes that still run, this one's included, are left alone. Returns the ids removed.
 */
export function destroyLeftoverLabs(): string[] {
  const found = new Map<string, LabNames>();
  // A zombie made nothing since it died: its labs are leftovers too (the demo's reaper looks the
  // moment the demo's sockets close, before its parent has reaped it).
  const consider = (names: LabNames | null) => {
    if (names && !isRunning(names.pid)) found.set(names.id, names);
  };
  for (const ns of listNamespaces()) consider(labOfNamespace(ns));
  for (const entry of safeReaddir(etcNetnsDir)) consider(labOfNamespace(entry));
  for (const entry of safeReaddir(tmpdir())) consider(labOfTempDir(entry));
  const problems = [...found.values()].flatMap((names) => teardownLab(names).map((problem) => `${names.id}: ${problem}`));
  if (problems.length > 0) throw new Error(`lab: could not remove leftovers: ${problems.join('; ')}`);
  return [...found.keys()];
}

export function listNamespaces(): string[] {
  const { stdout } = execSync(netnsVerb('list'));
  // "name" or "name (id: 3)"
  return stdout
    .split('\n')
    .map((line) => line.trim().split(' ')[0])
    .filter((name) => name !== '');
}

function pidsInNamespace(ns: string): number[] {
  const { stdout } = execSync(netnsVerb('pids', ns), { check: false });
  return stdout
    .split('\n')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 1 && pid !== process.pid);
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Waits until every pid has exited (a zombie has: it only waits for its parent to reap it). */
function waitForExit(pids: readonly number[], timeoutMs: number): number[] {
  const deadline = Date.now() + timeoutMs;
  let left = pids.filter(isRunning);
  while (left.length > 0 && Date.now() < deadline) {
    sleepSync(10);
    left = left.filter(isRunning);
  }
  return left;
}

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // proc(5): "pid (comm) state …"; comm may contain spaces and parentheses, state follows the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function tempDirsOf(names: LabNames): string[] {
  const dir = tmpdir();
  return safeReaddir(dir)
    .filter((entry) => labOfTempDir(entry)?.id === names.id)
    .map((entry) => join(dir, entry));
}

function safeReaddir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
