// Where a running demo keeps its files, and how one demo knows of another: /run/clatter-demo
// (root only, gone at reboot) holds the lock (demo.json: the demo's pid, its URL and its lab,
// created exclusively), the engine's socket and its state directory. Nothing else of the demo
// lives outside its network namespaces and the lab's temp dir.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const demoDir = process.env.CLATTER_DEMO_DIR ?? '/run/clatter-demo';
export const demoFile = join(demoDir, 'demo.json');
export const demoEngineSocket = join(demoDir, 'engine.sock');
export const demoEngineStateDir = join(demoDir, 'engine-state');

export interface DemoRecord {
  readonly pid: number;
  readonly startedAtMs: number;
  /** The screen's URL (with its token), once the UI server runs. */
  readonly url: string | null;
  /** The lab's run prefix (`clt-<pid>-<n>`), once made. */
  readonly labId: string | null;
}

export function readDemoRecord(): DemoRecord | null {
  try {
    const value = JSON.parse(readFileSync(demoFile, 'utf8')) as Partial<DemoRecord>;
    if (typeof value.pid !== 'number') return null;
    return { pid: value.pid, startedAtMs: value.startedAtMs ?? 0, url: value.url ?? null, labId: value.labId ?? null };
  } catch {
    return null;
  }
}

/** Whether process `pid` runs and is a `clatter demo` (a pid reused by something else is not). */
export function demoRuns(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('demo') && !argv.includes('--reap');
  } catch {
    return false;
  }
}

/** Takes the lock: creates demoDir and demo.json exclusively. False when demo.json exists. */
export function claimDemo(record: DemoRecord): boolean {
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(demoFile, `${JSON.stringify(record)}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export function updateDemoRecord(record: DemoRecord): void {
  writeFileSync(`${demoFile}.new`, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  // rename is atomic: a reader sees the old record or the new one.
  renameSync(`${demoFile}.new`, demoFile);
}

export function removeDemoFiles(): void {
  rmSync(demoDir, { recursive: true, force: true });
}
