// The engine's control protocol, declared once: both the engine and its clients (the CLI, the
// desktop shell) import these types and validators. A conversation on the socket:
//   client → engine: { "id": 1, "method": "up", "params": { "uplink": "wlan0" } }
//   engine → client: { "id": 1, "ok": true, "result": <ClatStatus> }
//                or: { "id": 1, "ok": false, "error": { "code": "unknown-uplink", "message": "…" } }
//   engine → client, unasked, after `subscribe`: { "event": "status", "status": <ClatStatus> }
// Requests are answered in order; errors are values, never a dropped connection, except for a
// line that is not JSON or too long, after which the engine closes the connection.

import type { DependencyEntry } from '../observe/dependency-ledger.js';
import type { FlowChanges, FlowInfo } from '../observe/flow-info.js';
import type { CounterSnapshot, RateSample } from './counters.js';
import type { Explanation } from './explanation.js';
import type { ClatStatus } from './status.js';
import type { TracePairJson } from './trace-wire.js';

export interface UpParams {
  /** The uplink interface; default: the one with the IPv6 default route. */
  readonly uplink?: string;
  /** A manual NAT64 prefix, used when neither RA nor DNS64 gives one. */
  readonly prefix?: string;
  /** Take the IPv4 default route even though the host has native IPv4. */
  readonly force?: boolean;
}

type NoParams = Record<string, never>;

export interface SnapshotParams {
  /** How many of the last per-second rate samples to include (default 60, at most 3600). */
  readonly rateSeconds?: number;
}

export interface FlowsResult {
  readonly flows: readonly FlowInfo[];
  /** The table's bound, and the flows it let go: idle past their timeout, or evicted when full. */
  readonly capacity: number;
  readonly expired: number;
  readonly evicted: number;
}

/** Which pairs a trace stream carries (core/observe/trace-filter.ts); all given must hold. */
export interface TraceFilterSpec {
  readonly protocol?: 'tcp' | 'udp' | 'icmp' | 'other';
  /** An IPv4 or IPv6 address on either side of either packet. */
  readonly host?: string;
  readonly port?: number;
  /** The program's name (the executable's file name). */
  readonly program?: string;
}

export interface TraceParams {
  readonly filter?: TraceFilterSpec;
  /** At most this many pairs a second reach the client; the rest are counted as skipped (default 200). */
  readonly perSecond?: number;
}

export interface WatchParams extends TraceParams {
  /** Include trace pairs in the updates (default false). */
  readonly traces?: boolean;
}

export interface ExportParams {
  /** Only the pairs of the last N seconds; absent: everything the ring holds. */
  readonly seconds?: number;
}

export interface ExportResult {
  /** The real interfaces, to name the capture's interfaces after. */
  readonly ipv4Interface: string;
  readonly ipv6Interface: string;
  readonly pairs: readonly TracePairJson[];
}

export interface ExplainParams {
  /** A pair number still in the trace ring (TracePair.id). */
  readonly pairId: number;
}

export interface TraceBatchJson {
  readonly pairs: readonly TracePairJson[];
  /** Pairs that matched the filter but were left out to keep the rate bound. */
  readonly skipped: number;
  /** Pairs the ring overwrote before this client read them. */
  readonly lost: number;
}

/** Everything the UI draws at once, and the CLI's counters. */
export interface Snapshot {
  readonly status: ClatStatus;
  readonly counters: CounterSnapshot;
  readonly rates: readonly RateSample[];
}

export interface Methods {
  status: { params: NoParams; result: ClatStatus };
  up: { params: UpParams; result: ClatStatus };
  down: { params: NoParams; result: ClatStatus };
  /** Status events on every change, until the connection closes. */
  subscribe: { params: NoParams; result: ClatStatus };
  snapshot: { params: SnapshotParams; result: Snapshot };
  /** The flow table, with the programs behind the flows. */
  flows: { params: NoParams; result: FlowsResult };
  /** The IPv4-dependency report: which programs reached which IPv4 addresses through the CLAT. */
  report: { params: NoParams; result: { readonly sinceMs: number; readonly entries: readonly DependencyEntry[] } };
  /** Trace events (`trace`) until the connection closes. */
  trace: { params: TraceParams; result: { readonly newestPairId: number } };
  /** The ring of pairs (or its last seconds), for a pcapng export. */
  export: { params: ExportParams; result: ExportResult };
  /** Update events for the UI, at most 30 a second: counters, the newest rate sample, flow changes, traces. */
  watch: { params: WatchParams; result: Snapshot };
  /**
   * A recorded pair explained field by field (core/api/explanation.ts): the translator re-run on it
   * with the configuration of its time. `no-such-pair` when the ring no longer (or not yet) holds it.
   */
  explain: { params: ExplainParams; result: Explanation };
}

export type Method = keyof Methods;

export type Request<M extends Method = Method> = M extends Method
  ? { readonly id: number; readonly method: M; readonly params: Methods[M]['params'] }
  : never;

