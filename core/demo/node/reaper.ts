// The demo's watchdog (`clatter demo --reap <pid>`), started detached by the demo in a session of
// its own (Ctrl-C in the demo's terminal does not reach it): it holds a connection to the demo's
// lock (demo-lock.ts), which closes when the demo's process ends, however it ends. Then it takes
// the lock and removes what is left: the network namespaces of dead labs (with every process in
// them: the engine, the lab's daemons, the apps) and /run/clatter-demo. After a clean stop that is
// nothing; after kill -9, a crash, or Ctrl-C in the middle of building the network, it is the rest.

import { destroyLeftoverLabs } from '../../lab/teardown.js';
import { removeDemoFiles } from './demo-files.js';
import { pollUntil } from '../../lab/poll.js';
import { acquireDemoLock, findDemo } from './demo-lock.js';

/** Removes what a demo whose process is gone left behind; the caller holds the demo lock. */
export function removeDeadDemo(): string[] {
  try {
    return destroyLeftoverLabs();
  } finally {
    removeDemoFiles();
  }
}

export async function reap(pid: number): Promise<void> {
  const demo = await findDemo();
  if (demo !== null) {
    // Some other demo holds the lock: ours is gone already and that one cleaned up when it started.
    if (demo.pid !== pid) return;
    await demo.ended;
  }
  // The demo's connections close as its process exits, its listening socket a moment later (the
  // kernel closes a dead process's files one by one): try again for a while before deciding that a
  // new demo was quicker (it removes leftovers itself before it builds anything).
  const lock = await pollUntil(
    async () => {
      const taken = await acquireDemoLock(() => {});
      if (taken !== null) return taken;
      const holder = await findDemo();
      holder?.close();
      return holder !== null && holder.pid !== pid ? 'taken by another demo' : null;
    },
    { timeoutMs: 5_000, intervalMs: 100, what: 'the demo lock' },
  ).catch(() => null);
  if (lock === null || typeof lock === 'string') return;
  try {
    removeDeadDemo();
  } finally {
    await lock.release();
  }
}
