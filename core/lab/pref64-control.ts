// Drives the PREF64 RA sender (pref64-sender-script.ts) over its stdin: what the host's link hears
// about the NAT64 prefix, changeable while the lab runs ("prefix changed", "PREF64 off").

import type { LabProcess } from './lab-process.js';

export interface Pref64Announcement {
  /** RFC 6052 prefix: /32, /40, /48, /56, /64 or /96. */
  readonly prefix: string;
  /** Lifetime in the option (RFC 8781 §4): rounded up to a multiple of 8 s by the sender. */
  readonly lifetimeSeconds: number;
  /** Time between two RAs carrying it. */
  readonly intervalMs: number;
}

export interface Pref64Options {
  readonly lifetimeSeconds?: number;
  readonly intervalMs?: number;
}

export const defaultPref64IntervalMs = 3_000;

/**
 * RFC 8781 §4.1: by default the lifetime is 3 × the RA interval, rounded up to a multiple of 8 s
 * (16 s for the 3 s interval): the prefix outlives two lost RAs, and stops being valid soon after
 * the lab stops announcing it.
 */
export function defaultPref64LifetimeSeconds(intervalMs: number): number {
  return Math.ceil((3 * intervalMs) / 1000 / 8) * 8;
}

const replyTimeoutMs = 5_000;

export class Pref64Control {
  private announcement: Pref64Announcement | null = null;
  private sequence = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly sender: LabProcess) {}

  /** What is being announced; null while PREF64 RAs are off. */
  get current(): Pref64Announcement | null {
    return this.announcement;
  }

  /**
   * Starts announcing `prefix` (replacing what was announced), or stops PREF64 RAs with null.
   * Resolves once the first RA with the new prefix has been sent, or once sending has stopped;
   * rejects when the sender refuses the prefix (the previous announcement then goes on).
   */
  set(prefix: string | null, options: Pref64Options = {}): Promise<void> {
    const run = async () => {
      if (prefix === null) {
        await this.command('silence');
        this.announcement = null;
        return;
      }
      const intervalMs = options.intervalMs ?? defaultPref64IntervalMs;
      const lifetimeSeconds = options.lifetimeSeconds ?? defaultPref64LifetimeSeconds(intervalMs);
      await this.command(`announce ${prefix} ${lifetimeSeconds} ${intervalMs}`);
      this.announcement = { prefix, lifetimeSeconds, intervalMs };
    };
    // One command at a time: each waits for its own numbered reply.
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  private async command(text: string): Promise<void> {
    const sequence = ++this.sequence;
    this.sender.writeLine(`${sequence} ${text}`);
    const [, answer] = await this.sender.waitForOutput(new RegExp(`^${sequence} (.*)$`, 'm'), replyTimeoutMs);
    if (answer.startsWith('error ')) throw new Error(`lab: PREF64 sender refused \`${text}\`: ${answer.slice(6)}`);
  }
}
