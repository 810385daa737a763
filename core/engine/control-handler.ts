// The engine's answers to the control protocol (core/api/messages.ts): each method mapped onto the
// CLAT's state machine, its counters and its monitor. Subscriptions (`subscribe`, `trace`,
// `watch`) attach a stream to the asking connection.

import type { Snapshot } from '../api/messages.js';
import { tracePairToJson } from '../api/trace-wire.js';
import { explainRecordedPair } from '../observe/explain-pair.js';
import type { ClatEngine } from './clat-engine.js';
import type { Connection, Handler } from './control-server.js';
import { startTraceStream, startWatchStream } from './streams.js';

export function controlHandler(engine: ClatEngine): Handler {
  const startedMs = Date.now();
  const statusSubscribers = new Set<Connection>();
  engine.onStatus((status) => {
    for (const connection of statusSubscribers) connection.send({ event: 'status', status });
  });
  const { observatory, monitor } = engine;
  const snapshot = (rateSeconds: number): Snapshot => ({
    status: engine.status(),
    counters: observatory.counters.snapshot(),
    rates: observatory.rates.recent(rateSeconds),
  });
  return {
    status: async () => ({ ok: true, result: engine.status() }),
    up: (request) => engine.up(request.params),
    down: async () => ({ ok: true, result: await engine.down() }),
    subscribe: async (_request, connection) => {
      statusSubscribers.add(connection);
      connection.onClose(() => statusSubscribers.delete(connection));
      return { ok: true, result: engine.status() };
    },
    snapshot: async (request) => ({ ok: true, result: snapshot(request.params.rateSeconds ?? 60) }),
    flows: async () => ({
      ok: true,
      result: { flows: monitor.flows.all(), capacity: monitor.flows.capacity, expired: monitor.flows.expirations, evicted: monitor.flows.evictions },
    }),
    report: async () => ({ ok: true, result: { sinceMs: startedMs, entries: monitor.report() } }),
    trace: async (request, connection) => {
      const started = startTraceStream(connection, monitor, observatory, request.params);
      if (!started.ok) return { ok: false, error: { code: 'bad-request', message: started.error } };
      return { ok: true, result: { newestPairId: started.newestPairId } };
    },
    watch: async (request, connection) => {
      const started = startWatchStream(connection, monitor, observatory, request.params);
      if (!started.ok) return { ok: false, error: { code: 'bad-request', message: started.error } };
      return { ok: true, result: snapshot(3600) };
    },
    explain: async (request) => {
      const ring = monitor.ring;
      const pairId = request.params.pairId;
      const pair = ring.pair(pairId);
      if (pair === undefined) {
        const held = ring.size === 0 ? 'it holds none yet' : `it holds pairs ${ring.oldestId} to ${ring.newestId}`;
        const when = pairId > ring.newestId ? 'has not been recorded yet' : 'has left the trace ring';
        return { ok: false, error: { code: 'no-such-pair', message: `pair ${pairId} ${when} (${held})` } };
      }
      const candidates = observatory.translatorConfigs.candidatesAt(pair.atMs - ring.clockOffsetMs);
      return { ok: true, result: explainRecordedPair(pair, candidates) };
    },
    export: async (request) => {
      const seconds = request.params.seconds;
      const pairs = seconds === undefined ? monitor.ring.readSince(0).pairs : monitor.ring.window(Date.now() - seconds * 1000);
      return {
        ok: true,
        result: {
          ipv4Interface: engine.lastInterfaces.ipv4,
          ipv6Interface: engine.lastInterfaces.ipv6,
          pairs: pairs.map((pair) => tracePairToJson(pair, monitor.programOf(pair.flowId))),
        },
      };
    },
  };
}
