// Where a running demo keeps its files: /run/clatter-demo (root only, gone at reboot) holds
// demo.json (the demo's pid, its screen's URL and its lab, for `clatter demo --status` and the
// rest of the CLI), the engine's socket and its state directory. Nothing else of the demo lives
// outside its network namespaces and the lab's temp dir. Only the holder of the demo lock
// (demo-lock.ts) writes or removes them.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/** Whether a demo left its files (it is running, or it died without cleaning up). */
export function demoFilesExist(): boolean {
  return existsSync(demoDir);
}

export function writeDemoRecord(record: DemoRecord): void {
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  writeFileSync(`${demoFile}.new`, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  // rename is atomic: a reader sees the old record or the new one.
  renameSync(`${demoFile}.new`, demoFile);
}

export function removeDemoFiles(): void {
  rmSync(demoDir, { recursive: true, force: true });
}
