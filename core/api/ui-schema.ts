// The UI's contract with whatever hosts it: the Electron main process (through the preload
// bridge) or `clatter ui` (over HTTP on loopback). Declared once, as a schema object; each end
// derives its channel names and typed functions from it (the pattern of mullvadvpn-app's
// `ipc-schema.ts`), and the host validates every argument with the schema's own parser before
// acting on it: a renderer is never trusted.
//
//   invoke channels: renderer → host, one answer each (`{ ok: false, error }` on failure);
//   notify channels: host → renderer, pushed.
//
// The host owns the engine connection (core/client/ui-relay.ts): it reconnects, subscribes, and
// throttles the engine's updates to the renderer (core/client/update-batch.ts).

import { parseRequest, type Method, type Methods, type Snapshot, type ApiError } from './messages.js';
import type { FlowInfo } from '../observe/flow-info.js';
import type { CounterSnapshot, RateSample } from './counters.js';
import type { ClatStatus } from './status.js';
import type { TracePairJson } from './trace-wire.js';
import { isDemoAppName, type DemoAppName, type Health } from './demo-apps.js';

/**
 * The engine methods the UI may call, each on a channel of its own (`engine.status`, `engine.up`,
 * …) with the engine's own parameter and result types; streams (`watch`, `subscribe`, `trace`)
 * belong to the host. Everything else is derived from this list: the channels, their parsers, the
 * hosts' handlers (`engineHandlers`). A new method the UI may call is one more name here.
 */
export const uiEngineMethods = ['status', 'up', 'down', 'snapshot', 'flows', 'report', 'export', 'explain'] as const;
export type UiEngineMethod = (typeof uiEngineMethods)[number];

/** An engine method's answer as the UI gets it: the engine's result, or its error as a value. */
export type EngineAnswer<M extends Method> = { readonly ok: true; readonly result: Methods[M]['result'] } | { readonly ok: false; readonly error: ApiError };

/** What a host calls the engine through (core/client/ui-relay.ts's `call`). */
export type EngineCaller = <M extends UiEngineMethod>(method: M, params: Methods[M]['params']) => Promise<EngineAnswer<M>>;

/** Why the host has no engine to talk to, each with what the user can do about it. */
export type EngineProblem =
  /** No socket, or nobody listening on it. */
  | 'not-running'
  /** The socket exists but this user may not connect (not root, not in the "clatter" group). */
  | 'no-permission'
  /** The socket is not owned by root: someone else could be listening there (STYLE.md: verify ownership). */
  | 'untrusted-socket'
  /** It was connected and the connection broke. */
  | 'lost';

export type EngineLink =
  | { readonly state: 'connecting'; readonly socketPath: string }
  | {
      readonly state: 'connected';
      readonly socketPath: string;
      /** What the UI draws at once; updates follow on `session.update`. */
      readonly snapshot: Snapshot;
      readonly flows: readonly FlowInfo[];
    }
  | {
      readonly state: 'unavailable';
      readonly socketPath: string;
      readonly problem: EngineProblem;
      readonly message: string;
      /** What to run or do, for people. */
      readonly fix: string;
      /** When the host tries again. */
      readonly retryAtMs: number;
    };

/** Who hosts the UI, and what it can do beyond the engine's API. */
export interface HostInfo {
  readonly kind: 'electron' | 'browser';
  /** Whether `engine.start` can start an engine (Electron through pkexec; a browser cannot). */
  readonly canStartEngine: boolean;
  readonly version: string;
}

/**
 * The engine's events since the last batch, merged: the newest status and counters, every rate
 * sample, flow changes folded by id, and the newest trace pairs (older ones beyond the batch's
 * bound are counted in `skipped`).
 */
export interface SessionUpdate {
  readonly status: ClatStatus | null;
  readonly counters: CounterSnapshot | null;
  readonly rates: readonly RateSample[];
  readonly flowsChanged: readonly FlowInfo[];
  readonly flowsRemoved: readonly number[];
  /** The flow changes were incomplete (the engine forgot removals): `flowsChanged` is the whole table. */
  readonly flowsReplaced: boolean;
  readonly pairs: readonly TracePairJson[];
  readonly skipped: number;
  readonly lost: number;
}

export type StartEngineResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

export interface SaveFileRequest {
  /** A suggested file name, e.g. "clatter-trace.pcapng"; no directories. */
  readonly name: string;
  /** The content, base64. */
  readonly base64: string;
}

/** `saved: false` when the user cancelled. */
export type SaveFileResult = { readonly ok: true; readonly saved: boolean; readonly path: string | null } | { readonly ok: false; readonly error: string };

/** One of `clatter demo`'s IPv4-only apps, as the screen shows it. */
export interface DemoAppState {
  readonly name: DemoAppName;
  readonly title: string;
  readonly description: string;
  /** Its program name in the flows and the report. */
  readonly program: string;
  /** Whether it should run (started from the screen or the CLI). */
  readonly running: boolean;
  readonly health: Health;
  /** The app's latest words: "50 packets/s back", "Network is unreachable". */
  readonly detail: string;
}

