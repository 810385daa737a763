// The demo's watchdog (`clatter demo --reap <pid>`), started detached by the demo in a session of
// its own (Ctrl-C in the demo's terminal does not reach it): it waits for the demo's process to
// end. A demo that ended cleanly has removed its files, and the reaper just leaves; one that
// crashed or was killed (kill -9) left them, and the reaper removes its network namespaces (with
// every process in them: the engine, the lab's daemons, the apps) and /run/clatter-demo.

import { destroyLeftoverLabs, processRuns } from '../../lab/teardown.js';
import { readDemoRecord, removeDemoFiles } from './demo-files.js';

const pollMs = 500;

/** Removes what a demo whose process is gone left behind. */
export function removeDeadDemo(): string[] {
  const removed = destroyLeftoverLabs();
  removeDemoFiles();
  return removed;
}

export async function reap(pid: number): Promise<void> {
  for (;;) {
    const record = readDemoRecord();
    // Gone or replaced: the demo cleaned up after itself.
    if (record === null || record.pid !== pid) return;
    if (!processRuns(pid)) {
      removeDeadDemo();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
