// The lines a lab process prints, each with the wall-clock time (Date.now()) it reached the test:
// how the timing tests tell when the engine said "CLAT running …" or tcpdump saw an RA, to within
// the event loop's latency, where polling `clatter status` (a process per look) would add a second.

import type { LabProcess } from '../../core/lab/lab-process.js';
import { pollUntil } from '../../core/lab/poll.js';

/** Milliseconds as seconds with two decimals, for the printed timings: "1.46 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export interface TimedLine {
  readonly atMs: number;
  readonly line: string;
}

export class TimedLines {
  readonly lines: TimedLine[] = [];
  private partial = '';

  constructor(private readonly process: LabProcess) {
    const take = (chunk: Buffer) => this.take(chunk.toString('utf8'));
    process.child.stdout?.on('data', take);
    process.child.stderr?.on('data', take);
  }

  /** The first line after `sinceMs` that matches, once there is one. */
  async waitFor(pattern: RegExp, sinceMs: number, timeoutMs: number): Promise<TimedLine & { readonly match: RegExpMatchArray }> {
    return pollUntil(async () => this.find(pattern, sinceMs), {
      timeoutMs,
      what: `a line matching ${pattern} from ${this.process.name} (its end: ${this.process.tail(800)})`,
      intervalMs: 20,
    });
  }

  find(pattern: RegExp, sinceMs: number): (TimedLine & { readonly match: RegExpMatchArray }) | null {
    for (const entry of this.lines) {
      if (entry.atMs < sinceMs) continue;
      const match = entry.line.match(pattern);
      if (match) return { ...entry, match };
    }
    return null;
  }

  private take(text: string): void {
    const atMs = Date.now();
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.lines.push({ atMs, line });
  }
}
