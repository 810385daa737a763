// Waiting for the kernel or a daemon to reach a state that announces itself nowhere (an address
// leaving "tentative", a socket listening, a TUN gaining its carrier): ask again until it holds.

import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  readonly timeoutMs: number;
  /** What is awaited, for the timeout error ("the host's SLAAC address"). */
  readonly what: string;
  readonly intervalMs?: number;
  /** Called between attempts; throw from it to give up early (a daemon died). */
  readonly abortIf?: () => void;
}

/** Calls `probe` until it returns a value other than null/undefined, and resolves with that value. */
export async function pollUntil<T>(probe: () => Promise<T | null | undefined>, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    options.abortIf?.();
    try {
      const value = await probe();
      if (value !== null && value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`lab: timed out after ${options.timeoutMs} ms waiting for ${options.what}${cause}`);
    }
    await sleep(options.intervalMs ?? 25);
  }
}
