// Whether a demo app works right now, from what it said last: working when its latest word was
// good and recent; failing when its latest word was bad, or when it has said nothing good for a
// while (a call whose packets vanish prints "received 0", but a download that stalls prints
// nothing until curl gives up). Pure: the caller gives the times.

import type { Health } from '../api/demo-apps.js';

export interface HealthView {
  readonly health: Health;
  readonly detail: string;
}

/** Good news older than this no longer counts as working. */
export const staleMs = 3_500;

export class AppHealth {
  private running = false;
  private startedMs = 0;
  private lastOkMs = -Infinity;
  private lastFailMs = -Infinity;
  private detail = '';

  start(nowMs: number): void {
    this.running = true;
    this.startedMs = nowMs;
    this.lastOkMs = -Infinity;
    this.lastFailMs = -Infinity;
    this.detail = 'starting';
  }

  stop(): void {
    this.running = false;
    this.detail = '';
  }

  report(ok: boolean, detail: string, nowMs: number): void {
    if (ok) this.lastOkMs = nowMs;
    else this.lastFailMs = nowMs;
    this.detail = detail;
  }

  view(nowMs: number): HealthView {
    if (!this.running) return { health: 'stopped', detail: 'stopped' };
    if (this.lastFailMs > this.lastOkMs) return { health: 'failing', detail: this.detail };
    if (nowMs - this.lastOkMs <= staleMs) return { health: 'working', detail: this.detail };
    if (this.lastOkMs === -Infinity && nowMs - this.startedMs <= staleMs) return { health: 'starting', detail: this.detail };
    return { health: 'failing', detail: this.lastOkMs === -Infinity ? 'no answer yet' : 'no answer for a few seconds' };
  }
}
