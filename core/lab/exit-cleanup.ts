// Labs must not outlive their process: on exit, and on SIGINT, SIGTERM or SIGHUP, the teardowns of
// the labs still alive run (synchronously, which is all an exit handler can do). A lab unregisters
// when it is destroyed. Only SIGKILL and a crash of Node itself escape; destroyLeftoverLabs() is
// for those.

type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
const signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;
const reapDelayMs = 100;

/** Runs `cleanup` once if the process exits or is signalled before the returned function is called. */
export function cleanupOnExit(cleanup: Cleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // The others still get their turn; destroyLeftoverLabs() catches what is left.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const signal of signals) {
    const onSignal = () => {
      runAll();
      // Listening to a signal cancels Node's default of exiting. When we are the only listener,
      // restore that default and let the signal end the process as it would have without us.
      // The short wait lets Node reap the killed daemons first, rather than leave their zombies to init.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        setTimeout(() => process.kill(process.pid, signal), reapDelayMs);
      }
    };
    process.on(signal, onSignal);
  }
}