/** What `clatter demo` runs; null outside a demo. */
export interface DemoState {
  /** The IPv4-only server the apps talk to. */
  readonly server: string;
  readonly apps: readonly DemoAppState[];
}

export interface DemoAppSwitch {
  readonly app: DemoAppName;
  readonly running: boolean;
}

export type DemoSwitchResult = { readonly ok: true; readonly state: DemoState } | { readonly ok: false; readonly error: string };

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface InvokeSpec<Arg, Result> {
  readonly kind: 'invoke';
  readonly parse: (arg: unknown) => Parsed<Arg>;
  /** Type carriers only: never set. */
  readonly _arg?: Arg;
  readonly _result?: Result;
}

export interface NotifySpec<Payload> {
  readonly kind: 'notify';
  readonly _payload?: Payload;
}

function invoke<Arg, Result>(parse: (arg: unknown) => Parsed<Arg>): InvokeSpec<Arg, Result> {
  return { kind: 'invoke', parse };
}

function notify<Payload>(): NotifySpec<Payload> {
  return { kind: 'notify' };
}

const noArg = (arg: unknown): Parsed<void> =>
  arg === undefined || arg === null ? { ok: true, value: undefined } : { ok: false, error: 'this call takes no argument' };

/** Validates one engine method's parameters with the engine's own validator, so the two can never disagree. */
function parseEngineParams<M extends UiEngineMethod>(method: M, arg: unknown): Parsed<Methods[M]['params']> {
  const parsed = parseRequest({ id: 0, method, params: arg ?? {} });
  if (!parsed.ok) return { ok: false, error: parsed.error };
  return { ok: true, value: parsed.request.params as Methods[M]['params'] };
}

type EngineMethodSpecs = { readonly [M in UiEngineMethod]: InvokeSpec<Methods[M]['params'], EngineAnswer<M>> };

function engineMethodSpecs(): EngineMethodSpecs {
  const specs: Partial<Record<UiEngineMethod, InvokeSpec<unknown, unknown>>> = {};
  for (const method of uiEngineMethods) specs[method] = invoke((arg) => parseEngineParams(method, arg));
  return specs as EngineMethodSpecs;
}

const fileNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;
/** An export holds at most the trace ring: 4096 pairs of two 128-byte packets, plus framing. */
const maxSaveBase64Chars = 8 * 1024 * 1024;

export function parseSaveFile(arg: unknown): Parsed<SaveFileRequest> {
  if (typeof arg !== 'object' || arg === null) return { ok: false, error: 'a file to save must be an object' };
  const { name, base64 } = arg as { name?: unknown; base64?: unknown };
  if (typeof name !== 'string' || !fileNamePattern.test(name)) return { ok: false, error: 'the file name must be a plain name (letters, digits, ".", "_", "-")' };
  if (typeof base64 !== 'string' || base64.length > maxSaveBase64Chars || base64.length % 4 !== 0 || !base64Pattern.test(base64)) {
    return { ok: false, error: 'the file content must be base64 of at most 6 MiB' };
  }
  return { ok: true, value: { name, base64 } };
}

export function parseDemoAppSwitch(arg: unknown): Parsed<DemoAppSwitch> {
  if (typeof arg !== 'object' || arg === null) return { ok: false, error: 'a demo app switch must be an object' };
  const { app, running } = arg as { app?: unknown; running?: unknown };
  if (!isDemoAppName(app)) return { ok: false, error: `no demo app ${JSON.stringify(app)}` };
  if (typeof running !== 'boolean') return { ok: false, error: '"running" must be true or false' };
  return { ok: true, value: { app, running } };
}

const parseFullScreen = (arg: unknown): Parsed<boolean> =>
  typeof arg === 'boolean' ? { ok: true, value: arg } : { ok: false, error: 'full screen takes true or false' };

export const uiSchema = {
  host: {
    /** Who hosts the UI and what it can do. */
    info: invoke<void, HostInfo>(noArg),
    /** Full screen on or off (presentation mode). */
    setFullScreen: invoke<boolean, void>(parseFullScreen),
    /** Saves a file the user asked for (Electron: a save dialog; a browser downloads it itself). */
    saveFile: invoke<SaveFileRequest, SaveFileResult>(parseSaveFile),
  },
  engine: {
    /** One channel per engine method the UI may call (`uiEngineMethods`). */
    ...engineMethodSpecs(),
    /** Starts an engine (Electron: through pkexec and the polkit policy in packaging/). */
    start: invoke<void, StartEngineResult>(noArg),
  },
  session: {
    /** The engine link as it is now: what a renderer asks for when it loads. */
    current: invoke<void, EngineLink>(noArg),
    /** The engine link changed (connected with a fresh snapshot, lost, retrying). */
    link: notify<EngineLink>(),
    /** A batch of the engine's updates (at most 10 a second). */
    update: notify<SessionUpdate>(),
  },
  demo: {
    /** The demo's apps (`clatter demo`); null when this host runs no demo. */
    state: invoke<void, DemoState | null>(noArg),
    /** Starts or stops one of the demo's apps. */
    setApp: invoke<DemoAppSwitch, DemoSwitchResult>(parseDemoAppSwitch),
    /** The demo's apps changed (started, stopped, working, failing). */
    update: notify<DemoState>(),
  },
} as const;