export const errorCodes = [
  'bad-request',
  'already-up',
  'unknown-uplink',
  'no-ipv6',
  'native-ipv4',
  'other-clat',
  'bad-prefix',
  'no-prefix',
  'host-setup-failed',
  'no-such-pair',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ApiError {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Response<M extends Method = Method> =
  | { readonly id: number; readonly ok: true; readonly result: Methods[M]['result'] }
  | { readonly id: number; readonly ok: false; readonly error: ApiError };

export type EngineEvent =
  | { readonly event: 'status'; readonly status: ClatStatus }
  | ({ readonly event: 'trace' } & TraceBatchJson)
  | {
      readonly event: 'update';
      readonly counters: CounterSnapshot;
      /** The newest per-second sample, when one was taken since the last update. */
      readonly rate: RateSample | null;
      readonly flows: FlowChanges;
      readonly trace: TraceBatchJson | null;
    };

type ParamsCheck = (params: Record<string, unknown>) => string | undefined;

const noParams: ParamsCheck = (params) => {
  const extra = Object.keys(params);
  return extra.length > 0 ? `unexpected parameter "${extra[0]}"` : undefined;
};

const paramChecks: { readonly [M in Method]: ParamsCheck } = {
  status: noParams,
  down: noParams,
  subscribe: noParams,
  flows: noParams,
  report: noParams,
  trace: (params) => checkTraceParams(params, false),
  watch: (params) => checkTraceParams(params, true),
  explain: (params) => {
    for (const key of Object.keys(params)) if (key !== 'pairId') return `unexpected parameter "${key}"`;
    const pairId = params.pairId;
    if (typeof pairId !== 'number' || !Number.isSafeInteger(pairId) || pairId < 1) return '"pairId" must be a pair number (a whole number from 1)';
    return undefined;
  },
  export: (params) => {
    for (const [key, value] of Object.entries(params)) {
      if (key !== 'seconds') return `unexpected parameter "${key}"`;
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return '"seconds" must be a positive number';
    }
    return undefined;
  },
  snapshot: (params) => {
    for (const [key, value] of Object.entries(params)) {
      if (key !== 'rateSeconds') return `unexpected parameter "${key}"`;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 3600) return '"rateSeconds" must be a whole number from 0 to 3600';
    }
    return undefined;
  },
  up: (params) => {
    for (const [key, value] of Object.entries(params)) {
      if (key === 'uplink' || key === 'prefix') {
        if (typeof value !== 'string' || value.length === 0 || value.length > 64) return `"${key}" must be a non-empty string`;
      } else if (key === 'force') {
        if (typeof value !== 'boolean') return '"force" must be true or false';
      } else {
        return `unexpected parameter "${key}"`;
      }
    }
    return undefined;
  },
};

function checkTraceParams(params: Record<string, unknown>, watch: boolean): string | undefined {
  for (const [key, value] of Object.entries(params)) {
    if (key === 'perSecond') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100_000) return '"perSecond" must be a whole number from 1 to 100000';
    } else if (key === 'traces' && watch) {
      if (typeof value !== 'boolean') return '"traces" must be true or false';
    } else if (key === 'filter') {
      if (!isRecord(value)) return '"filter" must be an object';
      for (const [field, v] of Object.entries(value)) {
        if (field === 'protocol') {
          if (v !== 'tcp' && v !== 'udp' && v !== 'icmp' && v !== 'other') return 'filter "protocol" must be tcp, udp, icmp or other';
        } else if (field === 'host' || field === 'program') {
          if (typeof v !== 'string' || v.length === 0 || v.length > 255) return `filter "${field}" must be a non-empty string`;
        } else if (field === 'port') {
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) return 'filter "port" must be a port number';
        } else {
          return `unexpected filter field "${field}"`;
        }
      }
    } else {
      return `unexpected parameter "${key}"`;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type ParsedRequest = { ok: true; request: Request } | { ok: false; id: number | null; error: string };

/** Validates one decoded line as a request. */
export function parseRequest(value: unknown): ParsedRequest {
  if (!isRecord(value)) return { ok: false, id: null, error: 'a request must be a JSON object' };
  const id = value.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { ok: false, id: null, error: '"id" must be an integer' };
  const method = value.method;
  if (typeof method !== 'string' || !Object.hasOwn(paramChecks, method)) {
    return { ok: false, id, error: `unknown method ${JSON.stringify(method)}` };
  }
  const params = value.params ?? {};
  if (!isRecord(params)) return { ok: false, id, error: '"params" must be an object' };
  const problem = paramChecks[method as Method](params);
  if (problem !== undefined) return { ok: false, id, error: problem };
  return { ok: true, request: { id, method, params } as Request };
}

export type ParsedServerMessage =
  | { ok: true; kind: 'response'; response: Response }
  | { ok: true; kind: 'event'; event: EngineEvent }
  | { ok: false; error: string };

/** Validates one decoded line from the engine (the envelope; results are trusted as the engine's own types). */
export function parseServerMessage(value: unknown): ParsedServerMessage {
  if (!isRecord(value)) return { ok: false, error: 'engine message is not an object' };
  if (value.event === 'status' && isRecord(value.status) && typeof value.status.state === 'string') {
    return { ok: true, kind: 'event', event: value as unknown as EngineEvent };
  }
  if (value.event === 'trace' && Array.isArray(value.pairs) && typeof value.skipped === 'number') {
    return { ok: true, kind: 'event', event: value as unknown as EngineEvent };
  }
  if (value.event === 'update' && isRecord(value.counters) && isRecord(value.flows)) {
    return { ok: true, kind: 'event', event: value as unknown as EngineEvent };
  }
  if (typeof value.id !== 'number' || typeof value.ok !== 'boolean') return { ok: false, error: 'engine message has no id/ok' };
  if (value.ok === false) {
    const error = value.error;
    if (!isRecord(error) || typeof error.message !== 'string' || !errorCodes.includes(error.code as ErrorCode)) {
      return { ok: false, error: 'engine error without code/message' };
    }
  } else if (!isRecord(value.result)) {
    return { ok: false, error: 'engine response without a result' };
  }
  return { ok: true, kind: 'response', response: value as unknown as Response };
}
