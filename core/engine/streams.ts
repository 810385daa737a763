// The engine's pushed events, one stream per subscribing connection:
// - `trace`: the pairs matching the client's filter, at most `perSecond` of them, every 100 ms;
// - `watch`: for the UI, at most 30 updates a second, each with the counters, the newest
//   per-second rate sample, the flows changed since the last update, and (if asked) traces.
// A stream sends nothing while nothing changed, and nothing while its client is congested (the
// pairs it could not send count as skipped, so the client knows). After a second with nothing to
// send it stops its timer until the next packet (ticking once a second meanwhile, for the rate
// samples): an idle engine with the UI open does not wake 30 times a second. It ends with the
// connection.

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
  const options = { filter: parsed.filter, programAwaited: monitor.programAwaited };
  return { ok: true, subscription: new TraceSubscription(monitor.ring, params.perSecond === undefined ? options : { ...options, perSecond: params.perSecond }) };
}

function toJson(batch: TraceBatch, monitor: Monitor, extraSkipped: number): TraceBatchJson {
  return { pairs: batch.pairs.map((pair) => tracePairToJson(pair, monitor.programOf(pair.flowId))), skipped: batch.skipped + extraSkipped, lost: batch.lost };
}

/** Ticks in a row with nothing to send after which a stream sleeps until the next packet. */
const idleTicksBeforeSleep = 30;

/**
 * Runs `tick` every `intervalMs` while there is traffic; `tick` says whether it had anything to
 * send (or to keep for a congested client). After `idleTicksBeforeSleep` idle ticks the timer
 * stops; the next packet, or a once-a-second tick that finds something, starts it again.
 * Everything stops when the connection closes.
 */
function whileActive(connection: Connection, observatory: Observatory, intervalMs: number, tick: () => boolean): void {
  let timer: NodeJS.Timeout | null = null;
  let idleTicks = 0;
  let cancelWait: (() => void) | null = null;
  let closed = false;
  const run = () => {
    if (tick()) idleTicks = 0;
    else if (++idleTicks >= idleTicksBeforeSleep) sleep();
  };
  const wake = () => {
    cancelWait?.();
    cancelWait = null;
    if (closed || timer !== null) return;
    idleTicks = 0;
    timer = setInterval(run, intervalMs);
    timer.unref();
  };
  const sleep = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    cancelWait = observatory.onNextPacket(wake);
  };
  const stopSeconds = observatory.onSecond(() => {
    if (timer === null && tick()) wake();
  });
  wake();
  connection.onClose(() => {
    closed = true;
    if (timer !== null) clearInterval(timer);
    cancelWait?.();
    stopSeconds();
  });
}

export function startTraceStream(connection: Connection, monitor: Monitor, observatory: Observatory, params: TraceParams): StreamStart {
  const made = subscription(monitor, params);
  if (!made.ok) return made;
  let unsent = 0;
  whileActive(connection, observatory, traceIntervalMs, () => {
    const batch = made.subscription.poll(performance.now());
    if (batch.pairs.length === 0 && batch.skipped === 0 && batch.lost === 0 && unsent === 0) return false;
    if (connection.congested) {
      unsent += batch.pairs.length + batch.skipped;
      return true;
    }
    connection.send({ event: 'trace', ...toJson(batch, monitor, unsent) });
    unsent = 0;
    return true;
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
  whileActive(connection, observatory, watchIntervalMs, () => {
    const batch = made?.subscription.poll(performance.now()) ?? null;
    if (connection.congested) {
      if (batch !== null) unsent += batch.pairs.length + batch.skipped;
      return true;
    }
    const handled = observatory.counters.handled();
    const newest = observatory.rates.recent(1)[0] ?? null;
    const rate = newest !== null && newest.atMs !== lastRateAt ? newest : null;
    const flows = monitor.flows.changedSince(flowSeq);
    const traceChanged = batch !== null && (batch.pairs.length > 0 || batch.skipped > 0 || batch.lost > 0 || unsent > 0);
    const previousHandled = lastHandled;
    if (handled === lastHandled && rate === null && flows.changed.length === 0 && flows.removed.length === 0 && !traceChanged) return false;
    lastHandled = handled;
    const counters = observatory.counters.snapshot();
    if (rate !== null) lastRateAt = rate.atMs;
    flowSeq = flows.seq;
    connection.send({ event: 'update', counters, rate, flows, trace: batch === null ? null : toJson(batch, monitor, unsent) });
    unsent = 0;
    // A rate sample alone (once a second, also while idle) is not activity.
    return handled !== previousHandled || flows.changed.length > 0 || flows.removed.length > 0 || traceChanged;
  });
  return { ok: true, newestPairId: monitor.ring.newestId };
}