export type UiSchema = typeof uiSchema;

type Group = keyof UiSchema;

/** `group.name` for every channel: the IPC channel (Electron) and the URL path (HTTP). */
export type ChannelName = { [G in Group]: `${G & string}.${keyof UiSchema[G] & string}` }[Group];

type SpecOf<C extends ChannelName> = C extends `${infer G}.${infer N}`
  ? G extends Group
    ? N extends keyof UiSchema[G]
      ? UiSchema[G][N]
      : never
    : never
  : never;

export type InvokeChannel = { [C in ChannelName]: SpecOf<C> extends InvokeSpec<unknown, unknown> ? C : never }[ChannelName];
export type NotifyChannel = { [C in ChannelName]: SpecOf<C> extends NotifySpec<unknown> ? C : never }[ChannelName];

export type InvokeArg<C extends InvokeChannel> = SpecOf<C> extends InvokeSpec<infer A, unknown> ? A : never;
export type InvokeResult<C extends InvokeChannel> = SpecOf<C> extends InvokeSpec<unknown, infer R> ? R : never;
export type NotifyPayload<C extends NotifyChannel> = SpecOf<C> extends NotifySpec<infer P> ? P : never;

function channels(): { invoke: InvokeChannel[]; notify: NotifyChannel[] } {
  const invokeNames: InvokeChannel[] = [];
  const notifyNames: NotifyChannel[] = [];
  for (const [group, specs] of Object.entries(uiSchema)) {
    for (const [name, spec] of Object.entries(specs as Record<string, InvokeSpec<unknown, unknown> | NotifySpec<unknown>>)) {
      if (spec.kind === 'invoke') invokeNames.push(`${group}.${name}` as InvokeChannel);
      else notifyNames.push(`${group}.${name}` as NotifyChannel);
    }
  }
  return { invoke: invokeNames, notify: notifyNames };
}

/** Every channel's name, by kind: what the preload exposes and what the hosts handle. */
export const uiChannels = channels();

/** Validates an invoke channel's argument with its schema's parser. */
export function parseInvokeArg<C extends InvokeChannel>(channel: C, arg: unknown): Parsed<InvokeArg<C>> {
  const [group, name] = channel.split('.') as [Group, string];
  const spec = (uiSchema[group] as Record<string, InvokeSpec<unknown, unknown>>)[name];
  if (spec === undefined || spec.kind !== 'invoke') return { ok: false, error: `unknown channel ${channel}` };
  return spec.parse(arg) as Parsed<InvokeArg<C>>;
}

export function isInvokeChannel(name: string): name is InvokeChannel {
  return (uiChannels.invoke as string[]).includes(name);
}

/**
 * What a host implements: one handler per invoke channel, given a validated argument. The
 * renderer's side is `UiApi` (renderer/bridge.ts derives it for each transport).
 */
export type InvokeHandlers = { readonly [C in InvokeChannel]: (arg: InvokeArg<C>) => Promise<InvokeResult<C>> };

/** The engine's channels as a host answers them: each one passed to the engine through `call`. */
export function engineHandlers(call: EngineCaller): Pick<InvokeHandlers, `engine.${UiEngineMethod}`> {
  const handlers: Partial<Record<`engine.${UiEngineMethod}`, (params: never) => Promise<unknown>>> = {};
  for (const method of uiEngineMethods) handlers[`engine.${method}`] = (params: Methods[typeof method]['params']) => call(method, params);
  return handlers as Pick<InvokeHandlers, `engine.${UiEngineMethod}`>;
}

/** The renderer's view of its host: every invoke channel as a function, every notify channel as a subscription. */
export interface UiApi {
  invoke<C extends InvokeChannel>(channel: C, arg: InvokeArg<C>): Promise<InvokeResult<C>>;
  /** Returns the unsubscribe function. */
  on<C extends NotifyChannel>(channel: C, listener: (payload: NotifyPayload<C>) => void): () => void;
}

/**
 * What Electron's preload puts on the renderer's `window` (`clatterIpc`): UiApi untyped, since the
 * schema's types do not cross contextBridge; the renderer's ipc transport types it again.
 */
export interface ClatterIpc {
  invoke(channel: string, arg: unknown): Promise<unknown>;
  /** Returns the unsubscribe function. */
  on(channel: string, listener: (payload: unknown) => void): () => void;
}
