// A real control server (core/engine/control-server.ts) on a Unix socket, with a scripted handler
// in place of the CLAT: what the UI hosts' tests (relay, browser-mode server) talk to. `push`
// sends an event to every connection that watches; `stop` closes the server (the engine "dies").

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Explanation } from '../../core/api/explanation.js';
import type { ApiError, EngineEvent, Snapshot, UpParams } from '../../core/api/messages.js';
import type { ClatStatus } from '../../core/api/status.js';
import { ControlServer, type Connection, type Handler } from '../../core/engine/control-server.js';
import type { FlowInfo } from '../../core/observe/flow-info.js';
import { TrafficCounters } from '../../core/observe/traffic-counters.js';

type HandlerAnswer<T> = { ok: true; result: T } | { ok: false; error: ApiError };

export const offStatus: ClatStatus = { state: 'off', mode: 'manual' };

export interface ScriptedEngine {
  readonly socketPath: string;
  status: ClatStatus;
  flows: FlowInfo[];
  readonly watchers: Set<Connection>;
  readonly calls: string[];
  /** What `up` answers (default: discovering on wlan0). */
  upAnswer: (params: UpParams) => HandlerAnswer<ClatStatus>;
  /** What `explain` answers (default: no such pair). */
  explainAnswer: (pairId: number) => HandlerAnswer<Explanation>;
  push(event: EngineEvent): void;
  stop(): Promise<void>;
  /** Listens again on the same path (the engine restarted). */
  restart(): Promise<void>;
  remove(): Promise<void>;
}

export async function startScriptedEngine(): Promise<ScriptedEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'clatter-ui-engine-'));
  const socketPath = join(dir, 'engine.sock');
  const watchers = new Set<Connection>();
  const calls: string[] = [];
  const snapshot = (): Snapshot => ({ status: engine.status, counters: new TrafficCounters().snapshot(), rates: [] });
  const handler: Handler = {
    status: async () => (calls.push('status'), { ok: true, result: engine.status }),
    up: async (request) => {
      calls.push('up');
      const answer = engine.upAnswer(request.params);
      if (answer.ok) engine.status = answer.result;
      return answer;
    },
    down: async () => (calls.push('down'), { ok: true, result: (engine.status = offStatus) }),
    subscribe: async () => (calls.push('subscribe'), { ok: true, result: engine.status }),
    snapshot: async () => ({ ok: true, result: snapshot() }),
    flows: async () => (calls.push('flows'), { ok: true, result: { flows: engine.flows, capacity: 8192, expired: 0, evicted: 0 } }),
    report: async () => ({ ok: true, result: { sinceMs: 0, entries: [] } }),
    trace: async () => ({ ok: true, result: { newestPairId: 0 } }),
    watch: async (_request, connection) => {
      calls.push('watch');
      watchers.add(connection);
      connection.onClose(() => watchers.delete(connection));
      return { ok: true, result: snapshot() };
    },
    export: async () => ({ ok: true, result: { ipv4Interface: 'clat', ipv6Interface: 'wlan0', pairs: [] } }),
    explain: async (request) => (calls.push('explain'), engine.explainAnswer(request.params.pairId)),
  };
  let server = new ControlServer({ socketPath, groupId: null, handler, checkPeer: () => undefined, log: () => {} });
  const listen = async () => {
    const listening = await server.listen();
    if (!listening.ok) throw new Error(listening.error);
  };
  await listen();
  const engine: ScriptedEngine = {
    socketPath,
    status: offStatus,
    flows: [],
    watchers,
    calls,
    upAnswer: () => ({ ok: true, result: { state: 'discovering', mode: 'manual', uplink: 'wlan0', sinceMs: 1 } }),
    explainAnswer: (pairId) => ({ ok: false, error: { code: 'no-such-pair', message: `pair ${pairId} has not been recorded yet (it holds none yet)` } }),
    push: (event) => {
      for (const connection of watchers) connection.send(event);
    },
    stop: () => server.close(),
    restart: async () => {
      server = new ControlServer({ socketPath, groupId: null, handler, checkPeer: () => undefined, log: () => {} });
      await listen();
    },
    remove: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return engine;
}
