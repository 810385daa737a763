// An HTTP download repeated in a loop inside the lab's host namespace, as a user's transfer that
// goes on while the network changes under it: each download's start, end and outcome, so that a
// test can say how long no transfer succeeded (the IPv4 outage a user sees). A Python loop rather
// than curl per download: one process, timestamps taken where the bytes arrive.
//
// Lifecycle: start() spawns it; each attempt prints one JSON line; stop() closes its stdin, after
// which it ends at the end of the attempt in progress (the lab's teardown kills it otherwise).

import type { Lab } from '../../core/lab/lab.js';
import type { LabProcess } from '../../core/lab/lab-process.js';
import { pollUntil } from '../../core/lab/poll.js';
import { python3 } from '../../core/lab/required-packages.js';

// argv: URL, expected size in bytes, per-operation timeout (s), pause after a success (s).
// Times are the wall clock (time.time(), the clock of Date.now()) in milliseconds. After a failure
// it waits a little before the next attempt: with no IPv4 route at all, connect() fails at once.
const loopScript = String.raw`import json, select, sys, time, urllib.request
url, size, timeout, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
while True:
    if select.select([0], [], [], 0)[0] and not sys.stdin.buffer.read1(1):
        break
    start = time.time()
    record = {'startMs': start * 1000}
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
        record['ok'] = response.status == 200 and len(body) == size
        if not record['ok']:
            record['error'] = 'status %d, %d bytes' % (response.status, len(body))
    except Exception as error:
        record['ok'] = False
        record['error'] = str(error)
    record['endMs'] = time.time() * 1000
    print(json.dumps(record), flush=True)
    time.sleep(pause if record['ok'] else 0.05)
`;

export interface Download {
  readonly startMs: number;
  readonly endMs: number;
  readonly ok: boolean;
  readonly error?: string;
}

/** The longest stretch without a successful download in a time window (see outageDuring). */
export interface Outage {
  /** End of the last successful download before the moment. */
  readonly lastBeforeMs: number;
  /** End of the first successful download after it. */
  readonly firstAfterMs: number;
  readonly ms: number;
  /** Downloads that failed in between. */
  readonly failed: number;
}

export class DownloadLoop {
  private constructor(private readonly process: LabProcess) {}

  /** Starts downloading `url` (expected `bytes` long) over and over in the host namespace. */
  static start(lab: Lab, url: string, bytes: number, options: { timeoutSeconds?: number; pauseSeconds?: number } = {}): DownloadLoop {
    const argv = [python3, '-u', '-c', loopScript, url, String(bytes), String(options.timeoutSeconds ?? 1), String(options.pauseSeconds ?? 0.1)];
    return new DownloadLoop(lab.spawn('host', argv, { name: 'download loop', stdin: true }));
  }

  /** Every download so far, in order. */
  get downloads(): Download[] {
    return this.process.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Download);
  }

  /** Resolves once `count` downloads have succeeded after `sinceMs` (wall clock). */
  async waitForSuccesses(count: number, sinceMs: number, timeoutMs: number): Promise<void> {
    await pollUntil(async () => this.downloads.filter((d) => d.ok && d.startMs >= sinceMs).length >= count || null, {
      timeoutMs,
      what: `${count} successful downloads (last: ${JSON.stringify(this.downloads.at(-1))})`,
      intervalMs: 50,
      abortIf: () => {
        if (this.process.exit !== null) throw new Error(`the download loop ended: ${this.process.tail()}`);
      },
    });
  }

  /**
   * The longest stretch with no successful transfer between `fromMs` (say, when a link went down)
   * and `toMs` (when transfers were seen to work again): from the end of one successful download
   * to the end of the next, which includes that download's own time (tens of ms in the lab).
   */
  outageDuring(fromMs: number, toMs: number): Outage {
    const all = this.downloads;
    const succeeded = all.filter((d) => d.ok);
    let worst: Outage | null = null;
    for (let i = 1; i < succeeded.length; i++) {
      const [before, after] = [succeeded[i - 1].endMs, succeeded[i].endMs];
      if (after <= fromMs || before >= toMs) continue;
      if (worst === null || after - before > worst.ms) {
        const failed = all.filter((d) => !d.ok && d.endMs > before && d.endMs <= after).length;
        worst = { lastBeforeMs: before, firstAfterMs: after, ms: after - before, failed };
      }
    }
    if (worst === null) throw new Error(`no successful downloads around ${fromMs}..${toMs}: ${JSON.stringify(all.slice(-20))}`);
    return worst;
  }

  /** The longest gap between two successful downloads (end to end) over the whole run. */
  longestGapMs(): number {
    const ends = this.downloads.filter((d) => d.ok).map((d) => d.endMs);
    return ends.slice(1).reduce((longest, end, i) => Math.max(longest, end - ends[i]), 0);
  }

  /** Ends the loop after the attempt in progress. */
  async stop(): Promise<void> {
    this.process.child.stdin?.end();
    const timer = setTimeout(() => void this.process.stop(), 5_000);
    await this.process.exited;
    clearTimeout(timer);
  }
}
