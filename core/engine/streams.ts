// The engine's pushed events, one stream per subscribing connection:
// - `trace`: the pairs matching the client's filter, at most `perSecond` of them, every 100 ms;
// - `watch`: for the UI, at most 30 updates a second, each with the counters, the newest
//   per-second rate sample, the flows changed since the last update, and (if asked) traces.
// A stream sends nothing while nothing changed, and nothing while its client is congested (the
// pairs it could not send count as skipped, so the client knows). It ends with the connection.

import type { TraceBatchJson, TraceParams, WatchParams } from '../api/messages.js';
import { tracePairToJson } from '../api/trace-wire.js';
import { parseTraceFilter } from '../observe/trace-filter.js';
import { TraceSubscription, type TraceBatch } from '../observe/trace-subscription.js';
import type { Connection } from './control-server.js';
import type { Monitor } from './monitor.js';
import type { Observatory } from './observatory.js';

const traceIntervalMs = 100;
const watchIntervalMs = 1000 / 30;

export type StreamStart = { ok: true; newestPairId: number } | { ok: false; error: string };

function subscription(monitor: Monitor, params: TraceParams): { ok: true; subscription: TraceSubscription } | { ok: false; error: string } {
  const parsed = parseTraceFilter(params.filter ?? {}, monitor.programOf);
  if (!parsed.ok) return parsed;
  return { ok: true, subscription: new TraceSubscription(monitor.ring, { filter: parsed.filter, ...(params.perSecond !== undefined ? { perSecond: params.perSecond } : {}) }) };
}

function toJson(batch: TraceBatch, monitor: Monitor, extraSkipped: number): TraceBatchJson {
  return { pairs: batch.pairs.map((pair) => tracePairToJson(pair, monitor.programOf(pair.flowId))), skipped: batch.skipped + extraSkipped, lost: batch.lost };
}

/** Every repeating timer of a stream stops when its connection closes. */
function every(connection: Connection, intervalMs: number, tick: () => void): void {
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  connection.onClose(() => clearInterval(timer));
}

export function startTraceStream(connection: Connection, monitor: Monitor, params: TraceParams): StreamStart {
  const made = subscription(monitor, params);
  if (!made.ok) return made;
  let unsent = 0;
  every(connection, traceIntervalMs, () => {
    const batch = made.subscription.poll();
    if (batch.pairs.length === 0 && batch.skipped === 0 && batch.lost === 0 && unsent === 0) return;
    if (connection.congested) {
      unsent += batch.pairs.length + batch.skipped;
      return;
    }
    connection.send({ event: 'trace', ...toJson(batch, monitor, unsent) });
    unsent = 0;
  });
  return { ok: true, newestPairId: monitor.ring.newestId };
}

export function startWatchStream(connection: Connection, monitor: Monitor, observatory: Observatory, params: WatchParams): StreamStart {
  const made = params.traces === true ? subscription(monitor, params) : null;
  if (made !== null && !made.ok) return made;
  let flowSeq = monitor.flows.changedSince(0).seq;
  let lastRateAt = observatory.rates.recent(1)[0]?.atMs ?? 0;
  let lastHandled = -1;
  let unsent = 0;
  every(connection, watchIntervalMs, () => {
    const batch = made?.subscription.poll() ?? null;
    if (connection.congested) {
      if (batch !== null) unsent += batch.pairs.length + batch.skipped;
      return;
    }
    const handled = observatory.counters.handled();
    const newest = observatory.rates.recent(1)[0] ?? null;
    const rate = newest !== null && newest.atMs !== lastRateAt ? newest : null;
    const flows = monitor.flows.changedSince(flowSeq);
    const traceChanged = batch !== null && (batch.pairs.length > 0 || batch.skipped > 0 || batch.lost > 0 || unsent > 0);
    if (handled === lastHandled && rate === null && flows.changed.length === 0 && flows.removed.length === 0 && !traceChanged) return;
    lastHandled = handled;
    const counters = observatory.counters.snapshot();
    if (rate !== null) lastRateAt = rate.atMs;
    flowSeq = flows.seq;
    connection.send({ event: 'update', counters, rate, flows, trace: batch === null ? null : toJson(batch, monitor, unsent) });
    unsent = 0;
  });
  return { ok: true, newestPairId: monitor.ring.newestId };
}
